// An application server talking to the database: a workload of reads and writes over a key
// space, each request with a timeout and optional retries, every operation recorded in the
// history (an invocation, then exactly one completion: ok, fail, or info when the outcome
// is unknown).
//
// Arrivals are a Poisson process per operation type, drawn from the client's own random
// stream, at a rate that can follow a daily cycle and be multiplied by a surge. Keys are
// chosen uniformly or with a skew (zipf: a few hot keys take most of the traffic). The
// client reaches the database through an endpoint (a name it resolves and caches for the
// endpoint's TTL) or through a node id it is configured with directly.
//
// With a connection pool, a request first needs a free connection; it waits for one at
// most `acquireTimeoutMs` and then fails with `pool-timeout` (it never reached the
// database). A connection is held until its request completes or times out, so slow
// queries drain the pool and every request behind them fails, though the database is up.
//
// A balancer is resolved like an endpoint but for every request (it picks a target each
// time). With `jobsTo`, every acknowledged write also enqueues a job on a queue.

import type { Component, Ctx } from '../kernel/component';
import type { ClientSpec } from '../spec';
import type { DbReply, DbRequest } from '../protocol';
import type { ClientDetail } from '../views';
import { ENDPOINT_DEFAULTS } from './endpoint';
import { newWindow, record, roll, type LatencyWindow } from '../metrics/histogram';
import { cosCycle, pow } from '../kernel/fmath';
import { fifo, fifoPeek, fifoPush, fifoShift, fifoSize, type Fifo } from '../kernel/fifo';
import { CLIENT_PARAMS, DIURNAL_PARAMS } from '../params/client';
// Key names are built once and shared: a new string per operation is garbage to collect.
import { keyName } from '../kernel/keys';
import { defaultsOf } from '../params/param';

export const CLIENT_DEFAULTS = defaultsOf(CLIENT_PARAMS);
const DIURNAL_DEFAULTS = defaultsOf(DIURNAL_PARAMS);

const REQUEST_BYTES = 120;
const JOB_BYTES = 80;
/** In-flight requests per client; beyond it new ones fail at once (a bounded pool of sockets). */
const MAX_PENDING = 10_000;
/** Estimated bytes of an attempt in flight or waiting, with its key and op strings. */
const ATTEMPT_BYTES = 160;
/** Latency percentiles are computed over windows of this length (what a dashboard shows). */
const WINDOW_US = 1_000_000;

/** One attempt of an operation, in flight. */
interface Attempt {
  r: number;
  n: number;
  f: 'read' | 'write';
  key: string;
  value: number | null;
  node: string;
  sentUs: number;
  invokedUs: number;
  attempt: number;
}

export interface ClientPersisted {
  /** Where writes go, as configured (changed by `repoint`, which is a config change and survives restarts). */
  target: string;
  readTarget: string;
  /** Operations invoked so far. Kept across restarts so operation ids stay unique in the history. */
  n: number;
  /** Connection pool size as configured or resized (0: no pool). */
  poolSize: number;
  /** Traffic multiplier of a surge in progress (1: none). The surge is outside the process. */
  surge: number;
}

/** An operation waiting for a connection: a retry's fields, and since when it waits. */
interface PoolWaiter extends Retry {
  sinceUs: number;
}

export interface ClientVolatile {
  /**
   * Attempts in flight, in the order they were sent. Answered ones become null; `head` is
   * the oldest still waiting. Every attempt has the same timeout, so the oldest is always
   * the next to expire: one timer per client is enough, not one per request.
   */
  pending: (Attempt | null)[];
  /** Attempt number of pending[0]. */
  pendingBase: number;
  head: number;
  pendingCount: number;
  nextR: number;
  timerArmed: boolean;
  /** Cached endpoint resolutions: endpoint id -> [node id or '', valid until µs]. */
  dns: Record<string, [string, number]>;
  /** Connections in use, and operations waiting for one. */
  poolInUse: number;
  poolWaiting: Fifo<PoolWaiter>;
  poolTimerArmed: boolean;
  poolTimeouts: number;
  /** Arrival timers carry this; a surge changes it, and older timers are ignored. */
  arrivalsGen: number;
  ok: number;
  failed: number;
  unknown: number;
  writesFailed: number;
  writes: number;
  /** Latency over the last second, for dashboards and the monitor. */
  latency: LatencyWindow;
}

/** A retry of operation `n` after a failed attempt. */
interface Retry {
  n: number;
  f: 'read' | 'write';
  key: string;
  value: number | null;
  invokedUs: number;
  tries: number;
}

