// A database node: a primary that orders writes into a log, or a follower (replica or
// standby) that copies that log.
//
// Persisted (survives a crash): role, epoch, the node it follows, its log position (`lsn`),
// the retained log, and the data. A follower persists each entry it applies with its LSN,
// so after a crash it resumes from exactly there: nothing skipped, nothing applied twice.
// Volatile (lost in a crash): the CPU queue, the primary's view of its followers, and a
// follower's replication session.
//
// Requests queue for one CPU: each takes `serviceMs`, so latency grows with load.
// Replication: a follower subscribes from its next LSN; the primary streams entries in
// batches with a bounded window of unacknowledged entries, and the follower acks what it
// has applied. A gap (a lost message) or a silent primary makes the follower subscribe
// again from where it is, so loss only delays it. A follower too far behind for the
// primary's retained log gets a full snapshot instead.

import type { Component, Ctx, Message } from '../kernel/component';
import type { DatabaseSpec, ReplicationMode, Role } from '../spec';
import { fifo, fifoPush, fifoShift, fifoSize, type Fifo } from '../kernel/fifo';

export const DATABASE_DEFAULTS = {
  serviceMs: 0.2,
  logRetainEntries: 100_000,
};

/** Entries in one replication message, and unacknowledged entries per follower. */
const BATCH_ENTRIES = 64;
const WINDOW_ENTRIES = 1024;
/** A follower that has heard nothing from its primary for this long subscribes again. */
const RESUBSCRIBE_US = 2_000_000;
const FOLLOWER_TICK_US = 500_000;
/** Wire sizes: a request or reply, one log entry, a message's fixed overhead. */
const REQUEST_BYTES = 120;
const ENTRY_BYTES = 80;
const HEADER_BYTES = 60;

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
  /** The data: key -> value, and key -> the LSN that wrote it. */
  values: Record<string, number>;
  versions: Record<string, number>;
}

/** A batch of log entries from `fromLsn` on, as the primary ships them. */
export interface Entries {
  epoch: number;
  fromLsn: number;
  keys: string[];
  values: number[];
  epochs: number[];
}

interface FollowerSession {
  mode: ReplicationMode;
  sentLsn: number;
  ackedLsn: number;
}

interface Queued {
  from: number;
  req: DbRequest;
}

export interface DbVolatile {
  /** Requests waiting for the CPU, oldest first; the head is being served while `busy`. */
  cpu: Fifo<Queued>;
  busy: boolean;
  /** When the CPU will have served everything queued: the queueing delay a new request sees. */
  cpuFreeUs: number;
  /** Primary: followers by id, in order of subscription. */
  followers: Record<string, FollowerSession>;
  /** Follower: when the primary was last heard from. */
  lastHeardUs: number;
  served: number;
  rejected: number;
}

/** A client's request as it travels. */
export interface DbRequest {
  op: string;
  /** The client's operation number, echoed in the reply. */
  n: number;
  f: 'read' | 'write';
  key: string;
  value: number | null;
}

export interface DbReply {
  op: string;
  n: number;
  ok: boolean;
  value?: number | null;
  error?: string;
  lsn?: number;
}

type P = DbPersisted;
type V = DbVolatile;

function freshVolatile(ctx: Ctx): V {
  return { cpu: fifo(), busy: false, cpuFreeUs: ctx.nowUs, followers: {}, lastHeardUs: ctx.nowUs, served: 0, rejected: 0 };
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
  ctx.send(p.follow, 'subscribe', { fromLsn: p.lsn + 1, mode: spec(ctx).replication ?? 'async' }, HEADER_BYTES);
  (ctx.v as V).lastHeardUs = ctx.nowUs;
}

/** Append one entry at LSN p.lsn + 1 and apply it to the data. */
function append(ctx: Ctx, key: string, value: number, epoch: number): void {
  const p = ctx.p as P;
  const lsn = ++p.lsn;
  p.logKeys.push(key);
  p.logValues.push(value);
  p.logEpochs.push(epoch);
  p.values[key] = value;
  p.versions[key] = lsn;
  const retain = spec(ctx).logRetainEntries ?? DATABASE_DEFAULTS.logRetainEntries;
  // Trim in chunks: shifting one entry per write would copy the whole log each time.
  if (p.logKeys.length > retain + (retain >> 2)) {
    const drop = p.logKeys.length - retain;
    p.logKeys.splice(0, drop);
    p.logValues.splice(0, drop);
    p.logEpochs.splice(0, drop);
    p.logStart += drop;
  }
}

