// One swarm seed: draw its world, run it twice with the checkers on, and hold it to the
// invariants. Safety with faults on (no uncaught error, limits hold, the same trace twice,
// the checkers' findings consistent with what happened), then liveness after the faults
// stop (the quiet tail ends with one primary per group, its followers caught up, every client
// served). Each broken invariant is reported by name with a sentence.

import { validateScenario } from '../../scenario/validate';
import type { Scenario } from '../../scenario/types';
import type { Sim } from '../../sim/kernel/sim';
import { summarize, type RunSummary } from '../../sim/report';
import { createSim } from '../../sim/world';
import { drawWorld, type SwarmPlan, type SwarmWorld } from './world';

export type Invariant = 'validator' | 'no uncaught error' | 'limits hold' | 'same trace twice' | 'checkers consistent' | 'converges';

export interface Violation {
  invariant: Invariant;
  detail: string;
}

export interface SeedResult {
  seed: number;
  events: number;
  trace: string;
  anomalies: Record<string, number>;
  violations: Violation[];
}

/** The end of the tail over which clients must be served. */
const SERVED_WINDOW_MS = 10_000;
/** In that window, at most this share of a client's completed operations may fail. */
const MAX_FAILED_SHARE = 0.2;

interface Run {
  sim: Sim;
  summary?: RunSummary;
  thrown?: unknown;
}

function runOnce(scenario: Scenario): Run {
  const sim = createSim(scenario, { checkpoints: false });
  try {
    sim.advanceTo(Math.round(scenario.durationMs * 1000));
    return { sim, summary: summarize(sim) };
  } catch (e) {
    return { sim, thrown: e };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e);
}

export function checkSeed(seed: number, world: SwarmWorld = drawWorld(seed)): SeedResult {
  const out: SeedResult = { seed, events: 0, trace: '', anomalies: {}, violations: [] };
  const fail = (invariant: Invariant, detail: string) => out.violations.push({ invariant, detail });
  const res = validateScenario(world.doc);
  if (!res.ok) {
    fail('validator', res.errors.slice(0, 5).map((e) => `${e.path} ${e.message}`).join('; '));
    return out;
  }
  const first = runOnce(res.scenario);
  if (first.thrown !== undefined) {
    fail('no uncaught error', `the run threw: ${message(first.thrown)}`);
    return out;
  }
  const s = first.summary!;
  out.events = s.events;
  out.trace = s.trace;
  out.anomalies = Object.fromEntries(s.anomalies.map((a) => [a.kind, a.count]));
  if (s.aborted) {
    fail(s.aborted.kind === 'error' ? 'no uncaught error' : 'limits hold', `the run stopped at ${s.aborted.atMs} ms: ${s.aborted.reason}`);
    return out;
  }
  const second = runOnce(res.scenario);
  if (second.thrown !== undefined || second.summary!.trace !== s.trace || second.summary!.events !== s.events) {
    fail('same trace twice', `first run ${s.trace} (${s.events} events), second ${second.summary?.trace ?? 'threw'} (${second.summary?.events ?? message(second.thrown)})`);
  }
  for (const v of checkConsistency(first.sim, s, world)) fail('checkers consistent', v);
  for (const v of checkConvergence(first.sim, world.plan)) fail('converges', v);
  return out;
}

/** What happened in the run, from the marks components and the kernel record. */
function happenings(sim: Sim, plan: SwarmPlan) {
  const initialPrimaries = new Set(plan.clusters.map((c) => c.databases[0]));
  let promotions = 0;
  let restores = 0;
  let roleChanges = 0;
  /** A primary that stopped taking writes without changing role: its lease ran out, it was fenced, its disk filled. */
  let refusals = 0;
  let firstFaultUs = Infinity;
  /** The first promotion after the start: a failover, an operator's promotion. */
  let firstPromotionUs = Infinity;
  const faultKinds = new Set<string>();
  for (const m of sim.journals.marks.items) {
    const d = (m.data ?? {}) as Record<string, unknown>;
    if (m.kind === 'role') {
      if (m.atUs > 0) roleChanges++;
      if (d.role === 'primary' && (m.atUs > 0 || !initialPrimaries.has(m.node))) {
        promotions++;
        if (m.atUs > 0) firstPromotionUs = Math.min(firstPromotionUs, m.atUs);
      }
    }
    if (m.kind === 'restore' || m.kind === 'restored') restores++;
    if (m.kind === 'lease-lost' || m.kind === 'fenced' || m.kind === 'disk-full') refusals++;
    if (m.kind === 'fault:apply') {
      firstFaultUs = Math.min(firstFaultUs, m.atUs);
      faultKinds.add(String(d.kind));
    }
  }
  return { promotions, restores, roleChanges, refusals, firstFaultUs, firstPromotionUs, faultKinds };
}

