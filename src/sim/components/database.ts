// A database node: a primary that orders writes into a log, or a follower (replica or
// standby) that copies that log.
//
// Persisted (survives a crash): role, epoch, the node it follows, its log position (`lsn`),
// the retained log, the data, its epoch history and whether it was fenced. A follower
// persists each entry it applies with its LSN, so after a crash it resumes from exactly
// there: nothing skipped, nothing applied twice.
// Volatile (lost in a crash): the CPU queue, the primary's view of its followers, writes
// waiting for replication, the lease, a follower's replication session.
//
// Capacity. Everything that arrives for the node waits in one queue for one of its `cores`:
// client requests, and also the orchestrator's heartbeats and commands (promote, follow,
// fence), and the reading of old log for a follower catching up. A request costs
// `serviceMs`, plus `ioMs` for the share of it that misses the buffer cache (a cold cache,
// after a restart or on a fresh node, warms with traffic). A query on a key with bad
// statistics then waits `factor` times as long again for its reads, holding its connection
// but not a core. So latency grows with load, an overloaded node answers heartbeats late
// (and can look dead), a node that wakes from a pause works through its backlog as primary
// before it reaches the message that demotes it, and a replica catching up after a long
// absence can take the primary's capacity from its clients (unless catch-up is throttled).
// The node marks when it becomes overloaded, with what. A full disk stops it.
//
// Replication. A follower subscribes with its next LSN and its epoch history; the primary
// streams entries in batches with a bounded window of unacknowledged entries. The follower
// receives them, then applies them one at a time (`applyMs` each, a single apply thread as
// in MySQL: under load this is where replication lag comes from), persisting each applied
// entry with its LSN. It acks both what it has received and what it has applied. A gap (a
// lost message) or a silent primary makes it subscribe again from where it is, so loss only
// delays it. A follower too far behind for the retained log gets a full snapshot.
//
// When the primary acknowledges a write (the ack rule, per follower, from its
// `replication`):
// - async: at once. A follower may not have it yet: a failover can lose it.
// - semi-sync: once any one semi-sync follower has received it; if none confirms within
//   `semiSyncTimeoutMs`, the primary falls back to async (as MySQL does) until one catches up.
// - sync: once every sync follower has applied it. If one is not connected, writes wait: the price
//   of never losing an acknowledged write is latency, and availability.
//
// Epochs. Every entry carries the epoch of the primary that wrote it. A promotion starts a
// new epoch, recorded with its first LSN in the node's epoch history, which followers copy.
// A deposed primary that rejoins as a follower has entries the new lineage never had (its
// divergent suffix): the new primary finds the fork from the epoch histories and tells it to
// truncate there, and those writes are gone. With fencing on, a primary refuses writes
// without a live lease from the orchestrator, and steps down when it hears of a newer epoch.

import type { Component, Ctx, Message } from '../kernel/component';
import type { DatabaseSpec, ReplicationMode, Role } from '../spec';
import { fifo, fifoPeek, fifoPush, fifoShift, fifoSize, type Fifo } from '../kernel/fifo';
import { cancel, dominantKind, release as releaseServer, servers, submit, waitUs, waitingCount, type Servers } from './servers';
import { newWindow, record, roll, type LatencyWindow } from '../metrics/histogram';
import { DATABASE_PARAMS } from '../params/database';
import { defaultsOf } from '../params/param';

export const DATABASE_DEFAULTS = defaultsOf(DATABASE_PARAMS);

/** Entries in one replication message. */
const BATCH_ENTRIES = 64;
/** A follower that has heard nothing from its primary for this long subscribes again. */
const RESUBSCRIBE_US = 2_000_000;

const FOLLOWER_TICK_US = 500_000;
/** Wire sizes: a request or reply, one log entry, a message's fixed overhead. */
const REQUEST_BYTES = 120;
const ENTRY_BYTES = 80;
const HEADER_BYTES = 60;
/** On disk: a log entry, and a row of data. */
const LOG_DISK_BYTES = 200;
const ROW_DISK_BYTES = 1000;
/** The log tail kept in memory: shipping older entries means reading them from disk. */
const RECENT_ENTRIES = 10_000;
/** Queueing delay at which the node marks itself overloaded, and below which it recovers. */
const OVERLOAD_US = 500_000;
const RECOVERED_US = 100_000;
/** What each kind of queued work is called when it overloads the node. */
const LOAD_NAMES: Record<string, string> = {
  client: 'client load',
  'catch-up': 'replication catch-up',
  control: 'heartbeats and commands',
};

/** An epoch of the history: [epoch, its first LSN, the node that started it]. */
export type EpochStart = [number, number, string];

export interface DbPersisted {
  role: Role;
  epoch: number;
  follow: string | null;
  lsn: number;
  /**
   * The retained log, in columns: entry i has LSN logStart + i. Columns of numbers and
   * shared key strings, not an array per entry: a busy primary keeps 100,000 entries, and
   * per-entry objects would all be work for the garbage collector and the checkpointer.
   */
  logStart: number;
  logKeys: string[];
  logValues: number[];
  logEpochs: number[];
  /** The data reads see: key -> value, and key -> the LSN that wrote it. */
  values: Record<string, number>;
  versions: Record<string, number>;
  /** The log is applied to the data up to here; beyond, writes await their acknowledgement. */
  visibleLsn: number;
  /** Where each epoch of this node's lineage began. */
  epochs: EpochStart[];
  /** The highest epoch this node has heard of. */
  epochSeen: number;
  /** Told to stop accepting writes (fencing, or it learned it was deposed). */
  fenced: boolean;
  /** It runs under leases (fencing is on): after a restart it waits for a new one before writing. */
  leased: boolean;
  /** Distinct keys stored, for the disk's size. */
  keyCount: number;
  /** Disk: its size as resized by an operator (null: as configured), and space taken by other files. */
  diskBytes: number | null;
  diskExtraBytes: number;
  /** Queries on these keys run `factor` times slower (bad statistics), until refreshed. */
  slow: { keys: string[]; hottest: number; factor: number } | null;
  /** Catch-up throttle set by an operator (null: as configured). */
  catchupEntriesPerSec: number | null;
  /** A spare machine slot (`provisioned: false`) not provisioned yet: empty, and deaf to everything. */
  spare?: boolean;
  /** A backup being restored onto this node (`restore-backup`), loaded when the restore ends. */
  restoring?: DbSnapshotData;
  restoringFrom?: string;
}

/** A consistent copy of a database's data, as the `snapshot` query gives it. */
export interface DbSnapshotData {
  epoch: number;
  lsn: number;
  values: Record<string, number>;
  versions: Record<string, number>;
  epochs: EpochStart[];
}

/** A batch of log entries from `fromLsn` on, as the primary ships them. */
export interface Entries {
  epoch: number;
  fromLsn: number;
  keys: string[];
  values: number[];
  epochs: number[];
  history: EpochStart[];
}

interface FollowerSession {
  /** Which subscription this is: reads queued for an earlier one are not sent. */
  gen: number;
  mode: ReplicationMode;
  /** Entries reserved for sending: read, or being read. */
  sentLsn: number;
  /** The next LSN to go out, and ranges read but waiting for earlier ones: sent in order. */
  nextLsn: number;
  ready: [number, number][];
  /** What the follower has received, and what it has applied (and persisted). */
  receivedLsn: number;
  ackedLsn: number;
}

/** A message (or a catch-up read) waiting for a core. */
interface Queued {
  from: number;
  type: string;
  body: any;
  arrivedUs: number;
}

interface Waiting {
  lsn: number;
  from: number;
  req: DbRequest;
  sinceUs: number;
}

