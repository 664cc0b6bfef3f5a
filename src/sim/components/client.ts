// An application server talking to the database: a workload of reads and writes over a key
// space, each request with a timeout and optional retries, every operation recorded in the
// history (an invocation, then exactly one completion: ok, fail, or info when the outcome
// is unknown).
//
// Arrivals are a Poisson process per operation type, drawn from the client's own random
// stream. The client reaches the database through an endpoint (a name it resolves and
// caches for the endpoint's TTL) or through a node id it is configured with directly.

import type { Component, Ctx, Message } from '../kernel/component';
import type { ClientSpec, EndpointSpec } from '../spec';
import type { DbReply, DbRequest } from './database';
import { ENDPOINT_DEFAULTS } from './endpoint';

export const CLIENT_DEFAULTS = {
  writesPerSec: 0,
  readsPerSec: 0,
  keys: 100,
  timeoutMs: 1000,
  retries: 0,
  retryDelayMs: 100,
};

const REQUEST_BYTES = 120;
/** In-flight requests per client; beyond it new ones fail at once (a bounded pool of sockets). */
const MAX_PENDING = 10_000;
/** Latency percentiles are computed over windows of this length (what a dashboard shows). */
const WINDOW_US = 1_000_000;
/** Latency histogram: 4 buckets per power of two of microseconds, up to 2^31 µs. */
const BUCKETS = 128;

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
}

interface Window {
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
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
  ok: number;
  failed: number;
  unknown: number;
  writesFailed: number;
  writes: number;
  /** Latency histogram of the window being filled, and the last complete window's summary. */
  hist: number[];
  histCount: number;
  winFailed: number;
  last: Window;
}

type P = ClientPersisted;
type V = ClientVolatile;

function spec(ctx: Ctx): ClientSpec {
  return ctx.spec as ClientSpec;
}

function fresh(): V {
  return {
    pending: [],
    pendingBase: 1,
    head: 0,
    pendingCount: 0,
    nextR: 1,
    timerArmed: false,
    dns: {},
    ok: 0,
    failed: 0,
    unknown: 0,
    writesFailed: 0,
    writes: 0,
    hist: new Array(BUCKETS).fill(0),
    histCount: 0,
    winFailed: 0,
    last: { ok: 0, failed: 0, p50Ms: 0, p99Ms: 0 },
  };
}

// Key names are built once and shared: a new string per operation is garbage to collect.
// (A memo of a pure function: it cannot change results.)
const KEY_NAMES: string[] = [];
function keyName(i: number): string {
  return KEY_NAMES[i] ?? (KEY_NAMES[i] = `k${i}`);
}

/** Histogram bucket of a latency: 4 per power of two, in integer arithmetic only. */
function bucketOf(us: number): number {
  const x = Math.max(1, Math.floor(us));
  const e = 31 - Math.clz32(x);
  const sub = e >= 2 ? (x >>> (e - 2)) & 3 : 0;
  return Math.min(BUCKETS - 1, e * 4 + sub);
}

/** The upper edge of a bucket, in ms: percentiles are reported conservatively. */
function bucketTopMs(b: number): number {
  const e = b >> 2;
  const sub = b & 3;
  const top = e >= 2 ? ((4 + sub + 1) << (e - 2)) : e + 1;
  return top / 1000;
}

function percentileMs(hist: number[], count: number, q: number): number {
  if (count === 0) return 0;
  let seen = 0;
  const want = Math.ceil(q * count);
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b];
    if (seen >= want) return bucketTopMs(b);
  }
  return bucketTopMs(hist.length - 1);
}

function scheduleNext(ctx: Ctx, f: 'read' | 'write'): void {
  const rate = f === 'write' ? (spec(ctx).writesPerSec ?? 0) : (spec(ctx).readsPerSec ?? 0);
  if (rate <= 0) return;
  ctx.setTimer(ctx.randomExp(1e6 / rate), f);
}