/** Implications between what the checkers report and what happened (DOMAIN.md's anomaly table). */
function checkConsistency(sim: Sim, s: RunSummary, world: SwarmWorld): string[] {
  const out: string[] = [];
  const h = happenings(sim, world.plan);
  const found = new Map(s.anomalies.map((a) => [a.kind, a]));
  const m = s.metrics;
  const lost = found.get('lost-write');
  // A write acknowledged and then missing from the surviving lineage needs that lineage to change.
  if (lost && h.promotions === 0 && h.restores === 0) out.push(`lost-write x${lost.count} with no failover, promotion or restore: ${lost.explanation}`);
  const split = found.get('split-brain');
  if (split && h.promotions === 0) out.push(`split-brain with no promotion ever: ${split.explanation}`);
  const dup = found.get('duplicate-effect');
  if (dup && world.plan.racyWorkers.length === 0) out.push(`duplicate-effect x${dup.count} with no racy worker: ${dup.explanation}`);
  const undetected = found.get('undetected-outage');
  if (undetected && !found.has('request-failed') && !found.has('write-rejected')) out.push(`undetected-outage with no request failed or rejected: ${undetected.explanation}`);
  const rejected = found.get('write-rejected');
  if (rejected && h.roleChanges === 0 && h.refusals === 0 && !h.faultKinds.has('repoint')) out.push(`write-rejected x${rejected.count} with no role change, no lost lease or fencing, no full disk and no re-pointing: ${rejected.explanation}`);
  // Before the first fault nothing has gone wrong that only faults cause. But heartbeats lost
  // on a lossy link need no fault: a lease can lapse, and a detector can declare a live
  // primary down and fail over (seed 1401: phi after one lost heartbeat), whose deposed primary
  // then refuses writes, or takes them beside the new one until it is demoted.
  const lossy = (world.doc as { links?: { lossRate?: number }[] }).links?.some((l) => (l.lossRate ?? 0) > 0) ?? false;
  const needlessFailoverUs = lossy ? h.firstPromotionUs : Infinity;
  for (const kind of ['lost-write', 'split-brain', 'write-rejected'] as const) {
    const a = found.get(kind);
    const explained = (kind === 'write-rejected' && h.refusals > 0) || (a !== undefined && a.firstAtMs * 1000 >= needlessFailoverUs);
    if (a && a.firstAtMs * 1000 < h.firstFaultUs && kind !== 'lost-write' && !explained) out.push(`${kind} at ${a.firstAtMs} ms, before the first fault (${h.firstFaultUs / 1000} ms)`);
  }
  // The summary's figures agree with the anomalies and with each other.
  const lostCount = lost?.count ?? 0;
  if (m.writes.lost !== lostCount) out.push(`metrics say ${m.writes.lost} writes lost, the lost-write anomalies ${lostCount}`);
  if (m.writes.acked + m.writes.failed + m.writes.unknown > m.writes.attempted) out.push(`writes: ${m.writes.acked} acked + ${m.writes.failed} failed + ${m.writes.unknown} unknown > ${m.writes.attempted} attempted`);
  if (m.reads.ok + m.reads.failed > m.reads.attempted) out.push(`reads: ${m.reads.ok} ok + ${m.reads.failed} failed > ${m.reads.attempted} attempted`);
  if (m.writes.lost > m.writes.acked) out.push(`${m.writes.lost} writes lost of ${m.writes.acked} acknowledged`);
  if (m.failovers > 0 && h.promotions === 0) out.push(`${m.failovers} failovers counted and no node ever promoted`);
  return out;
}

type DbDetail = { provisioned?: boolean; role?: string; fenced?: boolean; lsn?: number; follow?: string | null };

/** After the quiet tail: one primary per group, its followers caught up and following it, clients served. */
function checkConvergence(sim: Sim, plan: SwarmPlan): string[] {
  const out: string[] = [];
  const view = (id: string) => sim.view(sim.index(id));
  for (const c of plan.clusters) {
    const dbs = c.databases.map((id) => ({ id, v: view(id), d: view(id).detail as DbDetail }));
    const down = dbs.filter((x) => x.v.status !== 'up');
    if (down.length) out.push(`${down.map((x) => `${x.id} is ${x.v.status}`).join(', ')} at the end, every fault healed`);
    const primaries = dbs.filter((x) => x.v.status === 'up' && x.d.role === 'primary' && !x.d.fenced);
    if (primaries.length !== 1) {
      out.push(`${primaries.length} primaries among ${c.databases.join(', ')} at the end (${dbs.map((x) => `${x.id}: ${x.v.summary}`).join('; ')})`);
      continue;
    }
    const primary = primaries[0];
    // Writes of the last second or two may still be on their way; a follower further behind has not caught up.
    const slack = Math.max(50, Math.round((primary.d.lsn ?? 0) * 0.01));
    for (const f of dbs) {
      if (f === primary || f.v.status !== 'up') continue;
      if (f.d.follow !== primary.id) out.push(`${f.id} follows ${f.d.follow ?? 'nothing'}, not the primary ${primary.id}`);
      else if ((primary.d.lsn ?? 0) - (f.d.lsn ?? 0) > slack) out.push(`${f.id} is at lsn ${f.d.lsn}, ${primary.id} at ${primary.d.lsn}: not caught up after ${(sim.nowUs / 1000 - plan.quietFromMs) / 1000} s of quiet`);
    }
  }
  // Clients: over the last seconds, each completed something and most of it succeeded.
  const h = sim.journals.history;
  const fromUs = sim.nowUs - SERVED_WINDOW_MS * 1000;
  const tally = new Map<string, { ok: number; failed: number }>();
  for (let i = h.length - 1; i >= 0 && h.atUsAt(i) >= fromUs; i--) {
    const type = h.typeAt(i);
    if (type === 'invoke') continue;
    const e = h.get(i);
    const t = tally.get(e.client) ?? { ok: 0, failed: 0 };
    if (type === 'ok') t.ok++;
    else t.failed++;
    tally.set(e.client, t);
  }
  for (const client of plan.clients) {
    const t = tally.get(client) ?? { ok: 0, failed: 0 };
    if (t.ok === 0) out.push(`${client} completed no operation successfully in the last ${SERVED_WINDOW_MS / 1000} s (${t.failed} failed)`);
    else if (t.failed / (t.ok + t.failed) > MAX_FAILED_SHARE) out.push(`${client}: ${t.failed} of ${t.ok + t.failed} operations failed in the last ${SERVED_WINDOW_MS / 1000} s`);
  }
  return out;
}