export interface DbVolatile {
  /** The cores and the queue in front of them. */
  cpu: Servers<Queued>;
  /** Client requests waiting or in service: the connections in use. */
  clientInFlight: number;
  /** Share of the working set in the buffer cache, 0..1 (memory: lost in a crash). */
  warmth: number;
  overloaded: boolean;
  /** Catch-up throttle: tokens (entries) available, as of when; a refill timer is set. */
  tokens: number;
  tokensAtUs: number;
  throttleArmed: boolean;
  /** Latency of client requests here (queueing included), last second. */
  latency: LatencyWindow;
  /** Primary: followers by id, in order of subscription. */
  followers: Record<string, FollowerSession>;
  /** Primary: writes applied but not yet acknowledged, waiting for followers (in LSN order). */
  waiting: Fifo<Waiting>;
  waitTimerArmed: boolean;
  /** Semi-sync gave up waiting and acknowledges at once until a follower catches up. */
  semiSyncDegraded: boolean;
  /** The highest LSN acknowledged to a client: what a failover could lose lies above followers. */
  ackedLsn: number;
  /** A shipment of the log to followers is due (with `shipIntervalMs`). */
  shipArmed: boolean;
  /** The log released to followers so far: with batching, what the last shipment covered. */
  shippedLsn: number;
  /** With fencing, writes are accepted only until this time (-1: no lease was ever granted). */
  leaseUntilUs: number;
  /** Writes are being refused for want of a lease (marked once, until a lease comes back). */
  leaseLost: boolean;
  /** Follower: when the primary was last heard from. */
  lastHeardUs: number;
  /** Follower: entries received and not yet applied ([lsn, key, value, epoch]), and the highest LSN received. */
  apply: Fifo<[number, string, number, number]>;
  applying: boolean;
  receivedLsn: number;
  served: number;
  rejected: number;
}

/** A client's request as it travels. */
export interface DbRequest {
  op: string;
  /** The client's operation number, echoed in the reply. */
  n: number;
  /** The attempt's own number, echoed too (a retried operation is sent again). */
  r: number;
  f: 'read' | 'write';
  key: string;
  value: number | null;
}

export interface DbReply {
  n: number;
  r: number;
  ok: boolean;
  value?: number | null;
  error?: string;
  lsn?: number;
  epoch?: number;
  /** The node that served it, when a proxy (a cache) relays the answer. */
  node?: string;
}

type P = DbPersisted;
type V = DbVolatile;

function freshVolatile(ctx: Ctx, warmth: number): V {
  return {
    cpu: servers(),
    clientInFlight: 0,
    warmth,
    overloaded: false,
    tokens: 0,
    tokensAtUs: ctx.nowUs,
    throttleArmed: false,
    latency: newWindow(),
    followers: {},
    waiting: fifo(),
    waitTimerArmed: false,
    semiSyncDegraded: false,
    ackedLsn: (ctx.p as P | null)?.lsn ?? 0,
    shipArmed: false,
    shippedLsn: (ctx.p as P | null)?.lsn ?? 0,
    leaseUntilUs: -1,
    leaseLost: false,
    lastHeardUs: ctx.nowUs,
    apply: fifo(),
    applying: false,
    receivedLsn: (ctx.p as P | null)?.lsn ?? 0,
    served: 0,
    rejected: 0,
  };
}

function shipUs(ctx: Ctx): number {
  return Math.round((spec(ctx).shipIntervalMs ?? DATABASE_DEFAULTS.shipIntervalMs) * 1000);
}

function applyUs(ctx: Ctx): number {
  return Math.round((spec(ctx).applyMs ?? DATABASE_DEFAULTS.applyMs) * 1000);
}

function spec(ctx: Ctx): DatabaseSpec {
  return ctx.spec as DatabaseSpec;
}

function serviceUs(ctx: Ctx): number {
  return Math.round((spec(ctx).serviceMs ?? DATABASE_DEFAULTS.serviceMs) * 1000);
}

function startFollowing(ctx: Ctx): void {
  const p = ctx.p as P;
  if (p.role === 'primary' || !p.follow) return;
  const v = ctx.v as V;
  // Entries already received wait to be applied; ask for what comes after them.
  const body = { fromLsn: v.receivedLsn + 1, history: p.epochs.map((e) => e.slice()), mode: spec(ctx).replication ?? 'async', epoch: p.epochSeen };
  ctx.send(p.follow, 'subscribe', body, HEADER_BYTES);
  v.lastHeardUs = ctx.nowUs;
}

/** Append one entry at LSN p.lsn + 1 and apply it to the data. */
function append(ctx: Ctx, key: string, value: number, epoch: number, visible = true): void {
  const p = ctx.p as P;
  const lsn = ++p.lsn;
  p.logKeys.push(key);
  p.logValues.push(value);
  p.logEpochs.push(epoch);
  if (visible) {
    setValue(p, key, value, lsn);
    p.visibleLsn = lsn;
  }
  const retain = spec(ctx).logRetainEntries ?? DATABASE_DEFAULTS.logRetainEntries;
  // Trim in chunks: shifting one entry per write would copy the whole log each time. Never
  // trim what is not yet visible: it is still to be applied from the log.
  if (p.logKeys.length > retain + (retain >> 2)) {
    const drop = Math.min(p.logKeys.length - retain, p.visibleLsn - p.logStart + 1);
    p.logKeys.splice(0, drop);
    p.logValues.splice(0, drop);
    p.logEpochs.splice(0, drop);
    p.logStart += drop;
  }
}

function setValue(p: P, key: string, value: number, lsn: number): void {
  if (p.versions[key] === undefined) p.keyCount++;
  p.values[key] = value;
  p.versions[key] = lsn;
}

/**
 * Make the log visible to reads up to `lsn`. A primary with synchronous followers keeps a
 * write invisible until it acknowledges it (MySQL's lossless AFTER_SYNC wait point): no one
 * can read a write that a failover could still take away.
 */
function reveal(ctx: Ctx, lsn: number): void {
  const p = ctx.p as P;
  for (let l = p.visibleLsn + 1; l <= lsn; l++) {
    const i = l - p.logStart;
    setValue(p, p.logKeys[i], p.logValues[i], l);
  }
  if (lsn > p.visibleLsn) p.visibleLsn = lsn;
}

/**
 * Send a follower what it lacks, within its window and what has been released for shipping.
 * Recent entries are in memory and go out at once; older ones (a follower catching up) must
 * be read from disk first, on the node's cores like any other work, within the catch-up
 * throttle if there is one.
 */
function pump(ctx: Ctx, id: string, s: FollowerSession): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  const upTo = shipUs(ctx) === 0 ? p.lsn : v.shippedLsn;
  const window = spec(ctx).replicationWindowEntries ?? DATABASE_DEFAULTS.replicationWindowEntries;
  while (s.sentLsn < upTo && s.sentLsn - s.receivedLsn < window) {
    const from = s.sentLsn + 1;
    if (from < p.logStart) {
      // The follower needs entries the log no longer holds: it gets the whole data set,
      // read from disk on the node's cores like any other work.
      s.sentLsn = p.lsn;
      const catchupUs = Math.round((spec(ctx).catchupMs ?? DATABASE_DEFAULTS.catchupMs) * 1000);
      ctx.log(`${id} is behind the retained log (needs lsn ${from}, log starts at ${p.logStart}): sending a snapshot`);
      if (catchupUs === 0) sendSnapshot(ctx, id);
      else enqueue(ctx, -1, 'snapshot-read', { follower: id, gen: s.gen, costUs: Math.max(1, p.keyCount) * catchupUs });
      return;
    }
    let to = Math.min(upTo, from + BATCH_ENTRIES - 1, s.receivedLsn + window);
    const catchupUs = Math.round((spec(ctx).catchupMs ?? DATABASE_DEFAULTS.catchupMs) * 1000);
    if (from > p.lsn - RECENT_ENTRIES || catchupUs === 0) {
      // In memory: ready at once, though it waits for any older range still being read.
      s.sentLsn = to;
      s.ready.push([from, to]);
      flushReady(ctx, id, s);
      continue;
    }
    const allowed = throttleAllows(ctx, to - from + 1);
    if (allowed === 0) return;
    to = from + allowed - 1;
    // Reserve the range now; it leaves once a core has read it.
    s.sentLsn = to;
    enqueue(ctx, -1, 'ship', { follower: id, gen: s.gen, from, to, costUs: (to - from + 1) * catchupUs });
  }
}