type ClientTimer =
  /** The next arrival of a read or a write; `data` is the arrivals generation it was drawn in. */
  | { name: 'read' | 'write'; data: number }
  | { name: 'timeout' }
  | { name: 'pool-timeout' }
  | { name: 'retry'; data: Retry }
  | { name: 'roll' };

interface Client {
  spec: ClientSpec;
  persisted: ClientPersisted;
  volatile: ClientVolatile;
  timer: ClientTimer;
  inbox: 'reply' | 'scrape';
  detail: ClientDetail;
}

type C = Ctx<Client>;
type V = ClientVolatile;


function fresh(): V {
  return {
    pending: [],
    pendingBase: 1,
    head: 0,
    pendingCount: 0,
    nextR: 1,
    timerArmed: false,
    dns: {},
    poolInUse: 0,
    poolWaiting: fifo('pool'),
    poolTimerArmed: false,
    poolTimeouts: 0,
    arrivalsGen: 0,
    ok: 0,
    failed: 0,
    unknown: 0,
    writesFailed: 0,
    writes: 0,
    latency: newWindow(),
  };
}


/** The configured rate of one kind of operation, with any surge. */
function baseRate(ctx: C, f: 'read' | 'write'): number {
  const s = ctx.spec;
  return (f === 'write' ? (s.writesPerSec ?? 0) : (s.readsPerSec ?? 0)) * ctx.p.surge;
}

/** The share of the configured rate its daily cycle gives now (0 to 2). */
function cycleShare(ctx: C): number {
  const d = ctx.spec.diurnal!;
  return 1 + d.amplitude * cosCycle(ctx.nowUs / 1000 - (d.peakAtMs ?? DIURNAL_DEFAULTS.peakAtMs), d.periodMs ?? DIURNAL_DEFAULTS.periodMs);
}

/**
 * Arrivals are a Poisson process at the current rate. With a daily cycle the rate changes
 * with time, so candidates are drawn at the cycle's peak rate and each is kept with the share
 * of it the cycle gives at that moment (thinning, Lewis and Shedler 1979): exact however deep
 * the trough, and arrivals resume as the rate rises from zero. A surge restarts the arrivals
 * at its own rate.
 */
function scheduleNext(ctx: C, f: 'read' | 'write'): void {
  const d = ctx.spec.diurnal;
  const peak = baseRate(ctx, f) * (d ? 1 + d.amplitude : 1);
  if (peak <= 0) return;
  ctx.setTimer(ctx.randomExp(1e6 / peak), { name: f, data: ctx.v.arrivalsGen });
}

/** A candidate arrival is an operation: always without a daily cycle, else with the share of the peak rate the cycle gives now. */
function arrives(ctx: C): boolean {
  const d = ctx.spec.diurnal;
  if (!d) return true;
  return ctx.random() * (1 + d.amplitude) < cycleShare(ctx);
}

/** A key: uniform, or zipf-skewed (key k0 the hottest), from the client's own stream. */
function pickKey(ctx: C): string {
  const s = ctx.spec;
  const n = s.keys ?? CLIENT_DEFAULTS.keys;
  const u = ctx.random();
  if (s.keyDistribution !== 'zipf') return keyName(Math.floor(u * n));
  // Inverse of the continuous power-law CDF on [1, n+1): cheap, no table to keep.
  const e = s.zipfExponent ?? CLIENT_DEFAULTS.zipfExponent;
  const x = e === 1 ? pow(n + 1, u) : pow((pow(n + 1, 1 - e) - 1) * u + 1, 1 / (1 - e));
  return keyName(Math.min(n - 1, Math.floor(x) - 1));
}

/** Where a request for `target` goes now: a node id, or null when the name resolves to nothing. */
function resolve(ctx: C, target: string): string | null {
  const name = target.startsWith('node:') ? target.slice(5) : target;
  const s = ctx.nodeSpec(name);
  if (s?.kind === 'balancer') {
    // A balancer picks a target for every request: its answer is never cached.
    const answer = ctx.query(name, 'resolve');
    return typeof answer === 'string' && answer !== '' ? answer : null;
  }
  if (s?.kind !== 'endpoint') return s ? name : null;
  const v = ctx.v;
  const cached = v.dns[name];
  if (cached && cached[1] > ctx.nowUs) return cached[0] || null;
  const answer = ctx.query(name, 'resolve');
  const node = typeof answer === 'string' ? answer : '';
  const ttlUs = Math.round((s.ttlMs ?? ENDPOINT_DEFAULTS.ttlMs) * 1000);
  v.dns[name] = [node, ctx.nowUs + ttlUs];
  return node || null;
}