/** Send a follower what it lacks, within its window. */
function pump(ctx: Ctx, id: string, s: FollowerSession): void {
  const p = ctx.p as P;
  while (s.sentLsn < p.lsn && s.sentLsn - s.ackedLsn < WINDOW_ENTRIES) {
    const from = s.sentLsn + 1;
    if (from < p.logStart) {
      // The follower needs entries the log no longer holds: ship the whole data set.
      const keys = Object.keys(p.values).length;
      // Copied: a message body must not change while it is in flight.
      const body = {
        epoch: p.epoch,
        lsn: p.lsn,
        values: { ...p.values },
        versions: { ...p.versions },
        logStart: p.logStart,
        logKeys: p.logKeys.slice(),
        logValues: p.logValues.slice(),
        logEpochs: p.logEpochs.slice(),
      };
      ctx.send(id, 'snapshot', body, HEADER_BYTES + keys * ENTRY_BYTES);
      s.sentLsn = p.lsn;
      ctx.log(`${id} is behind the retained log (needs lsn ${from}, log starts at ${p.logStart}): sending a snapshot`);
      return;
    }
    const to = Math.min(p.lsn, from + BATCH_ENTRIES - 1, s.ackedLsn + WINDOW_ENTRIES);
    const a = from - p.logStart;
    const b = to - p.logStart + 1;
    const batch: Entries = { epoch: p.epoch, fromLsn: from, keys: p.logKeys.slice(a, b), values: p.logValues.slice(a, b), epochs: p.logEpochs.slice(a, b) };
    ctx.send(id, 'entries', batch, HEADER_BYTES + (b - a) * ENTRY_BYTES);
    s.sentLsn = to;
  }
}

function reply(ctx: Ctx, to: number, r: DbReply): void {
  ctx.send(ctx.nodeId(to), 'reply', r, REQUEST_BYTES);
}

/** One CPU: a request waits for those before it, then takes its service time. */
function enqueue(ctx: Ctx, from: number, req: DbRequest): void {
  const v = ctx.v as V;
  fifoPush(v.cpu, { from, req });
  const service = serviceUs(ctx);
  v.cpuFreeUs = Math.max(ctx.nowUs, v.cpuFreeUs) + service;
  if (!v.busy) {
    v.busy = true;
    ctx.setTimer(service, 'served');
  }
}

function served(ctx: Ctx): void {
  const v = ctx.v as V;
  const q = fifoShift(v.cpu)!;
  serve(ctx, q.from, q.req);
  v.busy = fifoSize(v.cpu) > 0;
  if (v.busy) ctx.setTimer(serviceUs(ctx), 'served');
}

function serve(ctx: Ctx, from: number, req: DbRequest): void {
  const p = ctx.p as P;
  const v = ctx.v as V;
  if (req.f === 'read') {
    const value = p.values[req.key];
    v.served++;
    reply(ctx, from, { op: req.op, n: req.n, ok: true, value: value === undefined ? null : value, lsn: p.lsn });
    return;
  }
  if (p.role !== 'primary') {
    v.rejected++;
    reply(ctx, from, { op: req.op, n: req.n, ok: false, error: 'read-only' });
    return;
  }
  append(ctx, req.key, req.value as number, p.epoch);
  v.served++;
  // Asynchronous replication: the client hears "ok" before any follower has the write.
  reply(ctx, from, { op: req.op, n: req.n, ok: true, lsn: p.lsn });
  for (const id in v.followers) pump(ctx, id, v.followers[id]);
}

function applyEntries(ctx: Ctx, from: string, e: Entries): void {
  const p = ctx.p as P;
  for (let i = 0; i < e.keys.length; i++) {
    const lsn = e.fromLsn + i;
    if (lsn <= p.lsn) continue; // already have it (a resend after a resubscribe)
    if (lsn !== p.lsn + 1) {
      // A gap: something was lost on the way. Ask again from where we are.
      startFollowing(ctx);
      break;
    }
    append(ctx, e.keys[i], e.values[i], e.epochs[i]);
    if (e.epochs[i] > p.epoch) p.epoch = e.epochs[i];
  }
  ctx.send(from, 'ack', { lsn: p.lsn }, HEADER_BYTES);
}

function promote(ctx: Ctx, epoch: number): string | undefined {
  const p = ctx.p as P;
  if (p.role === 'primary') return 'it is already the primary';
  p.role = 'primary';
  p.epoch = Math.max(p.epoch + 1, epoch);
  p.follow = null;
  (ctx.v as V).followers = {};
  ctx.log(`promoted to primary at lsn ${p.lsn}, epoch ${p.epoch}`);
  ctx.mark('role', { role: 'primary', epoch: p.epoch, lsn: p.lsn });
  // Claim the role endpoints, as a managed service or a leader's agent updates DNS.
  for (const ep of ctx.nodesOfKind('endpoint')) ctx.command(ep, 'claim', { node: ctx.id });
  return undefined;
}

