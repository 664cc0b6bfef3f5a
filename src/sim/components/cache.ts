// A cache in front of a database (a page cache, a memcached in front of MySQL): clients read
// through it with the database's own request protocol, so a client needs no change to use
// one, only a `readTarget` (or `target`) that names the cache.
//
// - A read of a key held and fresh (stored less than `ttlMs` ago) is a hit: answered here,
//   after the cache's own small service time, without the database hearing of it.
// - Anything else is a miss: forwarded to the backend (an endpoint, a balancer or a
//   database, resolved as a client resolves it); the answer is stored and passed on.
// - When the backend fails or does not answer within `timeoutMs`, a miss fails with the
//   backend's error (or `timeout`, as a gateway timeout would), unless `serveStale` is on and
//   an expired entry is still held: then that is served. This is how a cache keeps popular
//   pages up while the database is sick, and why some users see nothing wrong while others
//   see a total outage.
// - Writes are forwarded to the backend; once one is acknowledged, the key's copy is dropped,
//   and so is any answer for it still on its way (it may predate the write): a page is never
//   served from a copy older than an acknowledged write that went through the cache. A write
//   is never timed out here: its outcome is the backend's to tell (the client's own timeout
//   decides when to stop waiting, and records the outcome as unknown). A write that bypasses
//   the cache does not drop anything: the cache serves the old copy until its TTL runs out.
// - Answers relayed from the backend carry the node that served them (`node`), so the history
//   names the database that acknowledged a write or refused a read, not the cache.
//
// A cache is memory: its entries are volatile and a crash empties it. Nothing is persisted.
// Limits: at most `maxEntries` entries (the oldest stored is evicted), at most MAX_PENDING
// requests forwarded and not yet answered (beyond, `too-many-in-flight`).

import type { Component, Ctx, Message } from '../kernel/component';
import type { CacheSpec } from '../spec';
import type { DbReply, DbRequest } from '../protocol';
import type { CacheDetail } from '../views';
import { fifo, fifoFrom, fifoPeek, fifoPush, fifoShift, fifoSize, type Fifo } from '../kernel/fifo';
import { release, servers, submit, waitingCount, type ServedTimer, type Servers } from './servers';
import { resolveAddress, type DnsCache } from './address';
import { CACHE_PARAMS } from '../params/cache';
import { defaultsOf } from '../params/param';

export const CACHE_DEFAULTS = defaultsOf(CACHE_PARAMS);

const REQUEST_BYTES = 120;
/** Requests forwarded and not yet answered, at most. */
const MAX_PENDING = 10_000;
/** Estimated bytes of an entry, of a request waiting on the backend, of an item in the order or a deadline queue. */
const ENTRY_BYTES = 120;
const PENDING_BYTES = 200;
const INDEX_ITEM_BYTES = 56;
/** A forwarded write no answer came for is forgotten after this long (the client gave up long before). */
const WRITE_FORGET_US = 60_000_000;
/** Requests waiting for a core, at most; beyond, new ones are refused at once. */
const MAX_QUEUED = 10_000;

/** A stored answer: [value (null: the key does not exist), stored at µs, lsn, epoch, node that served it]. */
type Entry = [number | null, number, number, number, string];

/**
 * A request forwarded to the backend. Frozen, with its request: a checkpoint shares it
 * instead of copying it (snapshot.ts); whether its answer may be stored is kept apart
 * (`droppedBefore`).
 */
interface Pending {
  readonly from: number;
  readonly req: Readonly<DbRequest>;
  /** The backend node it went to. */
  readonly node: string;
}

export interface CacheVolatile {
  entries: Record<string, Entry>;
  count: number;
  /** Keys in the order they were stored, [key, stored at µs]; an item is stale when the entry was stored again since. */
  order: Fifo<[string, number]>;
  cpu: Servers<CacheWork>;
  /**
   * Forwarded requests by their number here: request r is pending[r - pendingBase], null once
   * settled (numbers are consecutive, so an array indexed from the oldest still waiting, not a
   * dictionary); their deadlines are in order in the queues below.
   */
  pending: (Pending | null)[];
  pendingBase: number;
  /** Index in `pending` of the oldest request still waiting. */
  head: number;
  pendingCount: number;
  /** Reads forwarded and not yet answered, by key (their numbers): what a write must stop from being stored. */
  readsByKey: Record<string, number[]>;
  /**
   * By key, while reads of it are forwarded: a write to it went through when requests up to
   * (not including) this number had been forwarded; the answers of the reads before it must
   * not be stored (they may predate the write).
   */
  droppedBefore: Record<string, number>;
  readDeadlines: Fifo<[number, number]>;
  writeDeadlines: Fifo<[number, number]>;
  readTimerArmed: boolean;
  writeTimerArmed: boolean;
  nextR: number;
  dns: DnsCache;
  hits: number;
  misses: number;
  staleServed: number;
  failed: number;
  writes: number;
  evicted: number;
}