function invoke(ctx: C, f: 'read' | 'write'): void {
  const p = ctx.p;
  const key = pickKey(ctx);
  const n = ++p.n;
  // Values are unique across the run (client index in the high bits), so a read names the
  // exact write it saw.
  const value = f === 'write' ? ctx.index * 4294967296 + n : null;
  ctx.history('invoke', f, n, key, value);
  if (f === 'write') ctx.v.writes++;
  attempt(ctx, n, f, key, value, ctx.nowUs, 1);
}

/** Send one attempt of operation `n` (the first, or a retry), once it has a connection. */
function attempt(ctx: C, n: number, f: 'read' | 'write', key: string, value: number | null, invokedUs: number, tries: number): void {
  const v = ctx.v;
  const p = ctx.p;
  if (p.poolSize > 0 && v.poolInUse >= p.poolSize) {
    fifoPush(v.poolWaiting, { n, f, key, value, invokedUs, tries, sinceUs: ctx.nowUs });
    if (!v.poolTimerArmed) armPoolTimer(ctx);
    return;
  }
  send(ctx, n, f, key, value, invokedUs, tries);
}

function send(ctx: C, n: number, f: 'read' | 'write', key: string, value: number | null, invokedUs: number, tries: number): void {
  const v = ctx.v;
  const p = ctx.p;
  const node = resolve(ctx, f === 'write' ? p.target : p.readTarget);
  if (node === null) return finish(ctx, n, f, key, value, invokedUs, tries, 'fail', 'unresolved');
  if (v.pendingCount >= MAX_PENDING) return finish(ctx, n, f, key, value, invokedUs, tries, 'fail', 'too-many-in-flight', node);
  const r = v.nextR++;
  if (v.pendingCount === 0) {
    // Usually empty already (complete() empties it when the last attempt is answered).
    if (v.pending.length > 0) v.pending.length = 0;
    v.pendingBase = r;
    v.head = 0;
  }
  v.pending.push({ r, n, f, key, value, node, sentUs: ctx.nowUs, invokedUs, attempt: tries });
  v.pendingCount++;
  v.poolInUse++;
  const req: DbRequest = { client: ctx.index, n, r, f, key, value };
  ctx.send(node, 'request', req, REQUEST_BYTES);
  if (!v.timerArmed) armTimeout(ctx);
}

/**
 * An attempt ended without success: retry if allowed, else record the operation's outcome.
 * A failed write whose outcome is unknown (it timed out) is `info`; a refusal is `fail`.
 */
function finish(
  ctx: C,
  n: number,
  f: 'read' | 'write',
  key: string,
  value: number | null,
  invokedUs: number,
  tries: number,
  type: 'fail' | 'info',
  error: string,
  node?: string,
): void {
  const v = ctx.v;
  const s = ctx.spec;
  if (tries <= (s.retries ?? CLIENT_DEFAULTS.retries)) {
    ctx.setTimer((s.retryDelayMs ?? CLIENT_DEFAULTS.retryDelayMs) * 1000, { name: 'retry', data: { n, f, key, value, invokedUs, tries: tries + 1 } });
    return;
  }
  if (type === 'info') v.unknown++;
  else v.failed++;
  v.latency.failed++;
  if (f === 'write') v.writesFailed++;
  ctx.history(type, f, n, key, value, { node, error, invokedUs });
}

function timeoutUs(ctx: C): number {
  return (ctx.spec.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs) * 1000;
}

function armTimeout(ctx: C): void {
  const v = ctx.v;
  const oldest = v.pending[v.head];
  v.timerArmed = oldest !== undefined;
  if (oldest) ctx.setTimer(oldest.sentUs + timeoutUs(ctx) - ctx.nowUs, { name: 'timeout' });
}

function acquireTimeoutUs(ctx: C): number {
  return (ctx.spec.acquireTimeoutMs ?? CLIENT_DEFAULTS.acquireTimeoutMs) * 1000;
}

function armPoolTimer(ctx: C): void {
  const v = ctx.v;
  const oldest = fifoPeek(v.poolWaiting);
  v.poolTimerArmed = oldest !== undefined;
  if (oldest) ctx.setTimer(oldest.sinceUs + acquireTimeoutUs(ctx) - ctx.nowUs, { name: 'pool-timeout' });
}

