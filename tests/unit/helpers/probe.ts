// A test-only component: it sends a numbered ping to each peer every `everyMs` and records
// every ping it receives as a mark, so tests can assert exactly which messages a network or
// lifecycle fault let through. It also counts its own timer firings in volatile state and
// a persisted counter, to tell crash (memory lost) from pause (memory kept).

import type { Component } from '../../../src/sim/kernel/component';
import { seq, seqPush, type Seq } from '../../../src/sim/kernel/seq';
import { Sim, type SimOptions } from '../../../src/sim/kernel/sim';
import { FAULT_KINDS } from '../../../src/sim/faults';
import type { FaultSpec, LinkSpec, SiteSpec } from '../../../src/sim/spec';

// The probe's own message, added to the protocol for these tests (it is not part of the model).
declare module '../../../src/sim/protocol' {
  interface Bodies {
    probe: { seq: number };
  }
}

export interface ProbeSpec {
  id: string;
  kind: 'probe';
  site: string;
  peers: string[];
  everyMs: number;
  bytes?: number;
  /** Timer storm: each tick schedules `fanout` ticks (to test the pending-events limit). */
  fanout?: number;
  /** Throw on the n-th tick (to test that a component bug aborts the run cleanly). */
  throwOnTick?: number;
  /** Push this many items into a bounded queue per tick, never taking any (to test the limits on state). */
  hoard?: number;
}

export interface ProbePersisted {
  persistedTicks: number;
}

export interface ProbeVolatile {
  ticks: number;
  seq: number;
  draws: number[];
  hoard: Seq<{ tick: number; i: number }>;
}

interface Probe {
  spec: ProbeSpec;
  persisted: ProbePersisted;
  volatile: ProbeVolatile;
  timer: { name: 'tick' };
  inbox: 'probe';
  detail: Record<string, never>;
}

/** What the probe says each hoarded item costs, in its footprint. */
export const HOARD_ITEM_BYTES = 100;

export const probe: Component<Probe> = {
  kind: 'probe',
  init(ctx) {
    ctx.p = { persistedTicks: 0 };
    ctx.v = { ticks: 0, seq: 0, draws: [], hoard: seq('queue') };
    ctx.setTimer(ctx.spec.everyMs * 1000, { name: 'tick' });
    return { p: ctx.p, v: ctx.v };
  },
  recover(ctx) {
    ctx.v = { ticks: 0, seq: 0, draws: [], hoard: seq('queue') };
    ctx.setTimer(ctx.spec.everyMs * 1000, { name: 'tick' });
    return ctx.v;
  },
  onMessage(ctx, msg) {
    ctx.mark('recv', { from: ctx.nodeId(msg.from), seq: msg.body.seq, sentUs: msg.sentUs, atUs: ctx.nowUs, ticksAtReceipt: ctx.v.ticks });
  },
  onTimer(ctx, timer) {
    const s = ctx.spec;
    if (timer.name !== 'tick') return;
    ctx.v.ticks++;
    ctx.p.persistedTicks++;
    if (s.throwOnTick !== undefined && ctx.v.ticks === s.throwOnTick) throw new Error('probe exploded on purpose');
    ctx.v.draws.push(ctx.random());
    for (const peer of s.peers) {
      const seq = ++ctx.v.seq;
      ctx.send(peer, 'probe', { seq }, s.bytes ?? 100);
      ctx.mark('sent', { to: peer, seq });
    }
    for (let i = 0; i < (s.hoard ?? 0); i++) seqPush(ctx.v.hoard, { tick: ctx.v.ticks, i });
    for (let i = 0; i < (s.fanout ?? 1); i++) ctx.setTimer(s.everyMs * 1000, { name: 'tick' });
  },
  footprint(ctx) {
    return ctx.v ? ctx.v.hoard.length * HOARD_ITEM_BYTES : 0;
  },
  view(ctx) {
    return { summary: `ticks ${ctx.v?.ticks ?? '-'}`, detail: {} };
  },
};

/** A probe node's state, live, as its kind keeps it. */
export function probeState(sim: Sim, id: string): { readonly status: string; readonly p: ProbePersisted; readonly v: ProbeVolatile | null } {
  const n = sim.state.nodes[sim.index(id)];
  return {
    get status() {
      return n.status;
    },
    get p() {
      return n.p as ProbePersisted;
    },
    get v() {
      return n.v as ProbeVolatile | null;
    },
  };
}

export function probeWorld(
  nodes: ProbeSpec[],
  opts: { sites?: SiteSpec[]; links?: LinkSpec[]; faults?: FaultSpec[]; seed?: number; sim?: SimOptions } = {},
): Sim {
  const sites = opts.sites ?? [{ id: 's1' }];
  return new Sim(
    { seed: opts.seed ?? 1, durationMs: 60_000, sites, links: opts.links ?? [], nodes: nodes as never, faults: opts.faults ?? [] },
    { probe },
    FAULT_KINDS,
    { sampleEveryMs: 0, ...opts.sim },
  );
}

/** Received pings as `from>to#seq` strings, in delivery order. */
export function received(sim: Sim): string[] {
  return sim.journals.marks.items.filter((m) => m.kind === 'recv').map((m) => `${m.data!.from}>${m.node}#${m.data!.seq}`);
}

export function sent(sim: Sim): { to: string; from: string; seq: number; atUs: number }[] {
  return sim.journals.marks.items.filter((m) => m.kind === 'sent').map((m) => ({ from: m.node, to: String(m.data!.to), seq: Number(m.data!.seq), atUs: m.atUs }));
}