/** Where a request for `target` goes now: a node id, or null when the name resolves to nothing. */
function resolve(ctx: Ctx, target: string): string | null {
  const name = target.startsWith('node:') ? target.slice(5) : target;
  const s = ctx.nodeSpec(name);
  if (s?.kind !== 'endpoint') return s ? name : null;
  const v = ctx.v as V;
  const cached = v.dns[name];
  if (cached && cached[1] > ctx.nowUs) return cached[0] || null;
  const answer = ctx.query(name, 'resolve');
  const node = typeof answer === 'string' ? answer : '';
  const ttlUs = Math.round(((s as EndpointSpec).ttlMs ?? ENDPOINT_DEFAULTS.ttlMs) * 1000);
  v.dns[name] = [node, ctx.nowUs + ttlUs];
  return node || null;
}

function invoke(ctx: Ctx, f: 'read' | 'write'): void {
  const p = ctx.p as P;
  const key = keyName(Math.floor(ctx.random() * (spec(ctx).keys ?? CLIENT_DEFAULTS.keys)));
  const n = ++p.n;
  // Values are unique across the run (client index in the high bits), so a read names the
  // exact write it saw.
  const value = f === 'write' ? ctx.index * 4294967296 + n : null;
  ctx.history('invoke', f, n, key, value);
  if (f === 'write') (ctx.v as V).writes++;
  attempt(ctx, n, f, key, value, ctx.nowUs, 1);
}

/** Send one attempt of operation `n` (the first, or a retry). */
function attempt(ctx: Ctx, n: number, f: 'read' | 'write', key: string, value: number | null, invokedUs: number, tries: number): void {
  const v = ctx.v as V;
  const p = ctx.p as P;
  const node = resolve(ctx, f === 'write' ? p.target : p.readTarget);
  if (node === null) return finish(ctx, n, f, key, value, invokedUs, tries, 'fail', 'unresolved');
  if (v.pendingCount >= MAX_PENDING) return finish(ctx, n, f, key, value, invokedUs, tries, 'fail', 'too-many-in-flight', node);
  const r = v.nextR++;
  if (v.pendingCount === 0) {
    v.pending.length = 0;
    v.pendingBase = r;
    v.head = 0;
  }
  v.pending.push({ r, n, f, key, value, node, sentUs: ctx.nowUs, invokedUs, attempt: tries });
  v.pendingCount++;
  const req: DbRequest = { op: `${ctx.id}#${n}`, n, r, f, key, value };
  ctx.send(node, 'request', req, REQUEST_BYTES);
  if (!v.timerArmed) armTimeout(ctx);
}

/**
 * An attempt ended without success: retry if allowed, else record the operation's outcome.
 * A failed write whose outcome is unknown (it timed out) is `info`; a refusal is `fail`.
 */
function finish(
  ctx: Ctx,
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
  const v = ctx.v as V;
  const s = spec(ctx);
  if (tries <= (s.retries ?? CLIENT_DEFAULTS.retries)) {
    ctx.setTimer((s.retryDelayMs ?? CLIENT_DEFAULTS.retryDelayMs) * 1000, 'retry', { n, f, key, value, invokedUs, tries: tries + 1 });
    return;
  }
  if (type === 'info') v.unknown++;
  else v.failed++;
  v.winFailed++;
  if (f === 'write') v.writesFailed++;
  ctx.history(type, f, n, key, value, { node, error, invokedUs });
}

function timeoutUs(ctx: Ctx): number {
  return (spec(ctx).timeoutMs ?? CLIENT_DEFAULTS.timeoutMs) * 1000;
}

function armTimeout(ctx: Ctx): void {
  const v = ctx.v as V;
  const oldest = v.pending[v.head];
  v.timerArmed = oldest !== undefined;
  if (oldest) ctx.setTimer(oldest.sentUs + timeoutUs(ctx) - ctx.nowUs, 'timeout');
}

/** Take attempt `r` off the pending list, if it is still waiting. */
function complete(ctx: Ctx, r: number): Attempt | undefined {
  const v = ctx.v as V;
  const i = r - v.pendingBase;
  const a = i >= v.head && i < v.pending.length ? v.pending[i] : null;
  if (!a) return undefined;
  v.pending[i] = null;
  v.pendingCount--;
  while (v.head < v.pending.length && v.pending[v.head] === null) v.head++;
  // Cut the answered prefix off in batches: shifting one at a time would copy every time.
  if (v.head === v.pending.length || (v.head > 64 && v.head * 2 > v.pending.length)) {
    v.pending.splice(0, v.head);
    v.pendingBase += v.head;
    v.head = 0;
  }
  return a;
}