/** Operations that waited too long for a connection fail; they never reached the database. */
function expireWaiters(ctx: C): void {
  const v = ctx.v;
  const limit = ctx.nowUs - acquireTimeoutUs(ctx);
  for (let w = fifoPeek(v.poolWaiting); w && w.sinceUs <= limit; w = fifoPeek(v.poolWaiting)) {
    fifoShift(v.poolWaiting);
    v.poolTimeouts++;
    finish(ctx, w.n, w.f, w.key, w.value, w.invokedUs, w.tries, 'fail', 'pool-timeout');
  }
  armPoolTimer(ctx);
}

/** A connection is free again: the longest-waiting operation gets it. */
function releaseConnection(ctx: C): void {
  ctx.v.poolInUse--;
  admitWaiting(ctx);
}

/** Hand free connections to the operations that have waited longest. */
function admitWaiting(ctx: C): void {
  const v = ctx.v;
  const p = ctx.p;
  while (fifoSize(v.poolWaiting) > 0 && (p.poolSize === 0 || v.poolInUse < p.poolSize)) {
    const w = fifoShift(v.poolWaiting)!;
    send(ctx, w.n, w.f, w.key, w.value, w.invokedUs, w.tries);
  }
}

/** Take attempt `r` off the pending list, if it is still waiting, and free its connection. */
function complete(ctx: C, r: number): Attempt | undefined {
  const v = ctx.v;
  const i = r - v.pendingBase;
  const a = i >= v.head && i < v.pending.length ? v.pending[i] : null;
  if (!a) return undefined;
  v.pending[i] = null;
  v.pendingCount--;
  releaseConnection(ctx);
  while (v.head < v.pending.length && v.pending[v.head] === null) v.head++;
  // Cut the answered prefix off in batches: shifting one at a time would copy every time.
  if (v.head === v.pending.length) {
    // All answered (the usual case: a client has an attempt or two in flight): emptied in
    // place by pops, which keep the array's storage for the next attempt. Splicing made an
    // array of the removed, and setting the length is a call into the runtime that also lets
    // the storage go, to be grown again by the next push.
    while (v.pending.length > 0) v.pending.pop();
    v.pendingBase += v.head;
    v.head = 0;
  } else if (v.head > 64 && v.head * 2 > v.pending.length) {
    v.pending.splice(0, v.head);
    v.pendingBase += v.head;
    v.head = 0;
  }
  return a;
}

function expire(ctx: C): void {
  const v = ctx.v;
  const limit = ctx.nowUs - timeoutUs(ctx);
  for (let a = v.pending[v.head]; a && a.sentUs <= limit; a = v.pending[v.head]) {
    complete(ctx, a.r);
    // A write that timed out may or may not have happened: its outcome is unknown (info).
    // A read that timed out changed nothing: it failed.
    finish(ctx, a.n, a.f, a.key, a.value, a.invokedUs, a.attempt, a.f === 'write' ? 'info' : 'fail', 'timeout', a.node);
  }
  armTimeout(ctx);
}

function onReply(ctx: C, r: DbReply): void {
  const a = complete(ctx, r.r);
  if (!a) return; // already timed out: the late answer is ignored, as a real client does
  const v = ctx.v;
  // A cache relays answers with the node that served them: the history names that node.
  const node = r.node ?? a.node;
  if (!r.ok) return finish(ctx, a.n, a.f, a.key, a.value, a.invokedUs, a.attempt, 'fail', r.error ?? 'error', node);
  v.ok++;
  record(v.latency, ctx.nowUs - a.invokedUs);
  const value = a.f === 'write' ? a.value : (r.value ?? null);
  ctx.history('ok', a.f, a.n, a.key, value, { node, lsn: r.lsn, epoch: r.epoch, invokedUs: a.invokedUs });
  // A payment acknowledged needs its commands generated: a job, sent to the queue (not in the
  // same transaction: a job lost on the way is a payment never processed).
  const jobsTo = ctx.spec.jobsTo;
  if (a.f === 'write' && jobsTo) ctx.send(jobsTo, 'enqueue', { id: `${ctx.id}#${a.n}` }, JOB_BYTES);
}

function start(ctx: C): void {
  scheduleNext(ctx, 'write');
  scheduleNext(ctx, 'read');
  ctx.setTimer(WINDOW_US, { name: 'roll' });
}