function sendSnapshot(ctx: Ctx, id: string): void {
  const p = ctx.p as P;
  // Copied: a message body must not change while it is in flight. It holds the whole log up
  // to p.lsn, so entries not yet visible here are applied to the copy.
  const values = { ...p.values };
  const versions = { ...p.versions };
  for (let l = p.visibleLsn + 1; l <= p.lsn; l++) {
    values[p.logKeys[l - p.logStart]] = p.logValues[l - p.logStart];
    versions[p.logKeys[l - p.logStart]] = l;
  }
  const body = {
    epoch: p.epoch,
    lsn: p.lsn,
    values,
    versions,
    logStart: p.logStart,
    logKeys: p.logKeys.slice(),
    logValues: p.logValues.slice(),
    logEpochs: p.logEpochs.slice(),
    epochs: p.epochs.map((e) => e.slice() as EpochStart),
  };
  ctx.send(id, 'snapshot', body, HEADER_BYTES + p.keyCount * ENTRY_BYTES);
}

function sendEntries(ctx: Ctx, id: string, from: number, to: number): void {
  const p = ctx.p as P;
  const a = from - p.logStart;
  const b = to - p.logStart + 1;
  const batch: Entries = {
    epoch: p.epoch,
    fromLsn: from,
    keys: p.logKeys.slice(a, b),
    values: p.logValues.slice(a, b),
    epochs: p.logEpochs.slice(a, b),
    // Only the epochs that start inside the batch: the follower extends its own history.
    history: p.epochs.filter((e) => e[1] >= from && e[1] <= to).map((e) => e.slice() as EpochStart),
  };
  ctx.send(id, 'entries', batch, HEADER_BYTES + (b - a) * ENTRY_BYTES);
}

/** A core has read old log for a follower: it goes out once everything before it has. */
function shipRead(ctx: Ctx, b: { follower: string; gen: number; from: number; to: number }): void {
  const p = ctx.p as P;
  const s = (ctx.v as V).followers[b.follower];
  if (!s || s.gen !== b.gen || p.role !== 'primary') return;
  s.ready.push([b.from, b.to]);
  flushReady(ctx, b.follower, s);
}

/** Send the ranges that are ready, in LSN order: reads finishing out of order wait their turn. */
function flushReady(ctx: Ctx, id: string, s: FollowerSession): void {
  const p = ctx.p as P;
  for (let k = s.ready.findIndex((r) => r[0] === s.nextLsn); k >= 0; k = s.ready.findIndex((r) => r[0] === s.nextLsn)) {
    const [from, to] = s.ready[k];
    s.ready.splice(k, 1);
    if (from < p.logStart || to > p.lsn) {
      // The log moved under the read (trimmed, truncated): start again from what it confirmed.
      s.ready = [];
      s.sentLsn = s.receivedLsn;
      s.nextLsn = s.receivedLsn + 1;
      return pump(ctx, id, s);
    }
    sendEntries(ctx, id, from, to);
    s.nextLsn = to + 1;
  }
}

/** How many of `want` catch-up entries the throttle lets through now (all, without one). */
function throttleAllows(ctx: Ctx, want: number): number {
  const p = ctx.p as P;
  const v = ctx.v as V;
  const rate = p.catchupEntriesPerSec ?? spec(ctx).catchupEntriesPerSec ?? DATABASE_DEFAULTS.catchupEntriesPerSec;
  if (rate <= 0) return want;
  // A token bucket holding a tenth of a second of entries.
  const burst = Math.max(BATCH_ENTRIES, rate / 10);
  v.tokens = Math.min(burst, v.tokens + ((ctx.nowUs - v.tokensAtUs) * rate) / 1e6);
  v.tokensAtUs = ctx.nowUs;
  const n = Math.min(want, Math.floor(v.tokens));
  if (n < Math.min(want, BATCH_ENTRIES)) {
    if (!v.throttleArmed) {
      v.throttleArmed = true;
      ctx.setTimer(Math.ceil(((Math.min(want, BATCH_ENTRIES) - v.tokens) * 1e6) / rate), 'throttle');
    }
    return 0;
  }
  v.tokens -= n;
  return n;
}

/** Bytes on the node's disk: its log and data, and whatever else was put there. */
function diskUsed(ctx: Ctx): number {
  const p = ctx.p as P;
  return (spec(ctx).diskUsedBytes ?? DATABASE_DEFAULTS.diskUsedBytes) + p.diskExtraBytes + p.logKeys.length * LOG_DISK_BYTES + p.keyCount * ROW_DISK_BYTES;
}

function diskSize(ctx: Ctx): number {
  return (ctx.p as P).diskBytes ?? spec(ctx).diskBytes ?? DATABASE_DEFAULTS.diskBytes;
}

/** A database cannot write to a full disk: it stops. True if it did. */
function checkDisk(ctx: Ctx): boolean {
  const size = diskSize(ctx);
  if (size <= 0 || diskUsed(ctx) < size) return false;
  ctx.mark('disk-full', { usedBytes: diskUsed(ctx), sizeBytes: size });
  ctx.halt(`its disk is full (${(size / 1e9).toFixed(2)} GB): the database stops`);
  return true;
}

function reply(ctx: Ctx, to: number, r: DbReply): void {
  ctx.send(to, 'reply', r, REQUEST_BYTES);
}

function refuse(ctx: Ctx, from: number, req: DbRequest, error: string): void {
  (ctx.v as V).rejected++;
  reply(ctx, from, { n: req.n, r: req.r, ok: false, error });
}

function cores(ctx: Ctx): number {
  return spec(ctx).cores ?? DATABASE_DEFAULTS.cores;
}

function isSlow(p: P, key: string): boolean {
  const slow = p.slow;
  if (!slow) return false;
  if (slow.keys.includes(key)) return true;
  // The hottest keys of a skewed workload are k0, k1, ...: key index below `hottest`.
  return slow.hottest > 0 && key.length > 1 && Number(key.slice(1)) < slow.hottest;
}

/** What a client request costs a core here now: CPU, and disk reads for cache misses. */
function requestCostUs(ctx: Ctx): number {
  const v = ctx.v as V;
  const s = spec(ctx);
  const miss = 1 - v.warmth * (s.cacheHitRatio ?? DATABASE_DEFAULTS.cacheHitRatio);
  const costMs = (s.serviceMs ?? DATABASE_DEFAULTS.serviceMs) + miss * (s.ioMs ?? DATABASE_DEFAULTS.ioMs);
  return Math.max(1, Math.round(costMs * 1000));
}

/**
 * The extra time a request on a key with a bad plan takes after its turn on a core: the plan
 * reads far more than it needs, mostly waiting on the disk. It holds its connection all that
 * time, but not a core: the database looks busy, not broken, while the pools drain.
 */
function slowWaitUs(ctx: Ctx, req: DbRequest): number {
  const p = ctx.p as P;
  if (!isSlow(p, req.key)) return 0;
  return Math.round(requestCostUs(ctx) * (p.slow!.factor - 1));
}

