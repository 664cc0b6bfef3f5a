// The node's cores and the one queue in front of them. Client requests wait there, and so do
// the orchestrator's heartbeats and commands and the reading of old log for a follower
// catching up: an overloaded node answers heartbeats late, and a catch-up can take the
// primary's capacity from its clients.

import type { DbRequest } from '../../protocol';
import { cancel, dominantKind, release as releaseServer, submit, waitUs } from '../servers';
import { record } from '../../metrics/histogram';
import { fifoAt, fifoSize } from '../../kernel/fifo';
import { DATABASE_DEFAULTS, cores, serviceUs, type C, type CpuJob, type P, type Queued, type QueuedRequest } from './state';
import { refuse, serve, shipRead, snapshotRead } from './primary';
import { onFence, onPing, promote, follow } from './roles';

/** Queueing delay at which the node marks itself overloaded, and below which it recovers. */
const OVERLOAD_US = 500_000;
const RECOVERED_US = 100_000;
/** What each kind of queued work is called when it overloads the node. */
const LOAD_NAMES: Record<string, string> = {
  client: 'client load',
  'catch-up': 'replication catch-up',
  control: 'heartbeats and commands',
};

function isSlow(p: P, key: string): boolean {
  const slow = p.slow;
  if (!slow) return false;
  if (slow.keys.includes(key)) return true;
  // The hottest keys of a skewed workload are k0, k1, ...: key index below `hottest`.
  return slow.hottest > 0 && key.length > 1 && Number(key.slice(1)) < slow.hottest;
}

/** What a client request costs a core here now: CPU, and disk reads for cache misses. */
function requestCostUs(ctx: C): number {
  const v = ctx.v;
  const s = ctx.spec;
  const miss = 1 - v.warmth * (s.cacheHitRatio ?? DATABASE_DEFAULTS.cacheHitRatio);
  const costMs = (s.serviceMs ?? DATABASE_DEFAULTS.serviceMs) + miss * (s.ioMs ?? DATABASE_DEFAULTS.ioMs);
  return Math.max(1, Math.round(costMs * 1000));
}

/**
 * The extra time a request on a key with a bad plan takes after its turn on a core: the plan
 * reads far more than it needs, mostly waiting on the disk. It holds its connection all that
 * time, but not a core: the database looks busy, not broken, while the pools drain.
 */
function slowWaitUs(ctx: C, req: DbRequest): number {
  const p = ctx.p;
  if (!isSlow(p, req.key)) return 0;
  return Math.round(requestCostUs(ctx) * (p.slow!.factor - 1));
}

/** A job for the node's cores: it waits for those before it, then takes its time. */
export function enqueue(ctx: C, q: Queued): void {
  const v = ctx.v;
  let costUs = serviceUs(ctx);
  let kind = 'control';
  if (q.type === 'request') {
    const limit = ctx.spec.maxConnections ?? DATABASE_DEFAULTS.maxConnections;
    if (limit > 0 && v.clientInFlight >= limit) return refuse(ctx, q.from, q.body, 'too-many-connections');
    v.clientInFlight++;
    costUs = requestCostUs(ctx);
    kind = 'client';
  } else if (q.type === 'ship' || q.type === 'snapshot-read') {
    costUs = q.body.costUs;
    kind = 'catch-up';
  }
  submit(ctx, v.cpu, cores(ctx), { costUs, kind, data: q });
  checkLoad(ctx);
}

/** Queue a job the node gives itself (reading old log for a follower). */
export function enqueueOwn(ctx: C, job: CpuJob): void {
  enqueue(ctx, { ...job, from: -1, arrivedUs: ctx.nowUs });
}

/** A new subscription of `follower` supersedes its older one: its queued reads are dropped, not paid for. */
export function cancelReads(ctx: C, follower: string, gen: number): void {
  cancel(ctx.v.cpu, (w) => (w.data.type === 'ship' || w.data.type === 'snapshot-read') && w.data.body.follower === follower && w.data.body.gen === gen);
}

/** A core finished a job. */
export function served(ctx: C, q: Queued): void {
  if (q.type === 'request') {
    const wait = slowWaitUs(ctx, q.body);
    if (wait > 0) {
      // The core is free for others; this request finishes when its reads do.
      ctx.setTimer(wait, { name: 'slow-done', data: q });
      releaseServer(ctx, ctx.v.cpu, cores(ctx));
      checkLoad(ctx);
      return;
    }
    finishRequest(ctx, q);
  } else handle(ctx, q);
  // A command may have stopped the node (a full disk): nothing more runs here then.
  if (ctx.v === null) return;
  releaseServer(ctx, ctx.v.cpu, cores(ctx));
  checkLoad(ctx);
}

/** A client request is done: it frees its connection, warms the cache, and is answered. */
export function finishRequest(ctx: C, q: QueuedRequest): void {
  const v = ctx.v;
  v.clientInFlight--;
  record(v.latency, ctx.nowUs - q.arrivedUs);
  // Every query served brings more of the working set into memory.
  v.warmth += (1 - v.warmth) / (ctx.spec.cacheWarmupOps ?? DATABASE_DEFAULTS.cacheWarmupOps);
  serve(ctx, q.from, q.body);
}

/** What the serving thread does with each kind of job besides client requests. */
function handle(ctx: C, q: Queued): void {
  switch (q.type) {
    case 'ship':
      return shipRead(ctx, q.body);
    case 'snapshot-read':
      return snapshotRead(ctx, q.body);
    case 'promote': {
      const err = promote(ctx, q.body.epoch);
      if (err) ctx.log(`promotion refused: ${err}`);
      return;
    }
    case 'follow': {
      const err = follow(ctx, q.body.node, q.body.epoch);
      if (err) ctx.log(`re-point refused: ${err}`);
      return;
    }
    case 'fence':
      return onFence(ctx, q.body.epoch);
    case 'ping':
      return onPing(ctx, q.from, q.body);
  }
}

/** How long the oldest client request still waiting for a core has waited. */
export function oldestWaitingMs(ctx: C): number {
  const q = ctx.v.cpu.waiting;
  for (let i = 0; i < fifoSize(q); i++) {
    const w = fifoAt(q, i)!.data;
    if (w.type === 'request') return (ctx.nowUs - w.arrivedUs) / 1000;
  }
  return 0;
}

/** Mark when queueing passes the overload threshold (and with what), and when it recovers. */
function checkLoad(ctx: C): void {
  const v = ctx.v;
  const wait = waitUs(v.cpu, cores(ctx));
  if (!v.overloaded && wait > OVERLOAD_US) {
    v.overloaded = true;
    const cause = LOAD_NAMES[dominantKind(v.cpu) ?? 'client'] ?? 'load';
    ctx.log(`overloaded by ${cause}: requests now wait ${(wait / 1000).toFixed(0)} ms for a core`);
    ctx.mark('overloaded', { cause, queueMs: Math.round(wait / 1000) });
  } else if (v.overloaded && wait < RECOVERED_US) {
    v.overloaded = false;
    ctx.log('no longer overloaded');
    ctx.mark('overload-over');
  }
}