/** A request waiting for a core, as the cache's servers hold it. */
interface CacheWork {
  from: number;
  req: DbRequest;
}

type CacheTimer = ServedTimer<CacheWork> | { name: 'read-deadline' } | { name: 'write-deadline' };

interface Cache {
  spec: CacheSpec;
  persisted: Record<string, never>;
  volatile: CacheVolatile;
  timer: CacheTimer;
  inbox: 'request' | 'reply' | 'scrape';
  detail: CacheDetail;
}

type C = Ctx<Cache>;
type V = CacheVolatile;


function fresh(): V {
  return {
    entries: {},
    count: 0,
    order: fifo('cacheOrder'),
    cpu: servers(),
    pending: [],
    pendingBase: 1,
    head: 0,
    pendingCount: 0,
    readsByKey: {},
    droppedBefore: {},
    readDeadlines: fifo(),
    writeDeadlines: fifo(),
    readTimerArmed: false,
    writeTimerArmed: false,
    nextR: 1,
    dns: {},
    hits: 0,
    misses: 0,
    staleServed: 0,
    failed: 0,
    writes: 0,
    evicted: 0,
  };
}

function ttlUs(ctx: C): number {
  return Math.round((ctx.spec.ttlMs ?? CACHE_DEFAULTS.ttlMs) * 1000);
}

function cores(ctx: C): number {
  return ctx.spec.cores ?? CACHE_DEFAULTS.cores;
}

function reply(ctx: C, to: number, r: DbReply): void {
  ctx.send(to, 'reply', r, REQUEST_BYTES);
}

function fail(ctx: C, from: number, req: DbRequest, error: string, node?: string): void {
  ctx.v.failed++;
  reply(ctx, from, node ? { n: req.n, r: req.r, ok: false, error, node } : { n: req.n, r: req.r, ok: false, error });
}

/** Answer a read from a stored entry (fresh, or expired and served because the backend failed). */
function answer(ctx: C, from: number, req: DbRequest, e: Entry): void {
  reply(ctx, from, { n: req.n, r: req.r, ok: true, value: e[0], lsn: e[2], epoch: e[3] });
}

/** The backend failed a read: serve the expired copy if allowed, else pass the failure on. */
function backendFailed(ctx: C, p: Pending, error: string): void {
  const v = ctx.v;
  const e = v.entries[p.req.key];
  if (e && (ctx.spec.serveStale ?? CACHE_DEFAULTS.serveStale)) {
    v.staleServed++;
    answer(ctx, p.from, p.req, e);
    return;
  }
  fail(ctx, p.from, p.req, error, p.node);
}

/** A write to `key` went through: forget the copy, and any answer for it still on its way. */
function drop(ctx: C, key: string): void {
  const v = ctx.v;
  // A read of this key still on its way back may predate the write: its answer must not be stored.
  if (v.readsByKey[key] !== undefined) v.droppedBefore[key] = v.nextR;
  if (v.entries[key] === undefined) return;
  delete v.entries[key];
  v.count--;
}

function store(ctx: C, key: string, e: Entry): void {
  const v = ctx.v;
  if (v.entries[key] === undefined) {
    const max = ctx.spec.maxEntries ?? CACHE_DEFAULTS.maxEntries;
    while (v.count >= max) evictOldest(ctx);
    v.count++;
  }
  v.entries[key] = e;
  fifoPush(v.order, [key, e[1]]);
  // Re-stored keys leave stale items behind: rebuild the order when they outnumber the entries.
  if (fifoSize(v.order) > 2 * v.count + 1024) {
    const live = Object.keys(v.entries).map((k): [string, number] => [k, v.entries[k][1]]);
    live.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    v.order = fifoFrom(live, 'cacheOrder');
  }
}

function evictOldest(ctx: C): void {
  const v = ctx.v;
  for (let item = fifoShift(v.order); item; item = fifoShift(v.order)) {
    const e = v.entries[item[0]];
    if (e && e[1] === item[1]) {
      delete v.entries[item[0]];
      v.count--;
      v.evicted++;
      return;
    }
  }
}