/** A message for the node's cores: it waits for those before it, then takes its time. */
function enqueue(ctx: Ctx, from: number, type: string, body: any): void {
  const v = ctx.v as V;
  let costUs = serviceUs(ctx);
  let kind = 'control';
  if (type === 'request') {
    const limit = spec(ctx).maxConnections ?? DATABASE_DEFAULTS.maxConnections;
    if (limit > 0 && v.clientInFlight >= limit) return refuse(ctx, from, body as DbRequest, 'too-many-connections');
    v.clientInFlight++;
    costUs = requestCostUs(ctx);
    kind = 'client';
  } else if (type === 'ship' || type === 'snapshot-read') {
    costUs = body.costUs;
    kind = 'catch-up';
  }
  submit(ctx, v.cpu, cores(ctx), { costUs, kind, data: { from, type, body, arrivedUs: ctx.nowUs } }, 'served');
  checkLoad(ctx);
}

function served(ctx: Ctx, work: { data: Queued }): void {
  const q = work.data;
  if (q.type === 'request') {
    const wait = slowWaitUs(ctx, q.body as DbRequest);
    if (wait > 0) {
      // The core is free for others; this request finishes when its reads do.
      ctx.setTimer(wait, 'slow-done', q);
      releaseServer(ctx, (ctx.v as V).cpu, cores(ctx), 'served');
      checkLoad(ctx);
      return;
    }
    finishRequest(ctx, q);
  } else handle(ctx, q.from, q.type, q.body);
  // A command may have stopped the node (a full disk): nothing more runs here then.
  if (ctx.v === null) return;
  releaseServer(ctx, (ctx.v as V).cpu, cores(ctx), 'served');
  checkLoad(ctx);
}

/** A client request is done: it frees its connection, warms the cache, and is answered. */
function finishRequest(ctx: Ctx, q: Queued): void {
  const v = ctx.v as V;
  v.clientInFlight--;
  record(v.latency, ctx.nowUs - q.arrivedUs);
  // Every query served brings more of the working set into memory.
  v.warmth += (1 - v.warmth) / (spec(ctx).cacheWarmupOps ?? DATABASE_DEFAULTS.cacheWarmupOps);
  serve(ctx, q.from, q.body as DbRequest);
}

/** How long the oldest client request still waiting for a core has waited. */
function oldestWaitingMs(ctx: Ctx): number {
  const q = (ctx.v as V).cpu.waiting;
  for (let i = q.head; i < q.items.length; i++) {
    const w = q.items[i].data as Queued;
    if (w.type === 'request') return (ctx.nowUs - w.arrivedUs) / 1000;
  }
  return 0;
}

/** Mark when queueing passes the overload threshold (and with what), and when it recovers. */
function checkLoad(ctx: Ctx): void {
  const v = ctx.v as V;
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

/** What the serving thread does with each kind of message. */
function handle(ctx: Ctx, from: number, type: string, body: any): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  const sender = ctx.nodeId(from);
  switch (type) {
    case 'ship':
      return shipRead(ctx, body as { follower: string; gen: number; from: number; to: number });
    case 'snapshot-read':
      if (v.followers[body.follower]?.gen === body.gen && p.role === 'primary') sendSnapshot(ctx, body.follower);
      return;
    case 'promote': {
      const err = promote(ctx, (body as { epoch: number }).epoch);
      if (err) ctx.log(`promotion refused: ${err}`);
      return;
    }
    case 'follow': {
      const b = body as { node: string; epoch: number };
      const err = follow(ctx, b.node, b.epoch ?? 0);
      if (err) ctx.log(`re-point refused: ${err}`);
      return;
    }
    case 'fence': {
      const epoch = (body as { epoch: number }).epoch;
      p.epochSeen = Math.max(p.epochSeen, epoch);
      if (p.role === 'primary' && epoch > p.epoch) stepDown(ctx, `the orchestrator fenced it (epoch ${epoch} replaces ${p.epoch})`);
      return;
    }
    case 'ping': {
      const b = body as { epoch?: number; leaseUntilUs?: number };
      if (b.leaseUntilUs !== undefined) {
        p.leased = true;
        v.leaseUntilUs = Math.max(v.leaseUntilUs, b.leaseUntilUs);
        if (v.leaseLost && ctx.nowUs <= v.leaseUntilUs) {
          v.leaseLost = false;
          ctx.mark('lease-regained', { epoch: p.epoch });
        }
      }
      if (b.epoch !== undefined) {
        p.epochSeen = Math.max(p.epochSeen, b.epoch);
        if (p.role === 'primary' && b.epoch > p.epoch) stepDown(ctx, `the orchestrator is at epoch ${b.epoch}, newer than its own ${p.epoch}`);
      }
      const pong = { role: p.role, lsn: p.lsn, epoch: p.epoch, follow: p.follow, fenced: p.fenced };
      ctx.send(sender, 'pong', pong, HEADER_BYTES);
      return;
    }
  }
}

function serve(ctx: Ctx, from: number, req: DbRequest): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  if (req.f === 'read') {
    const value = p.values[req.key];
    v.served++;
    reply(ctx, from, { n: req.n, r: req.r, ok: true, value: value === undefined ? null : value, lsn: p.lsn, epoch: p.epoch });
    return;
  }
  if (p.role !== 'primary') return refuse(ctx, from, req, 'read-only');
  if (p.fenced) return refuse(ctx, from, req, 'fenced');
  // The lease: with fencing, a primary that has not heard from the orchestrator lately
  // stops accepting writes by itself, before anyone could have been promoted in its place.
  if (p.leased && ctx.nowUs > v.leaseUntilUs) {
    if (!v.leaseLost) {
      v.leaseLost = true;
      ctx.log('its lease has expired: it refuses writes until the orchestrator renews it');
      ctx.mark('lease-lost', { epoch: p.epoch });
    }
    return refuse(ctx, from, req, 'no-lease');
  }
  const rule = ackRule(ctx);
  append(ctx, req.key, req.value as number, p.epoch, rule.sync.length + rule.semi.length === 0 || v.semiSyncDegraded);
  // Not acknowledged: the write could not be made durable.
  if (checkDisk(ctx)) return;
  v.served++;
  // The log goes out at once, or with the next shipment when the primary batches it (as a
  // WAL writer or a binlog group commit does): what is not shipped yet lives only here.
  const every = shipUs(ctx);
  if (every === 0) for (const id in v.followers) pump(ctx, id, v.followers[id]);
  else if (!v.shipArmed) {
    v.shipArmed = true;
    ctx.setTimer(every, 'ship');
  }
  fifoPush(v.waiting, { lsn: p.lsn, from, req, sinceUs: ctx.nowUs });
  release(ctx);
}

/**
 * The followers configured to follow this node synchronously or semi-synchronously. The
 * scenario does not change during a run, so this is worked out once per node.
 */
const configuredFollowers = new WeakMap<object, { sync: string[]; semi: string[] }>();
function configured(ctx: Ctx): { sync: string[]; semi: string[] } {
  let c = configuredFollowers.get(ctx.spec);
  if (!c) {
    c = { sync: [], semi: [] };
    for (const id of ctx.nodesOfKind('database')) {
      const s = ctx.nodeSpec(id) as DatabaseSpec;
      if (s.replicateFrom !== ctx.id || id === ctx.id) continue;
      if (s.replication === 'sync') c.sync.push(id);
      else if (s.replication === 'semi-sync') c.semi.push(id);
    }
    configuredFollowers.set(ctx.spec, c);
  }
  return c;
}

/** The sync and semi-sync followers this primary must wait for, configured or connected. */
function ackRule(ctx: Ctx): { sync: string[]; semi: string[] } {
  const v = ctx.v as V;
  const c = configured(ctx);
  let sync = c.sync;
  let semi = c.semi;
  // Configured ones count even when not connected (the primary then waits for them).
  for (const id in v.followers) {
    const mode = v.followers[id].mode;
    if (mode === 'sync' && !sync.includes(id)) sync = [...sync, id];
    else if (mode === 'semi-sync' && !semi.includes(id)) semi = [...semi, id];
  }
  return { sync, semi };
}

