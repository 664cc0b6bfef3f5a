// An application server talking to the database: a workload of reads and writes over a key
// space, each request with a timeout, every operation recorded in the history (invocation,
// then exactly one completion: ok, fail, or info when the outcome is unknown).
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
};

const REQUEST_BYTES = 120;
/** In-flight requests per client; beyond it new ones fail at once (a bounded pool of sockets). */
const MAX_PENDING = 10_000;

interface Pending {
  n: number;
  f: 'read' | 'write';
  key: string;
  value: number | null;
  node: string;
  sentUs: number;
}

export interface ClientPersisted {
  /** Where writes go, as configured (changed by `repoint`, which is a config change and survives restarts). */
  target: string;
  readTarget: string;
  /** Operations invoked so far. Kept across restarts so operation ids stay unique in the history. */
  n: number;
}

export interface ClientVolatile {
  /**
   * Requests in flight, in the order they were sent. Answered ones become null; `head` is
   * the oldest still waiting. Every request has the same timeout, so the oldest is always
   * the next to expire: one timer per client is enough, not one per request.
   */
  pending: (Pending | null)[];
  /** Operation number of pending[0]. */
  pendingBase: number;
  head: number;
  pendingCount: number;
  timerArmed: boolean;
  /** Cached endpoint resolutions: endpoint id -> [node id or '', valid until µs]. */
  dns: Record<string, [string, number]>;
  ok: number;
  failed: number;
  unknown: number;
}

type P = ClientPersisted;
type V = ClientVolatile;

function spec(ctx: Ctx): ClientSpec {
  return ctx.spec as ClientSpec;
}

function fresh(): V {
  return { pending: [], pendingBase: 0, head: 0, pendingCount: 0, timerArmed: false, dns: {}, ok: 0, failed: 0, unknown: 0 };
}

// Key names are built once and shared: a new string per operation is garbage to collect.
// (A memo of a pure function: it cannot change results.)
const KEY_NAMES: string[] = [];
function keyName(i: number): string {
  return KEY_NAMES[i] ?? (KEY_NAMES[i] = `k${i}`);
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
  const v = ctx.v as V;
  const p = ctx.p as P;
  const key = keyName(Math.floor(ctx.random() * (spec(ctx).keys ?? CLIENT_DEFAULTS.keys)));
  const n = ++p.n;
  // Values are unique across the run (client index in the high bits), so a read names the
  // exact write it saw.
  const value = f === 'write' ? ctx.index * 4294967296 + n : null;
  ctx.history('invoke', f, n, key, value);
  const node = resolve(ctx, f === 'write' ? p.target : p.readTarget);
  if (node === null) {
    v.failed++;
    ctx.history('fail', f, n, key, value, undefined, 'unresolved');
    return;
  }
  if (v.pendingCount >= MAX_PENDING) {
    v.failed++;
    ctx.history('fail', f, n, key, value, node, 'too-many-in-flight');
    return;
  }
  if (v.pendingCount === 0) {
    v.pending.length = 0;
    v.pendingBase = n;
    v.head = 0;
  }
  // Numbers of requests never sent (failed at once) leave holes, skipped like answered ones.
  while (v.pendingBase + v.pending.length < n) v.pending.push(null);
  v.pending.push({ n, f, key, value, node, sentUs: ctx.nowUs });
  v.pendingCount++;
  const req: DbRequest = { op: `${ctx.id}#${n}`, n, f, key, value };
  ctx.send(node, 'request', req, REQUEST_BYTES);
  if (!v.timerArmed) armTimeout(ctx);
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

/** Take request `n` off the pending list, if it is still waiting. */
function complete(ctx: Ctx, n: number): Pending | undefined {
  const v = ctx.v as V;
  const i = n - v.pendingBase;
  const pend = i >= v.head && i < v.pending.length ? v.pending[i] : null;
  if (!pend) return undefined;
  v.pending[i] = null;
  v.pendingCount--;
  while (v.head < v.pending.length && v.pending[v.head] === null) v.head++;
  // Cut the answered prefix off in batches: shifting one at a time would copy every time.
  if (v.head === v.pending.length || (v.head > 64 && v.head * 2 > v.pending.length)) {
    v.pending.splice(0, v.head);
    v.pendingBase += v.head;
    v.head = 0;
  }
  return pend;
}

function expire(ctx: Ctx): void {
  const v = ctx.v as V;
  const limit = ctx.nowUs - timeoutUs(ctx);
  for (let oldest = v.pending[v.head]; oldest && oldest.sentUs <= limit; oldest = v.pending[v.head]) {
    complete(ctx, oldest.n);
    v.unknown++;
    // A write that timed out may or may not have happened: its outcome is unknown (info).
    ctx.history(oldest.f === 'write' ? 'info' : 'fail', oldest.f, oldest.n, oldest.key, oldest.value, oldest.node, 'timeout');
  }
  armTimeout(ctx);
}

export const client: Component = {
  kind: 'client',

  init(ctx) {
    const s = spec(ctx);
    ctx.p = { target: s.target, readTarget: s.readTarget ?? s.target, n: 0 } satisfies P;
    ctx.v = fresh();
    scheduleNext(ctx, 'write');
    scheduleNext(ctx, 'read');
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = fresh();
    scheduleNext(ctx, 'write');
    scheduleNext(ctx, 'read');
    return ctx.v;
  },

  onMessage(ctx, msg: Message) {
    if (msg.type !== 'reply') return;
    const r = msg.body as DbReply;
    const pend = complete(ctx, r.n);
    if (!pend) return; // already timed out: the late answer is ignored, as a real client does
    const v = ctx.v as V;
    if (r.ok) {
      v.ok++;
      ctx.history('ok', pend.f, pend.n, pend.key, pend.f === 'write' ? pend.value : (r.value ?? null), pend.node);
    } else {
      v.failed++;
      ctx.history('fail', pend.f, pend.n, pend.key, pend.value, pend.node, r.error ?? 'error');
    }
  },

  onTimer(ctx, name) {
    if (name === 'write' || name === 'read') {
      invoke(ctx, name);
      scheduleNext(ctx, name);
    } else if (name === 'timeout') {
      expire(ctx);
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
    return { ok: v.ok, failed: v.failed, unknown: v.unknown, inFlight: v.pendingCount };
  },

  view(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V | null;
    const s = spec(ctx);
    const resolved = v ? (v.dns[p.target]?.[0] ?? null) : null;
    return {
      summary: `${s.writesPerSec ?? 0} w/s, ${s.readsPerSec ?? 0} r/s -> ${p.target}`,
      detail: { target: p.target, readTarget: p.readTarget, resolved, ok: v?.ok ?? 0, failed: v?.failed ?? 0, unknown: v?.unknown ?? 0, inFlight: v?.pendingCount ?? 0 },
    };
  },
};
