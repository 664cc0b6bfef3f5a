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
//   a node is down when phi passes `phiThreshold`. It adapts to a jittery network.
// Promotion `auto` elects the designated synchronous standby if there is one, else the most
// advanced replica by its last reported LSN. `manual` raises an alert and waits for an
// operator, who acts `operatorDelayMs` later.

import type { Component, Ctx, Message } from '../kernel/component';
import type { DatabaseSpec, OrchestratorSpec } from '../spec';

export const ORCHESTRATOR_DEFAULTS = {
  heartbeatMs: 1000,
  timeoutMs: 10_000,
  phiThreshold: 8,
  operatorDelayMs: 300_000,
};

const PING_BYTES = 60;
/** Intervals remembered per node for phi: enough for a stable estimate, bounded. */
const PHI_WINDOW = 100;
/** Floor on the deviation phi assumes, so a perfectly regular history does not make it brittle. */
const PHI_MIN_STD_US = 100_000;

interface Watch {
  lastAnswerUs: number;
  intervalsUs: number[];
  role: string;
  lsn: number;
  epoch: number;
  down: boolean;
}

export interface OrchestratorVolatile {
  watches: Record<string, Watch>;
  primary: string;
  epoch: number;
  failovers: number;
  /** A manual promotion waiting for the operator. */
  awaitingOperator: boolean;
}

type V = OrchestratorVolatile;

function spec(ctx: Ctx): OrchestratorSpec {
  return ctx.spec as OrchestratorSpec;
}

function fresh(ctx: Ctx): V {
  const s = spec(ctx);
  const watches: Record<string, Watch> = {};
  let primary = '';
  for (const id of s.watches) {
    const ns = ctx.nodeSpec(id) as DatabaseSpec | undefined;
    watches[id] = { lastAnswerUs: ctx.nowUs, intervalsUs: [], role: ns?.role ?? 'replica', lsn: 0, epoch: 1, down: false };
    if (ns?.role === 'primary' && !primary) primary = id;
  }
  return { watches, primary, epoch: 1, failovers: 0, awaitingOperator: false };
}

/** Phi of a node now: how implausible its silence is, given its recent rhythm. */
export function phi(w: Watch, nowUs: number): number {
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
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  const pLater = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
  return -Math.log10(Math.max(pLater, 1e-300));
}

/** Suspicion in 0..1+ (1 = declared down), for the stage's detector gauge. */
function suspicion(ctx: Ctx, w: Watch): number {
  const s = spec(ctx);
  if (s.detector === 'phi') return phi(w, ctx.nowUs) / (s.phiThreshold ?? ORCHESTRATOR_DEFAULTS.phiThreshold);
  return (ctx.nowUs - w.lastAnswerUs) / ((s.timeoutMs ?? ORCHESTRATOR_DEFAULTS.timeoutMs) * 1000);
}

function electCandidate(ctx: Ctx, v: V): string | null {
  let best: string | null = null;
  for (const id of spec(ctx).watches) {
    const w = v.watches[id];
    if (id === v.primary || w.down) continue;
    const ns = ctx.nodeSpec(id) as DatabaseSpec | undefined;
    if (ns?.kind !== 'database') continue;
    // The designated synchronous standby has every acknowledged write: it wins outright.
    if (ns.role === 'standby' && ns.replication === 'sync' && ns.replicateFrom === v.primary) return id;
    if (best === null || w.lsn > v.watches[best].lsn) best = id;
  }
  return best;
}

function failover(ctx: Ctx, v: V): void {
  const old = v.primary;
  const candidate = electCandidate(ctx, v);
  if (!candidate) {
    ctx.log(`no replica can be promoted in place of ${old}`);
    ctx.mark('failover-impossible', { primary: old });
    return;
  }
  v.epoch = Math.max(v.epoch, ...Object.values(v.watches).map((w) => w.epoch)) + 1;
  v.primary = candidate;
  v.failovers++;
  ctx.log(`failover: promoting ${candidate} (lsn ${v.watches[candidate].lsn}) in place of ${old}, epoch ${v.epoch}`);
  ctx.mark('failover', { from: old, to: candidate, epoch: v.epoch, lsn: v.watches[candidate].lsn });
  ctx.send(candidate, 'promote', { epoch: v.epoch }, PING_BYTES);
  for (const id of spec(ctx).watches) {
    if (id !== candidate && id !== old && ctx.nodeSpec(id)?.kind === 'database') {
      ctx.send(id, 'follow', { node: candidate, epoch: v.epoch }, PING_BYTES);
    }
  }
}