function follow(ctx: Ctx, target: string): string | undefined {
  const p = ctx.p as P;
  if (!target || target === ctx.id) return 'it needs another node to follow';
  const wasPrimary = p.role === 'primary';
  if (wasPrimary) p.role = 'replica';
  p.follow = target;
  (ctx.v as V).followers = {};
  ctx.log(`now follows ${target} from lsn ${p.lsn + 1}`);
  ctx.mark('role', { role: p.role, follow: target, lsn: p.lsn });
  startFollowing(ctx);
  if (wasPrimary) ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
  return undefined;
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
    };
    ctx.p = p;
    ctx.v = freshVolatile(ctx);
    startFollowing(ctx);
    if (p.role !== 'primary') ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    return { p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = freshVolatile(ctx);
    const p = ctx.p as P;
    ctx.log(`recovering at lsn ${p.lsn} as ${p.role}`);
    startFollowing(ctx);
    if (p.role !== 'primary') ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    return ctx.v;
  },

  onMessage(ctx, msg: Message) {
    const p = ctx.p as P;
    const v = ctx.v as V;
    switch (msg.type) {
      case 'request':
        enqueue(ctx, msg.from, msg.body as DbRequest);
        return;
      case 'subscribe': {
        const b = msg.body as { fromLsn: number; mode: ReplicationMode };
        const id = ctx.nodeId(msg.from);
        if (p.role !== 'primary') {
          ctx.send(id, 'not-primary', { epoch: p.epoch }, HEADER_BYTES);
          return;
        }
        const s = v.followers[id] ?? (v.followers[id] = { mode: b.mode, sentLsn: 0, ackedLsn: 0 });
        s.mode = b.mode;
        s.sentLsn = s.ackedLsn = Math.min(b.fromLsn - 1, p.lsn);
        pump(ctx, id, s);
        return;
      }
      case 'ack': {
        const id = ctx.nodeId(msg.from);
        const s = v.followers[id];
        if (!s) return;
        const lsn = (msg.body as { lsn: number }).lsn;
        if (lsn > s.ackedLsn) s.ackedLsn = lsn;
        pump(ctx, id, s);
        return;
      }
      case 'entries': {
        if (p.role === 'primary' || ctx.nodeId(msg.from) !== p.follow) return;
        v.lastHeardUs = ctx.nowUs;
        applyEntries(ctx, p.follow, msg.body as Entries);
        return;
      }
      case 'snapshot': {
        if (p.role === 'primary' || ctx.nodeId(msg.from) !== p.follow) return;
        const b = msg.body as Pick<P, 'epoch' | 'lsn' | 'values' | 'versions' | 'logStart' | 'logKeys' | 'logValues' | 'logEpochs'>;
        if (b.lsn <= p.lsn) return;
        v.lastHeardUs = ctx.nowUs;
        // Copied again on arrival: the in-flight body must never alias this node's data.
        p.values = { ...b.values };
        p.versions = { ...b.versions };
        p.logStart = b.logStart;
        p.logKeys = b.logKeys.slice();
        p.logValues = b.logValues.slice();
        p.logEpochs = b.logEpochs.slice();
        p.lsn = b.lsn;
        p.epoch = Math.max(p.epoch, b.epoch);
        ctx.log(`loaded a snapshot at lsn ${b.lsn}`);
        ctx.send(p.follow!, 'ack', { lsn: p.lsn }, HEADER_BYTES);
        return;
      }
      case 'promote': {
        const err = promote(ctx, (msg.body as { epoch: number }).epoch);
        if (err) ctx.log(`promotion refused: ${err}`);
        return;
      }
      case 'follow': {
        const err = follow(ctx, (msg.body as { node: string }).node);
        if (err) ctx.log(`re-point refused: ${err}`);
        return;
      }
      case 'ping': {
        ctx.send(ctx.nodeId(msg.from), 'pong', { role: p.role, lsn: p.lsn, epoch: p.epoch, ...(msg.body as object) }, HEADER_BYTES);
        return;
      }
    }
  },

  onTimer(ctx, name) {
    const v = ctx.v as V;
    const p = ctx.p as P;
    if (name === 'served') {
      served(ctx);
    } else if (name === 'follower-tick') {
      if (p.role === 'primary') return;
      if (ctx.nowUs - v.lastHeardUs >= RESUBSCRIBE_US) startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, 'follower-tick');
    }
  },

  onCommand(ctx, verb, args) {
    if (verb === 'promote') return promote(ctx, (args?.epoch as number | undefined) ?? 0);
    if (verb === 'follow') return follow(ctx, args?.node as string);
    return `a database does not take '${verb}'`;
  },

  onQuery(ctx, question) {
    const p = ctx.p as P;
    if (question === 'role') return p.role;
    if (question === 'lsn') return p.lsn;
    return undefined;
  },

  sample(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V;
    return { lsn: p.lsn, served: v.served, rejected: v.rejected, queued: fifoSize(v.cpu), queueMs: Math.max(0, v.cpuFreeUs - ctx.nowUs) / 1000 };
  },

  view(ctx) {
    const p = ctx.p as P;
    const v = ctx.v as V | null;
    return {
      summary: `${p.role}, lsn ${p.lsn}${p.follow ? `, follows ${p.follow}` : ''}`,
      detail: {
        role: p.role,
        epoch: p.epoch,
        lsn: p.lsn,
        follow: p.follow,
        keys: Object.keys(p.values).length,
        followers: v ? Object.fromEntries(Object.entries(v.followers).map(([id, s]) => [id, { acked: s.ackedLsn, mode: s.mode }])) : {},
        queued: v ? fifoSize(v.cpu) : 0,
      },
    };
  },
};