/** Acknowledge the waiting writes whose ack rule is now met, in LSN order. */
function release(ctx: Ctx): void {
  const v = ctx.v as V;
  const p = ctx.p as P;
  const { sync, semi } = ackRule(ctx);
  if (sync.length === 0 && semi.length === 0) {
    // Asynchronous only: acknowledge at once.
    for (let w = fifoShift(v.waiting); w; w = fifoShift(v.waiting)) {
      v.ackedLsn = w.lsn;
      reveal(ctx, w.lsn);
      reply(ctx, w.from, { n: w.req.n, r: w.req.r, ok: true, lsn: w.lsn, epoch: p.epoch });
    }
    return;
  }
  const semiTimeoutUs = (spec(ctx).semiSyncTimeoutMs ?? DATABASE_DEFAULTS.semiSyncTimeoutMs) * 1000;
  for (let w = fifoPeek(v.waiting); w; w = fifoPeek(v.waiting)) {
    let ok = true;
    for (const id of sync) if ((v.followers[id]?.ackedLsn ?? -1) < w.lsn) ok = false;
    if (ok && semi.length > 0 && !v.semiSyncDegraded) {
      if (anyReceived(v, semi, w.lsn)) ok = true;
      else if (ctx.nowUs - w.sinceUs >= semiTimeoutUs) {
        v.semiSyncDegraded = true;
        ctx.log(`semi-sync: no follower confirmed lsn ${w.lsn} within ${semiTimeoutUs / 1000} ms; acknowledging without it (async) until one catches up`);
        ctx.mark('semi-sync-off', { lsn: w.lsn });
      } else ok = false;
    }
    if (!ok) break;
    fifoShift(v.waiting);
    v.ackedLsn = w.lsn;
    reveal(ctx, w.lsn);
    reply(ctx, w.from, { n: w.req.n, r: w.req.r, ok: true, lsn: w.lsn, epoch: p.epoch });
  }
  if (v.semiSyncDegraded && anyReceived(v, semi, p.lsn)) {
    v.semiSyncDegraded = false;
    ctx.log('semi-sync: a follower caught up; waiting for confirmations again');
  }
  const head = fifoPeek(v.waiting);
  if (head && semi.length > 0 && !v.waitTimerArmed) {
    v.waitTimerArmed = true;
    ctx.setTimer(Math.max(0, head.sinceUs + semiTimeoutUs - ctx.nowUs), 'semi-sync-wait');
  }
}

function anyReceived(v: V, ids: string[], lsn: number): boolean {
  for (const id of ids) if ((v.followers[id]?.receivedLsn ?? -1) >= lsn) return true;
  return false;
}

function applyEntries(ctx: Ctx, from: string, e: Entries): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  for (const h of e.history) if (!p.epochs.some((x) => x[0] === h[0] && x[2] === h[2])) p.epochs.push(h.slice() as EpochStart);
  const cost = applyUs(ctx);
  for (let i = 0; i < e.keys.length; i++) {
    const lsn = e.fromLsn + i;
    if (lsn <= v.receivedLsn) continue; // already have it (a resend after a resubscribe)
    if (lsn !== v.receivedLsn + 1) {
      // A gap: something was lost on the way. Ask again from where we are.
      startFollowing(ctx);
      break;
    }
    v.receivedLsn = lsn;
    if (cost === 0) {
      append(ctx, e.keys[i], e.values[i], e.epochs[i]);
      if (checkDisk(ctx)) return;
    } else fifoPush(v.apply, [lsn, e.keys[i], e.values[i], e.epochs[i]]);
  }
  p.epoch = Math.max(p.epoch, e.epoch);
  p.epochSeen = Math.max(p.epochSeen, e.epoch);
  if (cost > 0 && !v.applying && fifoSize(v.apply) > 0) {
    v.applying = true;
    ctx.setTimer(cost, 'applied');
  }
  ack(ctx, from);
}

function ack(ctx: Ctx, to: string): void {
  const p = ctx.p as P;
  ctx.send(to, 'ack', { lsn: p.lsn, received: (ctx.v as V).receivedLsn, epoch: p.epochSeen }, HEADER_BYTES);
}

/** The apply thread finished an entry: persist it, and go on with the next. */
function applied(ctx: Ctx): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  const e = fifoShift(v.apply);
  if (e && e[0] === p.lsn + 1) append(ctx, e[1], e[2], e[3]);
  if (checkDisk(ctx)) return;
  v.applying = fifoSize(v.apply) > 0;
  if (v.applying) ctx.setTimer(applyUs(ctx), 'applied');
  // Sync followers confirm each applied entry (the primary is waiting on it); others when they catch up.
  const sync = (spec(ctx).replication ?? 'async') === 'sync';
  if ((sync || !v.applying) && p.follow && p.role !== 'primary') ack(ctx, p.follow);
}

/** Apply everything received at once (a promotion does not leave received writes behind). */
function drainApply(ctx: Ctx): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  for (let e = fifoShift(v.apply); e; e = fifoShift(v.apply)) if (e[0] === p.lsn + 1) append(ctx, e[1], e[2], e[3]);
  v.applying = false;
}

/**
 * The last LSN two lineages share, from their epoch histories: the end of the latest epoch
 * both contain (same epoch, same first LSN, same node), as far as both hold it. A follower
 * holding entries past it has a divergent suffix.
 */
export function forkEnd(mine: EpochStart[], myLsn: number, theirs: EpochStart[], theirLsn: number): number {
  let fork = 0;
  for (let i = 0; i < mine.length; i++) {
    const j = theirs.findIndex((e) => e[0] === mine[i][0] && e[1] === mine[i][1] && e[2] === mine[i][2]);
    if (j < 0) continue;
    const myEnd = i + 1 < mine.length ? mine[i + 1][1] - 1 : myLsn;
    const theirEnd = j + 1 < theirs.length ? theirs[j + 1][1] - 1 : theirLsn;
    fork = Math.max(fork, Math.min(myEnd, theirEnd));
  }
  return fork;
}

/** Discard this node's entries after `toLsn` (they are not in the lineage it now follows). */
function truncate(ctx: Ctx, toLsn: number): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  v.apply = fifo();
  v.applying = false;
  v.receivedLsn = Math.min(v.receivedLsn, toLsn);
  if (toLsn >= p.lsn) return;
  const from = toLsn + 1;
  const discarded = p.lsn - toLsn;
  const epochsLost = [...new Set(p.logEpochs.slice(Math.max(0, from - p.logStart)))];
  ctx.log(`discards its divergent entries ${from}..${p.lsn} (${discarded} writes the new primary never had)`);
  ctx.mark('discard', { fromLsn: from, toLsn: p.lsn, count: discarded, epochs: epochsLost });
  if (from - 1 < p.logStart - 1 || !rewindData(p, toLsn)) {
    // The log no longer reaches back far enough to undo the data: start over from nothing
    // and let the primary send it all (a re-clone).
    ctx.log('cannot rewind its data from the retained log: re-cloning from the primary');
    p.lsn = 0;
    p.logStart = 1;
    p.logKeys = [];
    p.logValues = [];
    p.logEpochs = [];
    p.values = {};
    p.versions = {};
    p.visibleLsn = 0;
    p.keyCount = 0;
    p.epochs = [];
    v.receivedLsn = 0;
    return;
  }
  const keep = toLsn - p.logStart + 1;
  p.visibleLsn = Math.min(p.visibleLsn, toLsn);
  p.logKeys.length = keep;
  p.logValues.length = keep;
  p.logEpochs.length = keep;
  p.lsn = toLsn;
  p.epochs = p.epochs.filter((e) => e[1] <= toLsn);
}