/** Send a request on to the backend. */
function forward(ctx: C, from: number, req: DbRequest): void {
  const v = ctx.v;
  const node = resolveAddress(ctx, ctx.spec.backend, v.dns);
  if (node === null) {
    if (req.f === 'read') return backendFailed(ctx, { from, req, node: '' }, 'unresolved');
    return fail(ctx, from, req, 'unresolved');
  }
  if (v.pendingCount >= MAX_PENDING) return fail(ctx, from, req, 'too-many-in-flight');
  const r = v.nextR++;
  if (v.pendingCount === 0) {
    v.pending.length = 0;
    v.pendingBase = r;
    v.head = 0;
  }
  v.pending.push(Object.freeze({ from, req: Object.freeze(req), node }));
  v.pendingCount++;
  const out: DbRequest = { client: req.client, n: req.n, r, f: req.f, key: req.key, value: req.value };
  ctx.send(node, 'request', out, REQUEST_BYTES);
  if (req.f === 'read') {
    (v.readsByKey[req.key] ??= []).push(r);
    fifoPush(v.readDeadlines, [r, ctx.nowUs + (ctx.spec.timeoutMs ?? CACHE_DEFAULTS.timeoutMs) * 1000]);
    if (!v.readTimerArmed) armTimer(ctx, 'read');
  } else {
    fifoPush(v.writeDeadlines, [r, ctx.nowUs + WRITE_FORGET_US]);
    if (!v.writeTimerArmed) armTimer(ctx, 'write');
  }
}

/** Request r if it is still waiting for the backend. */
function pendingAt(v: V, r: number): Pending | null {
  const i = r - v.pendingBase;
  return i >= v.head && i < v.pending.length ? v.pending[i] : null;
}

/** A forwarded request is answered or given up on: forget it. */
function settle(ctx: C, r: number): Pending | undefined {
  const v = ctx.v;
  const p = pendingAt(v, r);
  if (!p) return undefined;
  v.pending[r - v.pendingBase] = null;
  v.pendingCount--;
  while (v.head < v.pending.length && v.pending[v.head] === null) v.head++;
  // Cut the settled prefix off in batches (shifting one at a time would copy every time).
  if (v.head === v.pending.length || (v.head > 64 && v.head * 2 > v.pending.length)) {
    v.pending.splice(0, v.head);
    v.pendingBase += v.head;
    v.head = 0;
  }
  if (p.req.f === 'read') {
    const rs = v.readsByKey[p.req.key];
    if (rs.length === 1) {
      delete v.readsByKey[p.req.key];
      delete v.droppedBefore[p.req.key];
    } else rs.splice(rs.indexOf(r), 1);
  }
  return p;
}

/**
 * Set the timer for the earliest deadline of a request still unanswered. Deadlines of
 * requests answered meanwhile are dropped first, without a timer each: normally the answer
 * comes first, and one timer per timeout period is enough instead of one per request. The
 * deadlines are in order (a fixed timeout from when each was forwarded), so every request
 * still waiting is expired at its own deadline exactly as before.
 */
function armTimer(ctx: C, which: 'read' | 'write'): void {
  const v = ctx.v;
  const q = which === 'read' ? v.readDeadlines : v.writeDeadlines;
  let head = fifoPeek(q);
  while (head && !pendingAt(v, head[0])) {
    fifoShift(q);
    head = fifoPeek(q);
  }
  if (which === 'read') v.readTimerArmed = head !== undefined;
  else v.writeTimerArmed = head !== undefined;
  if (head) ctx.setTimer(head[1] - ctx.nowUs, { name: which === 'read' ? 'read-deadline' : 'write-deadline' });
}

/** Deadlines that passed: reads get a gateway timeout (or a stale copy); writes are forgotten. */
function expire(ctx: C, which: 'read' | 'write'): void {
  const v = ctx.v;
  const q = which === 'read' ? v.readDeadlines : v.writeDeadlines;
  for (let d = fifoPeek(q); d && d[1] <= ctx.nowUs; d = fifoPeek(q)) {
    fifoShift(q);
    const p = settle(ctx, d[0]);
    if (!p) continue; // answered in time
    if (which === 'read') backendFailed(ctx, p, 'timeout');
  }
  armTimer(ctx, which);
}

/** A request has had its turn on a core: look it up, answer or forward it. */
function handle(ctx: C, from: number, req: DbRequest): void {
  const v = ctx.v;
  if (req.f === 'write') {
    v.writes++;
    return forward(ctx, from, req);
  }
  const e = v.entries[req.key];
  if (e && ctx.nowUs < e[1] + ttlUs(ctx)) {
    v.hits++;
    return answer(ctx, from, req, e);
  }
  v.misses++;
  forward(ctx, from, req);
}

/** Whether the answer to read `r` of `key` may be stored: no write to the key went through since it was forwarded. */
function mayStore(v: V, key: string, r: number): boolean {
  const before = v.droppedBefore[key];
  return before === undefined || r >= before;
}

