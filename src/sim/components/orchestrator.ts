// The orchestrator watches databases by heartbeat and, when the primary looks dead,
// promotes a replica and re-points the others to it.
//
// It can only judge by what reaches it: a slow, paused or partitioned primary looks exactly
// like a dead one, which is how a false positive triggers a needless failover.
//
// Detectors:
// - `timeout`: a node is down when no heartbeat answer came for `timeoutMs`.
// - `phi` (phi accrual, Hayashibara et al. 2004, as in Cassandra and Akka): from the recent
//   intervals between answers, phi = -log10(P(an answer is still to come after this long));
//   a node is down when phi passes `phiThreshold`. It adapts to a jittery network. Until it
//   has a few intervals to go on, the timeout decides.
// Promotion `auto` elects the designated synchronous standby if there is one, else the most
// advanced replica by its last reported LSN. `manual` raises an alert and waits for an
// operator, who acts `operatorDelayMs` later.
//
// Fencing (on or off): with it, every heartbeat carries the current epoch and a lease, so a
// primary stops accepting writes by itself when heartbeats stop reaching it (before it
// could be replaced), and steps down as soon as it hears of a newer epoch; on a failover the
// old primary is also told to stop. Without it, a deposed primary that is still running
// keeps accepting writes until it is demoted.
//
// Its view (who is primary, the epoch) is persisted, as a real orchestrator keeps it in a
// consensus store, so a restarted orchestrator carries on from it.

import type { Component, Ctx } from '../kernel/component';
import { exp, log10 } from '../kernel/fmath';
import type { DatabaseSpec, OrchestratorSpec } from '../spec';
import type { PongBody } from '../protocol';
import type { OrchestratorDetail } from '../views';
import { ORCHESTRATOR_DEFAULTS, leaseMsOf } from '../params/orchestrator';

export { ORCHESTRATOR_DEFAULTS };

const PING_BYTES = 60;
/** Intervals remembered per node for phi: enough for a stable estimate, bounded. */
const PHI_WINDOW = 100;
/** Floor on the deviation phi assumes, so a perfectly regular history does not make it brittle. */
const PHI_MIN_STD_US = 100_000;
/** Phi trusts its estimate only after this many intervals; until then the timeout decides. */
const PHI_MIN_SAMPLES = 5;
/** A managed failover waits at most this long for the candidate to catch up before promoting it. */
const MANAGED_CATCHUP_US = 5_000_000;

interface Watch {
  lastAnswerUs: number;
  /** Whether any answer has come yet (the first one starts the intervals, it is not one). */
  heard: boolean;
  intervalsUs: number[];
  role: string;
  lsn: number;
  epoch: number;
  follow: string | null;
  down: boolean;
}

export interface OrchestratorPersisted {
  primary: string;
  epoch: number;
  failovers: number;
}

export interface OrchestratorVolatile {
  watches: Record<string, Watch>;
  /** A manual promotion waiting for the operator. */
  awaitingOperator: boolean;
  /** A managed failover in progress: the replica to promote, since when. */
  managed: { to: string; old: string; sinceUs: number } | null;
  /**
   * Restarted: its persisted view may be out of date (an operator may have promoted someone
   * meanwhile), so it grants a lease only to a node it has heard from since.
   */
  restarted: boolean;
  /** The primary it chose has not answered since it chose it: its promotion may be on its way, or lost. */
  chosenUnheard: boolean;
}

type OrchestratorTimer = { name: 'heartbeat' } | { name: 'operator' };

interface Orchestrator {
  spec: OrchestratorSpec;
  persisted: OrchestratorPersisted;
  volatile: OrchestratorVolatile;
  timer: OrchestratorTimer;
  inbox: 'pong' | 'scrape';
  detail: OrchestratorDetail;
}

type C = Ctx<Orchestrator>;
type P = OrchestratorPersisted;
type V = OrchestratorVolatile;

/** A watched node's spec, if it is a database. */
function databaseSpec(ctx: C, id: string): DatabaseSpec | undefined {
  const ns = ctx.nodeSpec(id);
  return ns?.kind === 'database' ? ns : undefined;
}


function fresh(ctx: C, restarted: boolean): V {
  const watches: Record<string, Watch> = {};
  for (const id of ctx.spec.watches) {
    const ns = databaseSpec(ctx, id);
    watches[id] = { lastAnswerUs: ctx.nowUs, heard: false, intervalsUs: [], role: ns?.role ?? 'replica', lsn: 0, epoch: 1, follow: ns?.replicateFrom ?? null, down: false };
  }
  return { watches, awaitingOperator: false, managed: null, restarted, chosenUnheard: restarted };
}