/** Put each key written after `toLsn` back to its value at `toLsn`, from the log. */
function rewindData(p: P, toLsn: number): boolean {
  const touched = new Set<string>();
  for (let i = toLsn + 1 - p.logStart; i < p.logKeys.length; i++) touched.add(p.logKeys[i]);
  for (const key of touched) {
    let found = -1;
    for (let i = toLsn - p.logStart; i >= 0; i--) {
      if (p.logKeys[i] === key) {
        found = i;
        break;
      }
    }
    if (found >= 0) {
      p.values[key] = p.logValues[found];
      p.versions[key] = p.logStart + found;
    } else if (p.logStart === 1) {
      delete p.values[key];
      delete p.versions[key];
      p.keyCount--;
    } else return false; // its earlier value was trimmed from the log
  }
  return true;
}

function stepDown(ctx: Ctx, why: string): void {
  const p = ctx.p as P;
  if (p.role !== 'primary' || p.fenced) return;
  p.fenced = true;
  ctx.log(`fenced: ${why}; it refuses writes from now on`);
  ctx.mark('fenced', { epoch: p.epoch, lsn: p.lsn, why });
}

function promote(ctx: Ctx, epoch: number): string | undefined {
  const p = ctx.p as P;
  if (p.role === 'primary' && !p.fenced) return 'it is already the primary';
  drainApply(ctx);
  reveal(ctx, p.lsn);
  p.role = 'primary';
  p.fenced = false;
  p.epoch = Math.max(p.epoch + 1, p.epochSeen + 1, epoch);
  p.epochSeen = p.epoch;
  p.follow = null;
  p.epochs.push([p.epoch, p.lsn + 1, ctx.id]);
  const v = ctx.v as V;
  v.followers = {};
  v.ackedLsn = p.lsn;
  v.shippedLsn = p.lsn;
  ctx.log(`promoted to primary at lsn ${p.lsn}, epoch ${p.epoch}`);
  ctx.mark('role', { role: 'primary', epoch: p.epoch, lsn: p.lsn, epochs: p.epochs.map((e) => e.slice()) });
  // Claim the role endpoints, as a managed service or a leader's agent updates DNS.
  for (const ep of ctx.nodesOfKind('endpoint')) ctx.command(ep, 'claim', { node: ctx.id, epoch: p.epoch });
  return undefined;
}

function follow(ctx: Ctx, target: string, epoch: number): string | undefined {
  const p = ctx.p as P;
  if (!target || target === ctx.id) return 'it needs another node to follow';
  const wasPrimary = p.role === 'primary';
  p.epochSeen = Math.max(p.epochSeen, epoch);
  if (p.follow === target && !wasPrimary) return undefined;
  if (wasPrimary) {
    reveal(ctx, p.lsn);
    p.role = 'replica';
    p.fenced = false;
    // Writes still waiting for followers will never be acknowledged by this node now.
    (ctx.v as V).waiting = fifo();
    (ctx.v as V).followers = {};
  }
  p.follow = target;
  // Entries received from the old primary but not applied may lie past the fork: drop them
  // and ask the new primary (which checks for divergence) from what is applied.
  const v = ctx.v as V;
  v.apply = fifo();
  v.applying = false;
  v.receivedLsn = p.lsn;
  ctx.log(`now follows ${target} from lsn ${p.lsn + 1}`);
  ctx.mark('role', { role: p.role, follow: target, lsn: p.lsn });
  startFollowing(ctx);
  if (wasPrimary) ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
  return undefined;
}

/**
 * An autoscaler loads a snapshot onto a spare: it starts with the data as of the snapshot and
 * a cold cache, then follows its source, whose catch-up replays what was written since.
 */
function provision(ctx: Ctx, snap: DbSnapshotData | undefined): string | undefined {
  const p = ctx.p as P;
  if (!p.spare) return 'it is already provisioned';
  if (!snap) return 'there is no snapshot to load';
  loadSnapshot(p, snap);
  ctx.v = freshVolatile(ctx, 0);
  ctx.log(`provisioned from a snapshot at lsn ${snap.lsn}; replaying the log since from ${p.follow ?? 'no one'}`);
  ctx.mark('provisioned', { lsn: snap.lsn });
  if (checkDisk(ctx)) return undefined;
  ctx.setTimer(1_000_000, 'roll');
  startFollowing(ctx);
  ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
  return undefined;
}

/** The node's data and log become the snapshot's: what it had before is gone. */
function loadSnapshot(p: P, snap: DbSnapshotData): void {
  // Copied: the snapshot stays its taker's.
  p.values = { ...snap.values };
  p.versions = { ...snap.versions };
  p.keyCount = Object.keys(p.values).length;
  p.lsn = snap.lsn;
  p.visibleLsn = snap.lsn;
  p.logStart = snap.lsn + 1;
  p.logKeys = [];
  p.logValues = [];
  p.logEpochs = [];
  p.epochs = snap.epochs.map((e) => e.slice() as EpochStart);
  p.epoch = snap.epoch;
  p.epochSeen = snap.epoch;
  delete p.spare;
}

/**
 * `restore-backup`, done to the machine while the process is down: take the backup of `from`
 * now (`restore-take`), load it when the restore ends (`restore-load`, just before restart).
 */
function restoreStep(ctx: Ctx, verb: string, args: any): string | undefined {
  const p = ctx.p as P;
  if (verb === 'restore-take') {
    const from = String(args?.from ?? '');
    const snap = ctx.query(from, 'snapshot') as DbSnapshotData | undefined;
    if (!snap) {
      ctx.log(`no backup of ${from} to restore (it holds no data)`);
      return `${from} has no data to back up`;
    }
    p.restoring = snap;
    p.restoringFrom = from;
    ctx.log(`a backup of ${from} at lsn ${snap.lsn} is being restored onto ${ctx.id}`);
    ctx.mark('restore', { from, lsn: snap.lsn });
    return undefined;
  }
  if (!p.restoring) return 'there is no backup to load';
  const snap = p.restoring;
  const from = p.restoringFrom ?? '?';
  delete p.restoring;
  delete p.restoringFrom;
  const epochSeen = p.epochSeen;
  loadSnapshot(p, snap);
  // A rebuilt machine starts clean: nothing fenced it, no other files on its disk.
  p.fenced = false;
  p.diskExtraBytes = 0;
  ctx.mark('restored', { lsn: snap.lsn });
  if (p.role !== 'primary') {
    ctx.log(`restored from the backup at lsn ${snap.lsn}; it starts with that data and replays the log since`);
    return undefined;
  }
  // A primary restored from a backup writes a new history from the backup's end, as
  // PostgreSQL starts a new timeline after a recovery to a point: a new epoch, so whatever
  // the old history held past that point is known to be gone (and followers that have it
  // diverge, and are told so).
  p.epoch = Math.max(epochSeen, snap.epoch) + 1;
  p.epochSeen = p.epoch;
  p.epochs.push([p.epoch, p.lsn + 1, ctx.id]);
  ctx.log(`restored from the backup at lsn ${snap.lsn}; as primary it starts epoch ${p.epoch} from there`);
  ctx.mark('role', { role: 'primary', epoch: p.epoch, lsn: p.lsn, epochs: p.epochs.map((e) => e.slice()), restoredFrom: from });
  return undefined;
}