export const orchestrator: Component = {
  kind: 'orchestrator',

  init(ctx) {
    ctx.p = {};
    ctx.v = fresh(ctx);
    ctx.setTimer(0, 'heartbeat');
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    // A restarted orchestrator knows only its configuration; it relearns roles from answers.
    ctx.v = fresh(ctx);
    ctx.setTimer(0, 'heartbeat');
    return ctx.v;
  },

  onMessage(ctx, msg: Message) {
    if (msg.type !== 'pong') return;
    const v = ctx.v as V;
    const id = ctx.nodeId(msg.from);
    const w = v.watches[id];
    if (!w) return;
    const b = msg.body as { role: string; lsn: number; epoch: number };
    const interval = ctx.nowUs - w.lastAnswerUs;
    w.intervalsUs.push(interval);
    if (w.intervalsUs.length > PHI_WINDOW) w.intervalsUs.shift();
    w.lastAnswerUs = ctx.nowUs;
    w.role = b.role;
    w.lsn = b.lsn;
    w.epoch = b.epoch;
    if (w.down) {
      w.down = false;
      ctx.log(`${id} answers again (${b.role}, lsn ${b.lsn}, epoch ${b.epoch})`);
      ctx.mark('node-back', { node: id });
      if (b.role === 'primary' && id !== v.primary && v.primary) {
        // A deposed primary: tell it to follow the one that replaced it.
        ctx.log(`${id} still believes it is primary; demoting it to follow ${v.primary}`);
        ctx.send(id, 'follow', { node: v.primary, epoch: v.epoch }, PING_BYTES);
      }
    }
  },

  onTimer(ctx, name) {
    const v = ctx.v as V;
    const s = spec(ctx);
    if (name === 'heartbeat') {
      for (const id of s.watches) {
        ctx.send(id, 'ping', {}, PING_BYTES);
        const w = v.watches[id];
        if (!w.down && suspicion(ctx, w) >= 1) {
          w.down = true;
          ctx.log(`declares ${id} down (${s.detector === 'phi' ? `phi ${phi(w, ctx.nowUs).toFixed(1)}` : `silent ${((ctx.nowUs - w.lastAnswerUs) / 1000).toFixed(0)} ms`})`);
          ctx.mark('detected-down', { node: id });
          if (id === v.primary) {
            if (s.promotion === 'auto') failover(ctx, v);
            else if (!v.awaitingOperator) {
              v.awaitingOperator = true;
              ctx.mark('alert', { rule: 'primary down', node: id });
              ctx.setTimer((s.operatorDelayMs ?? ORCHESTRATOR_DEFAULTS.operatorDelayMs) * 1000, 'operator');
            }
          }
        }
      }
      ctx.setTimer((s.heartbeatMs ?? ORCHESTRATOR_DEFAULTS.heartbeatMs) * 1000, 'heartbeat');
    } else if (name === 'operator') {
      v.awaitingOperator = false;
      if (v.watches[v.primary]?.down) failover(ctx, v);
      else ctx.log('operator finds the primary answering again; no failover');
    }
  },

  sample(ctx) {
    const v = ctx.v as V;
    const out: Record<string, number> = { failovers: v.failovers };
    for (const id of spec(ctx).watches) out[`suspicion:${id}`] = suspicion(ctx, v.watches[id]);
    return out;
  },

  view(ctx) {
    const v = ctx.v as V | null;
    if (!v) return { summary: 'down', detail: {} };
    const suspicions: Record<string, number> = {};
    for (const id of spec(ctx).watches) suspicions[id] = Math.round(suspicion(ctx, v.watches[id]) * 100) / 100;
    return {
      summary: `primary ${v.primary || '?'}, ${v.failovers} failover${v.failovers === 1 ? '' : 's'}`,
      detail: { primary: v.primary, epoch: v.epoch, suspicions, awaitingOperator: v.awaitingOperator },
    };
  },
};