function sample(ctx: C): Record<string, number> {
  const v = ctx.v;
  return {
    up: 1,
    ok: v.ok,
    failed: v.failed,
    unknown: v.unknown,
    writes: v.writes,
    writesFailed: v.writesFailed,
    inFlight: v.pendingCount,
    poolInUse: v.poolInUse,
    poolWaiting: fifoSize(v.poolWaiting),
    poolTimeouts: v.poolTimeouts,
    p50Ms: v.latency.last.p50Ms,
    p99Ms: v.latency.last.p99Ms,
  };
}

export const client: Component<Client> = {
  kind: 'client',

  init(ctx) {
    const s = ctx.spec;
    ctx.p = { target: s.target, readTarget: s.readTarget ?? s.target, n: 0, poolSize: s.poolSize ?? CLIENT_DEFAULTS.poolSize, surge: 1 };
    ctx.v = fresh();
    start(ctx);
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh();
    start(ctx);
    return ctx.v;
  },

  onMessage(ctx, msg) {
    if (msg.type === 'reply') onReply(ctx, msg.body);
    else if (msg.type === 'scrape') ctx.send(msg.from, 'metrics', { values: sample(ctx) }, 200);
  },

  onTimer(ctx, timer) {
    switch (timer.name) {
      case 'write':
      case 'read':
        if (timer.data !== ctx.v.arrivalsGen) return; // superseded by a change of rate
        if (arrives(ctx)) invoke(ctx, timer.name);
        scheduleNext(ctx, timer.name);
        return;
      case 'pool-timeout':
        return expireWaiters(ctx);
      case 'timeout':
        return expire(ctx);
      case 'retry': {
        const r = timer.data;
        return attempt(ctx, r.n, r.f, r.key, r.value, r.invokedUs, r.tries);
      }
      case 'roll':
        roll(ctx.v.latency);
        ctx.setTimer(WINDOW_US, { name: 'roll' });
        return;
    }
  },

  // Its configuration and its users' traffic, changed whether or not the process runs: a
  // client down at the time starts again with them (cached endpoint answers are the
  // process's, and go with it). A paused one finds them when it resumes: its arrival timers,
  // waiting meanwhile, draw the next at the new rate.
  onConfigure(ctx, cmd) {
    const p = ctx.p;
    const running = ctx.v !== null && ctx.status(ctx.id) === 'up' ? (ctx as C) : null;
    if (cmd.verb === 'resize-pool') {
      p.poolSize = cmd.poolSize;
      ctx.log(`connection pool resized to ${p.poolSize}`);
      ctx.mark('resize-pool', { poolSize: p.poolSize });
      if (running) admitWaiting(running);
      return undefined;
    }
    if (cmd.verb === 'surge') {
      p.surge = cmd.factor;
      ctx.log(p.surge === 1 ? 'the surge is over' : `a surge: ${p.surge}x the usual traffic`);
      ctx.mark('surge', { factor: p.surge });
      if (running) {
        running.v.arrivalsGen++;
        scheduleNext(running, 'write');
        scheduleNext(running, 'read');
      }
      return undefined;
    }
    if (cmd.verb !== 'repoint') return `a client does not take '${cmd.verb}'`;
    const to = cmd.to;
    const readsFollow = p.readTarget === p.target;
    p.target = to;
    if (readsFollow) p.readTarget = to;
    ctx.log(`reconfigured: writes${readsFollow ? ' and reads' : ''} now go to ${to}`);
    ctx.mark('repoint', { to });
    return undefined;
  },

  sample,

  // Estimated bytes held, for the world's budget (limits.ts): attempts in flight (and the
  // slots of finished ones not yet cut off the list) and requests waiting for a connection.
  footprint(ctx) {
    const v = ctx.v;
    return v ? v.pending.length * ATTEMPT_BYTES + fifoSize(v.poolWaiting) * ATTEMPT_BYTES : 0;
  },

  view(ctx) {
    const p = ctx.p;
    const v = ctx.v;
    const s = ctx.spec;
    const resolved = v ? (v.dns[p.target]?.[0] ?? null) : null;
    return {
      summary: `${s.writesPerSec ?? 0} w/s, ${s.readsPerSec ?? 0} r/s -> ${p.target}`,
      detail: {
        target: p.target,
        readTarget: p.readTarget,
        resolved,
        ok: v?.ok ?? 0,
        failed: v?.failed ?? 0,
        unknown: v?.unknown ?? 0,
        inFlight: v?.pendingCount ?? 0,
        poolSize: p.poolSize,
        poolInUse: v?.poolInUse ?? 0,
        poolWaiting: v ? fifoSize(v.poolWaiting) : 0,
        p99Ms: v?.latency.last.p99Ms ?? 0,
      },
    };
  },
};