function onSubscribe(ctx: Ctx, msg: Message): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  const b = msg.body as { fromLsn: number; history: EpochStart[]; mode: ReplicationMode; epoch: number };
  const id = ctx.nodeId(msg.from);
  if (b.epoch > p.epochSeen) p.epochSeen = b.epoch;
  if (p.role !== 'primary' || (b.epoch > p.epoch && p.leased)) {
    ctx.send(id, 'not-primary', { epoch: p.epochSeen }, HEADER_BYTES);
    if (p.role === 'primary') stepDown(ctx, `${id} has seen epoch ${b.epoch}, newer than its own ${p.epoch}`);
    return;
  }
  // A follower with no history yet (it has never applied anything) shares everything so far.
  const end = b.fromLsn === 1 ? 0 : forkEnd(p.epochs, p.lsn, b.history, b.fromLsn - 1);
  if (b.fromLsn - 1 > end) {
    ctx.send(id, 'truncate', { toLsn: end, epoch: p.epoch }, HEADER_BYTES);
    return;
  }
  const s = v.followers[id] ?? (v.followers[id] = { gen: 0, mode: b.mode, sentLsn: 0, nextLsn: 1, ready: [], receivedLsn: 0, ackedLsn: 0 });
  // A new subscription supersedes the old one: its queued reads are dropped, not paid for.
  const oldGen = s.gen++;
  cancel(v.cpu, (w) => (w.data as Queued).body?.follower === id && (w.data as Queued).body?.gen === oldGen);
  s.mode = b.mode;
  s.sentLsn = s.receivedLsn = Math.min(b.fromLsn - 1, p.lsn);
  s.nextLsn = s.sentLsn + 1;
  s.ready = [];
  s.ackedLsn = Math.min(s.ackedLsn, s.receivedLsn);
  pump(ctx, id, s);
  release(ctx);
}