/** Phi of a node now: how implausible its silence is, given its recent rhythm. */
export function phi(w: Pick<Watch, 'intervalsUs' | 'lastAnswerUs'>, nowUs: number): number {
  const n = w.intervalsUs.length;
  if (n === 0) return 0;
  let sum = 0;
  for (const x of w.intervalsUs) sum += x;
  const mean = sum / n;
  let sq = 0;
  for (const x of w.intervalsUs) sq += (x - mean) * (x - mean);
  const std = Math.max(Math.sqrt(sq / n), PHI_MIN_STD_US);
  const elapsed = nowUs - w.lastAnswerUs;
  // Logistic approximation of the normal tail, as Akka's detector uses.
  const y = (elapsed - mean) / std;
  const e = exp(-y * (1.5976 + 0.070566 * y * y));
  const pLater = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
  return -log10(Math.max(pLater, 1e-300));
}

/** Suspicion in 0..1+ (1 = declared down), for the stage's detector gauge. */
function suspicion(ctx: Pick<C, 'nowUs' | 'spec'>, w: Watch): number {
  const s = ctx.spec;
  if (s.detector === 'phi' && w.intervalsUs.length >= PHI_MIN_SAMPLES) {
    return phi(w, ctx.nowUs) / (s.phiThreshold ?? ORCHESTRATOR_DEFAULTS.phiThreshold);
  }
  return (ctx.nowUs - w.lastAnswerUs) / ((s.timeoutMs ?? ORCHESTRATOR_DEFAULTS.timeoutMs) * 1000);
}

function leaseUs(ctx: C): number {
  return leaseMsOf(ctx.spec) * 1000;
}

function electCandidate(ctx: C, v: V, primary: string): string | null {
  let best: string | null = null;
  for (const id of ctx.spec.watches) {
    const w = v.watches[id];
    if (id === primary || w.down) continue;
    const ns = databaseSpec(ctx, id);
    if (!ns) continue;
    // The designated synchronous standby has every acknowledged write: it wins outright.
    if (ns.role === 'standby' && ns.replication === 'sync' && ns.replicateFrom === primary) return id;
    if (best === null || w.lsn > v.watches[best].lsn) best = id;
  }
  return best;
}

function nextEpoch(p: P, v: V): number {
  let max = p.epoch;
  for (const id in v.watches) max = Math.max(max, v.watches[id].epoch);
  return max + 1;
}

/** Make `candidate` the primary in place of `old`, and re-point everyone else to it. */
function switchTo(ctx: C, candidate: string, why: string): void {
  const p = ctx.p;
  const v = ctx.v;
  const old = p.primary;
  p.epoch = nextEpoch(p, v);
  p.primary = candidate;
  v.chosenUnheard = true;
  p.failovers++;
  ctx.log(`failover (${why}): promoting ${candidate} (lsn ${v.watches[candidate].lsn}) in place of ${old}, epoch ${p.epoch}`);
  ctx.mark('failover', { from: old, to: candidate, epoch: p.epoch, lsn: v.watches[candidate].lsn, why });
  ctx.send(candidate, 'promote', { epoch: p.epoch }, PING_BYTES);
  if (ctx.spec.fencing && old) ctx.send(old, 'fence', { epoch: p.epoch }, PING_BYTES);
  for (const id of ctx.spec.watches) {
    if (id !== candidate && id !== old && ctx.nodeSpec(id)?.kind === 'database') {
      ctx.send(id, 'follow', { node: candidate, epoch: p.epoch }, PING_BYTES);
    }
  }
}

function failover(ctx: C, why: string): void {
  const p = ctx.p;
  const candidate = electCandidate(ctx, ctx.v, p.primary);
  if (!candidate) {
    ctx.log(`no replica can be promoted in place of ${p.primary}`);
    ctx.mark('failover-impossible', { primary: p.primary });
    return;
  }
  switchTo(ctx, candidate, why);
}