function onBackendReply(ctx: C, msg: Message<'reply'>): void {
  const b = msg.body;
  const waiting = pendingAt(ctx.v, b.r);
  // Asked before settling, which forgets the key's drops once no read of it is left.
  const fill = waiting !== null && waiting.req.f === 'read' && mayStore(ctx.v, waiting.req.key, b.r);
  const p = settle(ctx, b.r);
  if (!p) return; // too late: the client was already answered
  const node = ctx.nodeId(msg.from);
  const req = p.req;
  if (req.f === 'write') {
    // Only a write that happened makes the copy wrong: one refused or lost leaves it (which is
    // what keeps pages up while the database fails every write).
    if (b.ok) drop(ctx, req.key);
    // The backend's answer as it came, renumbered for the client (a literal, not a spread of
    // the body: the spread was the most expensive line of a cache's relaying).
    const out: DbReply = { n: req.n, r: req.r, ok: b.ok, node: b.node ?? node };
    if (b.value !== undefined) out.value = b.value;
    if (b.error !== undefined) out.error = b.error;
    if (b.lsn !== undefined) out.lsn = b.lsn;
    if (b.epoch !== undefined) out.epoch = b.epoch;
    reply(ctx, p.from, out);
    return;
  }
  if (!b.ok) return backendFailed(ctx, p, b.error ?? 'error');
  const value = b.value ?? null;
  // Frozen: an entry is replaced, never changed, and a checkpoint then shares it (snapshot.ts).
  if (fill) store(ctx, req.key, Object.freeze([value, ctx.nowUs, b.lsn ?? 0, b.epoch ?? 0, b.node ?? node]) as Entry);
  reply(ctx, p.from, { n: req.n, r: req.r, ok: true, value, lsn: b.lsn, epoch: b.epoch, node: b.node ?? node });
}

function sample(ctx: C): Record<string, number> {
  const v = ctx.v;
  const lookups = v.hits + v.misses;
  return {
    up: 1,
    hits: v.hits,
    misses: v.misses,
    staleServed: v.staleServed,
    failed: v.failed,
    writes: v.writes,
    entries: v.count,
    pending: v.pendingCount,
    hitRatio: lookups > 0 ? v.hits / lookups : 0,
  };
}

export const cache: Component<Cache> = {
  kind: 'cache',

  init(ctx) {
    ctx.p = {};
    ctx.v = fresh();
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    // Memory only: a restarted cache is empty, and every read misses until it fills again.
    ctx.v = fresh();
    return ctx.v;
  },

  onMessage(ctx, msg) {
    const v = ctx.v;
    if (msg.type === 'request') {
      const req = msg.body;
      if (waitingCount(v.cpu) >= MAX_QUEUED) return fail(ctx, msg.from, req, 'too-many-in-flight');
      const costUs = Math.max(1, Math.round((ctx.spec.serviceMs ?? CACHE_DEFAULTS.serviceMs) * 1000));
      submit(ctx, v.cpu, cores(ctx), { costUs, kind: 'client', data: { from: msg.from, req } });
    } else if (msg.type === 'reply') onBackendReply(ctx, msg);
    else if (msg.type === 'scrape') ctx.send(msg.from, 'metrics', { values: sample(ctx) }, 200);
  },

  onTimer(ctx, timer) {
    if (timer.name === 'served') {
      handle(ctx, timer.data.data.from, timer.data.data.req);
      release(ctx, ctx.v.cpu, cores(ctx));
    } else if (timer.name === 'read-deadline') expire(ctx, 'read');
    else if (timer.name === 'write-deadline') expire(ctx, 'write');
  },

  sample,

  // Estimated bytes held, for the world's budget (limits.ts): entries, requests waiting on the
  // backend, and the eviction order and deadlines that index them.
  footprint(ctx) {
    const v = ctx.v;
    if (!v) return 0;
    return v.count * ENTRY_BYTES + v.pendingCount * PENDING_BYTES + v.pending.length * 8 + (fifoSize(v.order) + fifoSize(v.readDeadlines) + fifoSize(v.writeDeadlines)) * INDEX_ITEM_BYTES;
  },

  view(ctx) {
    const v = ctx.v;
    const s = ctx.spec;
    const lookups = v ? v.hits + v.misses : 0;
    const ratio = v && lookups > 0 ? v.hits / lookups : 0;
    return {
      summary: `${v?.count ?? 0} entries, hit ratio ${Math.round(ratio * 100)}% -> ${s.backend}`,
      detail: {
        backend: s.backend,
        entries: v?.count ?? 0,
        hits: v?.hits ?? 0,
        misses: v?.misses ?? 0,
        hitRatio: ratio,
        staleServed: v?.staleServed ?? 0,
        failed: v?.failed ?? 0,
        pending: v?.pendingCount ?? 0,
        ttlMs: s.ttlMs ?? CACHE_DEFAULTS.ttlMs,
        serveStale: s.serveStale ?? CACHE_DEFAULTS.serveStale,
      },
    };
  },
};