export const database: Component = {
  kind: 'database',

  init(ctx) {
    const s = spec(ctx);
    const p: P = {
      role: s.role,
      epoch: 1,
      follow: s.role === 'primary' ? null : (s.replicateFrom ?? null),
      lsn: 0,
      logStart: 1,
      logKeys: [],
      logValues: [],
      logEpochs: [],
      values: {},
      versions: {},
      visibleLsn: 0,
      epochs: [],
      epochSeen: 1,
      fenced: false,
      leased: false,
      keyCount: 0,
      diskBytes: null,
      diskExtraBytes: 0,
      slow: null,
      catchupEntriesPerSec: null,
    };
    ctx.p = p;
    ctx.v = freshVolatile(ctx, s.cacheWarmth ?? DATABASE_DEFAULTS.cacheWarmth);
    if (s.provisioned === false) {
      // Nothing runs there until an autoscaler loads a snapshot onto it (`provision`).
      p.spare = true;
      return { p, v: ctx.v };
    }
    ctx.setTimer(1_000_000, 'roll');
    if (p.role === 'primary') {
      p.epochs.push([1, 1, ctx.id]);
      ctx.mark('role', { role: 'primary', epoch: 1, lsn: 0, epochs: p.epochs.map((e) => e.slice()) });
    } else {
      startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    }
    return { p, v: ctx.v };
  },

  recover(ctx) {
    // Its memory is new: the buffer cache starts cold.
    ctx.v = freshVolatile(ctx, 0);
    const p = ctx.p as P;
    if (p.spare) return ctx.v;
    // Whatever reached its log is durable: on restart it replays all of it.
    reveal(ctx, p.lsn);
    ctx.log(`recovering at lsn ${p.lsn} as ${p.fenced ? 'fenced ' : ''}${p.role}`);
    if (checkDisk(ctx)) return ctx.v;
    ctx.setTimer(1_000_000, 'roll');
    if (p.role !== 'primary') {
      startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    }
    return ctx.v;
  },

  onMessage(ctx, msg: Message) {
    const p = ctx.p as P;
    if (p.spare) return; // an empty machine slot: nothing listens
    const v = ctx.v as V;
    const sender = ctx.nodeId(msg.from);
    switch (msg.type) {
      case 'request':
      case 'ping':
      case 'promote':
      case 'follow':
      case 'fence':
        enqueue(ctx, msg.from, msg.type, msg.body);
        return;
      case 'scrape':
        // Metrics come from an agent beside the database, not from its busy cores.
        ctx.send(sender, 'metrics', { values: database.sample!(ctx) }, HEADER_BYTES);
        return;
      case 'subscribe':
        onSubscribe(ctx, msg);
        return;
      case 'ack': {
        const s = v.followers[sender];
        if (!s || p.role !== 'primary') return;
        const b = msg.body as { lsn: number; received: number; epoch: number };
        if (b.epoch > p.epoch && p.leased) return stepDown(ctx, `${sender} has seen epoch ${b.epoch}`);
        if (b.lsn > s.ackedLsn) s.ackedLsn = b.lsn;
        if (b.received > s.receivedLsn) s.receivedLsn = b.received;
        pump(ctx, sender, s);
        release(ctx);
        return;
      }
      case 'entries': {
        if (p.role === 'primary' || sender !== p.follow) return;
        const e = msg.body as Entries;
        // Never take entries from a primary older than one already heard of: that is how
        // a deposed primary finds its writes refused once it can reach anyone.
        if (e.epoch < p.epochSeen) {
          ctx.send(sender, 'stale-epoch', { epoch: p.epochSeen }, HEADER_BYTES);
          return;
        }
        v.lastHeardUs = ctx.nowUs;
        applyEntries(ctx, sender, e);
        return;
      }
      case 'truncate': {
        if (p.role === 'primary' || sender !== p.follow) return;
        truncate(ctx, (msg.body as { toLsn: number }).toLsn);
        startFollowing(ctx);
        return;
      }
      case 'snapshot': {
        if (p.role === 'primary' || sender !== p.follow) return;
        const b = msg.body as Pick<P, 'epoch' | 'lsn' | 'values' | 'versions' | 'logStart' | 'logKeys' | 'logValues' | 'logEpochs' | 'epochs'>;
        if (b.lsn <= p.lsn) return;
        v.lastHeardUs = ctx.nowUs;
        // Copied again on arrival: the in-flight body must never alias this node's data.
        p.values = { ...b.values };
        p.versions = { ...b.versions };
        p.keyCount = Object.keys(p.values).length;
        p.visibleLsn = b.lsn;
        p.logStart = b.logStart;
        p.logKeys = b.logKeys.slice();
        p.logValues = b.logValues.slice();
        p.logEpochs = b.logEpochs.slice();
        p.epochs = b.epochs.map((e) => e.slice() as EpochStart);
        p.lsn = b.lsn;
        p.epoch = Math.max(p.epoch, b.epoch);
        p.epochSeen = Math.max(p.epochSeen, b.epoch);
        v.apply = fifo();
        v.applying = false;
        v.receivedLsn = p.lsn;
        ctx.log(`loaded a snapshot at lsn ${b.lsn}`);
        ack(ctx, sender);
        return;
      }
      case 'stale-epoch':
        if (p.role === 'primary') stepDown(ctx, `${sender} follows a newer epoch (${(msg.body as { epoch: number }).epoch})`);
        return;
      case 'not-primary':
        return; // the follower-tick subscribes again; the orchestrator will re-point us
      case 'keepalive': {
        // Entries sent and never received (a partition dropped them) would otherwise hold the
        // primary's window full for good, with keepalives keeping this follower from asking again.
        const sentLsn = (msg.body as { sentLsn?: number }).sentLsn ?? 0;
        if (p.role !== 'primary' && sender === p.follow && v.receivedLsn >= sentLsn) v.lastHeardUs = ctx.nowUs;
        return;
      }
    }
  },

  onTimer(ctx, name, data) {
    const v = ctx.v as V;
    const p = ctx.p as P;
    if (name === 'served') {
      served(ctx, data);
    } else if (name === 'slow-done') {
      finishRequest(ctx, data);
    } else if (name === 'throttle') {
      v.throttleArmed = false;
      if (p.role === 'primary') for (const id in v.followers) pump(ctx, id, v.followers[id]);
    } else if (name === 'roll') {
      roll(v.latency);
      ctx.setTimer(1_000_000, 'roll');
      // The replication thread's heartbeat (MySQL's master heartbeat) rides on the same
      // one-second tick, so a follower waiting for a long catch-up read does not give up on
      // its primary and subscribe again.
      // It says how far it has sent, so a follower that lacks some of that (lost on the way)
      // does not take it for a sign of life, and subscribes again from what it has.
      if (p.role === 'primary') for (const id in v.followers) ctx.send(id, 'keepalive', { epoch: p.epoch, sentLsn: v.followers[id].nextLsn - 1 }, HEADER_BYTES);
    } else if (name === 'applied') {
      applied(ctx);
    } else if (name === 'ship') {
      v.shipArmed = false;
      v.shippedLsn = p.lsn;
      for (const id in v.followers) pump(ctx, id, v.followers[id]);
    } else if (name === 'semi-sync-wait') {
      v.waitTimerArmed = false;
      release(ctx);
    } else if (name === 'follower-tick') {
      if (p.role === 'primary') return;
      if (ctx.nowUs - v.lastHeardUs >= RESUBSCRIBE_US) startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    }
  },

  onCommand(ctx, verb, args) {
    const p = ctx.p as P;
    if (verb === 'resize-disk') {
      p.diskBytes = Number(args?.bytes ?? 0);
      ctx.log(`disk resized to ${(p.diskBytes / 1e9).toFixed(2)} GB`);
      ctx.mark('disk-resized', { sizeBytes: p.diskBytes });
      return undefined;
    }
    if (verb === 'fill-disk') {
      // Space on the machine's disk, taken or freed whether the database runs or not: the
      // space freed after a full disk stopped it is what lets it start again.
      p.diskExtraBytes = Math.max(0, p.diskExtraBytes + Number(args?.bytes ?? 0));
      ctx.log(`disk: ${(diskUsed(ctx) / 1e9).toFixed(2)} GB used of ${(diskSize(ctx) / 1e9).toFixed(2)} GB`);
      if (ctx.v !== null) checkDisk(ctx);
      return undefined;
    }
    if (verb === 'restore-take' || verb === 'restore-load') return restoreStep(ctx, verb, args);
    // Everything below acts on the running process.
    if (ctx.v === null) return 'it is not running';
    if (verb === 'provision') return provision(ctx, args);
    if (p.spare) return 'it is not provisioned yet';
    if (verb === 'promote') return promote(ctx, (args?.epoch as number | undefined) ?? 0);
    if (verb === 'follow') return follow(ctx, args?.node as string, (args?.epoch as number | undefined) ?? 0);
    if (verb === 'fence') {
      if (p.role !== 'primary') return 'it is not a primary';
      stepDown(ctx, 'an operator fenced it');
      return undefined;
    }
    if (verb === 'throttle') {
      const rate = Number(args?.entriesPerSec ?? 0);
      p.catchupEntriesPerSec = rate;
      ctx.log(rate > 0 ? `catch-up throttled to ${rate} entries/s` : 'catch-up no longer throttled');
      ctx.mark('throttle', { entriesPerSec: rate });
      return undefined;
    }
    if (verb === 'slow-queries') {
      p.slow = { keys: (args?.keys as string[] | undefined) ?? [], hottest: Number(args?.hottest ?? 0), factor: Number(args?.factor ?? 100) };
      ctx.log(`queries on ${p.slow.keys.length ? p.slow.keys.join(', ') : `the ${p.slow.hottest} hottest keys`} now run ${p.slow.factor}x slower (stale statistics, bad plans)`);
      ctx.mark('slow-queries', { factor: p.slow.factor });
      return undefined;
    }
    if (verb === 'refresh-statistics') {
      if (!p.slow) return undefined;
      p.slow = null;
      ctx.log('statistics refreshed: queries are planned well again');
      ctx.mark('statistics-refreshed');
      return undefined;
    }
    if (verb === 'demote') {
      if (p.role !== 'primary') return 'it is not a primary';
      const to = args?.node as string | undefined;
      if (to) return follow(ctx, to, p.epochSeen);
      p.role = 'replica';
      p.fenced = false;
      (ctx.v as V).waiting = fifo();
      ctx.log('demoted to a replica, following no one until re-pointed');
      ctx.mark('role', { role: 'replica', follow: null, lsn: p.lsn });
      return undefined;
    }
    return `a database does not take '${verb}'`;
  },

  onQuery(ctx, question) {
    const p = ctx.p as P;
    if (question === 'role') return p.fenced ? 'fenced' : p.role;
    if (question === 'lsn') return p.spare ? undefined : p.lsn;
    if (question === 'snapshot') {
      if (p.spare) return undefined;
      // A consistent copy of what reads see now, as a storage snapshot takes it (copied: the
      // taker keeps it while this node's data moves on).
      return { epoch: p.epoch, lsn: p.visibleLsn, values: { ...p.values }, versions: { ...p.versions }, epochs: p.epochs.map((e) => e.slice()) };
    }
    return undefined;
  },

  sample(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V;
    if (p.spare) return { up: 0 };
    const size = diskSize(ctx);
    const out: Record<string, number> = {
      up: 1,
      lsn: p.lsn,
      served: v.served,
      rejected: v.rejected,
      queued: waitingCount(v.cpu),
      queueMs: waitUs(v.cpu, cores(ctx)) / 1000,
      cpuBusy: v.cpu.busy / cores(ctx),
      catchupQueueMs: (v.cpu.backlogByKind['catch-up'] ?? 0) / cores(ctx) / 1000,
      p50Ms: v.latency.last.p50Ms,
      // Requests stuck in the queue count too (as a look at the longest-running query would
      // show): in a storm, none may complete to be measured.
      p99Ms: Math.max(v.latency.last.p99Ms, oldestWaitingMs(ctx)),
      cacheWarmth: v.warmth,
      connections: v.clientInFlight,
    };
    if (size > 0) out.diskUsage = diskUsed(ctx) / size;
    if (p.role === 'primary') {
      // Acknowledged writes at risk: acked to a client but on no follower yet, so a
      // failover now would lose them.
      let best = 0;
      let lag = 0;
      for (const id in v.followers) {
        const s = v.followers[id];
        // Received is enough: a promoted follower applies all it has received first.
        best = Math.max(best, s.receivedLsn);
        lag = Math.max(lag, p.lsn - s.ackedLsn);
      }
      out.atRisk = Math.max(0, v.ackedLsn - best);
      out.replicationLag = lag;
      out.waiting = fifoSize(v.waiting);
    }
    return out;
  },

  view(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V | null;
    const role = p.fenced ? `fenced ${p.role}` : p.role;
    return {
      summary: p.spare ? 'spare: not provisioned' : `${role}, lsn ${p.lsn}${p.follow ? `, follows ${p.follow}` : ''}`,
      detail: {
        provisioned: !p.spare,
        role: p.role,
        fenced: p.fenced,
        epoch: p.epoch,
        lsn: p.lsn,
        follow: p.follow,
        keys: Object.keys(p.values).length,
        followers: v ? Object.fromEntries(Object.entries(v.followers).map(([id, s]) => [id, { received: s.receivedLsn, applied: s.ackedLsn, mode: s.mode }])) : {},
        applyQueue: v ? fifoSize(v.apply) : 0,
        queued: v ? waitingCount(v.cpu) : 0,
        waiting: v ? fifoSize(v.waiting) : 0,
        cacheWarmth: v ? Math.round(v.warmth * 100) / 100 : 0,
        diskUsedBytes: diskUsed(ctx),
        diskBytes: diskSize(ctx),
        slowQueries: p.slow !== null,
      },
    };
  },
};