/** A watched node answered: learn what it says, and correct it if it is out of line. */
function onPong(ctx: C, id: string, b: PongBody): void {
  const p = ctx.p;
  const v = ctx.v;
  const w = v.watches[id];
  if (w.heard) {
    w.intervalsUs.push(ctx.nowUs - w.lastAnswerUs);
    if (w.intervalsUs.length > PHI_WINDOW) w.intervalsUs.shift();
  }
  w.heard = true;
  w.lastAnswerUs = ctx.nowUs;
  w.role = b.role;
  w.lsn = b.lsn;
  w.epoch = b.epoch;
  w.follow = b.follow;
  if (w.down) {
    w.down = false;
    ctx.log(`${id} answers again (${b.fenced ? 'fenced ' : ''}${b.role}, lsn ${b.lsn}, epoch ${b.epoch})`);
    ctx.mark('node-back', { node: id });
  }
  if (id === p.primary) v.chosenUnheard = false;
  // A primary of our own epoch that we did not choose took the epoch without hearing of ours
  // (an operator's promotion, a primary restored from a backup, while cut off from us). If
  // the one we chose acts as primary, it goes on and the other is demoted below; if it never
  // became primary (our promotion was lost on the way), the other is the only primary there
  // is (seed 1759: demoting it left two replicas following each other). Until the one we
  // chose has answered since we chose it, we cannot tell: decide at a later heartbeat (seed
  // 2452: its answer as primary was on its way).
  const tie = b.role === 'primary' && !b.fenced && b.epoch === p.epoch && id !== p.primary;
  if (tie && v.chosenUnheard) return;
  const chosen = p.primary ? v.watches[p.primary] : undefined;
  const chosenActs = chosen !== undefined && chosen.role === 'primary' && chosen.epoch === p.epoch;
  if (b.role === 'primary' && !b.fenced && (b.epoch > p.epoch || (tie && !chosenActs)) && id !== p.primary) {
    // Promoted by someone else (an operator) into an epoch newer than ours: its history is
    // the one that goes on. Demoting it back under our older epoch would lose its writes,
    // and the old primary, once it hears of the newer epoch, fences itself: nobody would
    // accept writes again. Follow it instead; the others are re-pointed as they answer.
    ctx.log(`${id} was promoted outside the orchestrator (epoch ${b.epoch}, ours ${p.epoch}); following it as the primary`);
    ctx.mark('adopt', { node: id, from: p.primary, epoch: b.epoch });
    // The primary it replaces is deposed as by a failover: with fencing, told to stop now.
    if (ctx.spec.fencing && p.primary) ctx.send(p.primary, 'fence', { epoch: b.epoch }, PING_BYTES);
    // Of two primaries of one epoch, role endpoints took whichever claimed last: point them
    // at the one that goes on (a newer epoch's primary has claimed them, and its claim wins).
    if (tie) claimFor(ctx, id);
    p.primary = id;
    p.epoch = b.epoch;
    return;
  }
  if (id === p.primary && b.role !== 'primary' && b.epoch < p.epoch) {
    // The primary we chose does not act as one and has not heard of our epoch: its promotion
    // never reached it (it was cut off when we failed over). Ask again, or clients find no
    // primary for good. (One that has heard of it and still is not primary is left alone:
    // asking again would only go round.)
    ctx.send(id, 'promote', { epoch: p.epoch }, PING_BYTES);
    return;
  }
  if (!p.primary || id === p.primary) return;
  if (b.role === 'primary') {
    // A deposed primary: make it follow the one that replaced it. Its divergent writes
    // are discarded when it subscribes.
    ctx.log(`${id} still acts as primary (epoch ${b.epoch}); demoting it to follow ${p.primary}`);
    ctx.mark('demote', { node: id, to: p.primary });
    ctx.send(id, 'follow', { node: p.primary, epoch: p.epoch }, PING_BYTES);
    // Promoted by an operator who could not hear of our epoch, it took the same one, and a
    // role endpoint may have taken its claim over ours, or will when it lands (an older
    // epoch's claim never does). Point the name back at the primary that goes on, as an
    // orchestrator's recovery hooks update DNS: our claim lands after its claim, and nothing
    // else would claim the name again.
    if (b.epoch === p.epoch) claimFor(ctx, p.primary);
  } else if (b.follow !== p.primary && ctx.nodeSpec(id)?.kind === 'database') {
    // A replica that missed the re-pointing (it was down or cut off at the time).
    ctx.send(id, 'follow', { node: p.primary, epoch: p.epoch }, PING_BYTES);
  }
}

/** Role endpoints are to name `node`, the primary of our epoch (they take a claim of an epoch as new as theirs). */
function claimFor(ctx: C, node: string): void {
  for (const ep of ctx.nodesOfKind('endpoint')) ctx.command(ep, { verb: 'claim', node, epoch: ctx.p.epoch });
}