function expire(ctx: Ctx): void {
  const v = ctx.v as V;
  const limit = ctx.nowUs - timeoutUs(ctx);
  for (let a = v.pending[v.head]; a && a.sentUs <= limit; a = v.pending[v.head]) {
    complete(ctx, a.r);
    // A write that timed out may or may not have happened: its outcome is unknown (info).
    // A read that timed out changed nothing: it failed.
    finish(ctx, a.n, a.f, a.key, a.value, a.invokedUs, a.attempt, a.f === 'write' ? 'info' : 'fail', 'timeout', a.node);
  }
  armTimeout(ctx);
}

function onReply(ctx: Ctx, r: DbReply): void {
  const a = complete(ctx, r.r);
  if (!a) return; // already timed out: the late answer is ignored, as a real client does
  const v = ctx.v as V;
  if (!r.ok) return finish(ctx, a.n, a.f, a.key, a.value, a.invokedUs, a.attempt, 'fail', r.error ?? 'error', a.node);
  v.ok++;
  const b = bucketOf(ctx.nowUs - a.invokedUs);
  v.hist[b]++;
  v.histCount++;
  const value = a.f === 'write' ? a.value : (r.value ?? null);
  ctx.history('ok', a.f, a.n, a.key, value, { node: a.node, lsn: r.lsn, epoch: r.epoch, invokedUs: a.invokedUs });
}

/** Close the latency window: what dashboards and the monitor read is the last full second. */
function roll(ctx: Ctx): void {
  const v = ctx.v as V;
  v.last = {
    ok: v.histCount,
    failed: v.winFailed,
    p50Ms: percentileMs(v.hist, v.histCount, 0.5),
    p99Ms: percentileMs(v.hist, v.histCount, 0.99),
  };
  v.hist.fill(0);
  v.histCount = 0;
  v.winFailed = 0;
  ctx.setTimer(WINDOW_US, 'roll');
}

function start(ctx: Ctx): void {
  scheduleNext(ctx, 'write');
  scheduleNext(ctx, 'read');
  ctx.setTimer(WINDOW_US, 'roll');
}

export const client: Component = {
  kind: 'client',

  init(ctx) {
    const s = spec(ctx);
    ctx.p = { target: s.target, readTarget: s.readTarget ?? s.target, n: 0 } satisfies P;
    ctx.v = fresh();
    start(ctx);
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh();
    start(ctx);
    return ctx.v;
  },

  onMessage(ctx, msg: Message) {
    if (msg.type === 'reply') onReply(ctx, msg.body as DbReply);
    else if (msg.type === 'scrape') ctx.send(ctx.nodeId(msg.from), 'metrics', { values: client.sample!(ctx) }, 200);
  },

  onTimer(ctx, name, data) {
    if (name === 'write' || name === 'read') {
      invoke(ctx, name);
      scheduleNext(ctx, name);
    } else if (name === 'timeout') {
      expire(ctx);
    } else if (name === 'retry') {
      attempt(ctx, data.n, data.f, data.key, data.value, data.invokedUs, data.tries);
    } else if (name === 'roll') {
      roll(ctx);
    }
  },

  onCommand(ctx, verb, args) {
    if (verb !== 'repoint') return `a client does not take '${verb}'`;
    const to = String(args?.to ?? '');
    const p = ctx.p as P;
    const readsFollow = p.readTarget === p.target;
    p.target = to;
    if (readsFollow) p.readTarget = to;
    ctx.log(`reconfigured: writes${readsFollow ? ' and reads' : ''} now go to ${to}`);
    ctx.mark('repoint', { to });
    return undefined;
  },

  sample(ctx) {
    const v = ctx.v as V;
    return {
      up: 1,
      ok: v.ok,
      failed: v.failed,
      unknown: v.unknown,
      writes: v.writes,
      writesFailed: v.writesFailed,
      inFlight: v.pendingCount,
      p50Ms: v.last.p50Ms,
      p99Ms: v.last.p99Ms,
    };
  },

  view(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V | null;
    const s = spec(ctx);
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
        p99Ms: v?.last.p99Ms ?? 0,
      },
    };
  },
};