function heartbeat(ctx: C): void {
  const p = ctx.p;
  const v = ctx.v;
  const s = ctx.spec;
  const leased = s.fencing ? { epoch: p.epoch, leaseUntilUs: ctx.nowUs + leaseUs(ctx) } : {};
  const unleased = s.fencing ? { epoch: p.epoch } : leased;
  for (const id of s.watches) {
    ctx.send(id, 'ping', v.restarted && !v.watches[id].heard ? unleased : leased, PING_BYTES);
    const w = v.watches[id];
    if (w.down || suspicion(ctx, w) < 1) continue;
    w.down = true;
    const how = s.detector === 'phi' && w.intervalsUs.length >= PHI_MIN_SAMPLES ? `phi ${phi(w, ctx.nowUs).toFixed(1)}` : `silent ${((ctx.nowUs - w.lastAnswerUs) / 1000).toFixed(0)} ms`;
    ctx.log(`declares ${id} down (${how})`);
    ctx.mark('detected-down', { node: id });
    if (id !== p.primary) continue;
    if (s.promotion === 'auto') failover(ctx, `${id} declared down`);
    else if (!v.awaitingOperator) {
      v.awaitingOperator = true;
      ctx.mark('alert', { rule: 'primary down', node: id, state: 'firing' });
      ctx.setTimer((s.operatorDelayMs ?? ORCHESTRATOR_DEFAULTS.operatorDelayMs) * 1000, { name: 'operator' });
    }
  }
  const m = v.managed;
  if (m) {
    const caughtUp = v.watches[m.to].lsn >= v.watches[m.old].lsn;
    if (caughtUp || ctx.nowUs - m.sinceUs >= MANAGED_CATCHUP_US) {
      v.managed = null;
      switchTo(ctx, m.to, 'managed failover');
      ctx.send(m.old, 'follow', { node: m.to, epoch: p.epoch }, PING_BYTES);
    }
  }
  ctx.setTimer((s.heartbeatMs ?? ORCHESTRATOR_DEFAULTS.heartbeatMs) * 1000, { name: 'heartbeat' });
}

function sample(ctx: C): Record<string, number> {
  const v = ctx.v;
  const out: Record<string, number> = { up: 1, failovers: ctx.p.failovers };
  for (const id of ctx.spec.watches) out[`suspicion:${id}`] = suspicion(ctx, v.watches[id]);
  return out;
}

export const orchestrator: Component<Orchestrator> = {
  kind: 'orchestrator',

  init(ctx) {
    let primary = '';
    for (const id of ctx.spec.watches) if (databaseSpec(ctx, id)?.role === 'primary' && !primary) primary = id;
    ctx.p = { primary, epoch: 1, failovers: 0 };
    ctx.v = fresh(ctx, false);
    ctx.setTimer(0, { name: 'heartbeat' });
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh(ctx, true);
    ctx.setTimer(0, { name: 'heartbeat' });
    return ctx.v;
  },

  onMessage(ctx, msg) {
    const id = ctx.nodeId(msg.from);
    if (msg.type === 'pong') {
      if (ctx.v.watches[id]) onPong(ctx, id, msg.body);
    } else if (msg.type === 'scrape') {
      ctx.send(id, 'metrics', { values: sample(ctx) }, PING_BYTES);
    }
  },

  onTimer(ctx, timer) {
    const v = ctx.v;
    const p = ctx.p;
    if (timer.name === 'heartbeat') heartbeat(ctx);
    else if (timer.name === 'operator') {
      v.awaitingOperator = false;
      if (v.watches[p.primary]?.down) failover(ctx, 'the operator promoted a replica');
      else ctx.log('the operator finds the primary answering again; no failover');
    }
  },

  onCommand(ctx, cmd) {
    if (cmd.verb !== 'managed-failover') return `an orchestrator does not take '${cmd.verb}'`;
    const p = ctx.p;
    const v = ctx.v;
    if (v.managed) return 'a managed failover is already in progress';
    const to = cmd.to ?? electCandidate(ctx, v, p.primary);
    if (!to || !v.watches[to] || to === p.primary) return `it has no replica to fail over to${to ? ` (${to})` : ''}`;
    // Stop writes on the old primary first, let the candidate catch up, then switch.
    ctx.log(`managed failover: fencing ${p.primary}, waiting for ${to} to catch up`);
    ctx.mark('managed-failover', { from: p.primary, to });
    ctx.send(p.primary, 'fence', { epoch: nextEpoch(p, v) }, PING_BYTES);
    v.managed = { to, old: p.primary, sinceUs: ctx.nowUs };
    return undefined;
  },

  sample,

  view(ctx) {
    const p = ctx.p;
    const v = ctx.v;
    const suspicions: Record<string, number> = {};
    if (v) for (const id of ctx.spec.watches) suspicions[id] = Math.round(suspicion(ctx, v.watches[id]) * 100) / 100;
    return {
      summary: `primary ${p.primary || '?'}, ${p.failovers} failover${p.failovers === 1 ? '' : 's'}`,
      detail: { primary: p.primary, epoch: p.epoch, failovers: p.failovers, suspicions, awaitingOperator: v?.awaitingOperator ?? false, fencing: ctx.spec.fencing },
    };
  },
};
