// The primary's side: serving client requests (reads, and writes into the log), shipping the
// log to its followers within their windows (from memory, or read from disk for a follower
// catching up, within the catch-up throttle), and acknowledging each write once its ack rule
// is met (async, semi-sync or sync, per follower).

import type { AckBody, DbReply, DbRequest, Entries, SubscribeBody } from '../../protocol';
import { fifoPeek, fifoPush, fifoShift } from '../../kernel/fifo';
import {
  BATCH_ENTRIES,
  DATABASE_DEFAULTS,
  ENTRY_BYTES,
  HEADER_BYTES,
  RECENT_ENTRIES,
  REQUEST_BYTES,
  ROLL_US,
  catchupUs,
  shipUs,
  type C,
  type FollowerSession,
  type ShipRead,
  type SnapshotRead,
} from './state';
import { append, forkEnd, reveal, copyEpochs, logKeyAt, logValueAt, valueOf } from './log';
import { seqCopy, seqSlice } from '../../kernel/seq';
import { tableCopy, tableSetPair } from '../../kernel/table';
import { checkDisk } from './disk';
import { cancelReads, enqueueOwn } from './cpu';
import { stepDown } from './roles';

export function reply(ctx: C, to: number, r: DbReply): void {
  ctx.send(to, 'reply', r, REQUEST_BYTES);
}

export function refuse(ctx: C, from: number, req: DbRequest, error: string): void {
  ctx.v.rejected++;
  reply(ctx, from, { n: req.n, r: req.r, ok: false, error });
}

/** A client request has had its turn on a core: read, or write into the log. */
export function serve(ctx: C, from: number, req: DbRequest): void {
  const p = ctx.p;
  const v = ctx.v;
  if (req.f === 'read') {
    const value = valueOf(p, req.key);
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
  if (every === 0) pumpAll(ctx);
  else if (!v.shipArmed) {
    v.shipArmed = true;
    ctx.setTimer(every, { name: 'ship' });
  }
  fifoPush(v.waiting, { lsn: p.lsn, from, req, sinceUs: ctx.nowUs });
  release(ctx);
}

/** Send every follower what it lacks. */
export function pumpAll(ctx: C): void {
  const v = ctx.v;
  for (const id in v.followers) pump(ctx, id, v.followers[id]);
}

/** A batched shipment is due: release the log written since the last one. */
export function shipBatch(ctx: C): void {
  ctx.v.shipArmed = false;
  ctx.v.shippedLsn = ctx.p.lsn;
  pumpAll(ctx);
}

/**
 * Send a follower what it lacks, within its window and what has been released for shipping.
 * Recent entries are in memory and go out at once; older ones (a follower catching up) must
 * be read from disk first, on the node's cores like any other work, within the catch-up
 * throttle if there is one.
 */
function pump(ctx: C, id: string, s: FollowerSession): void {
  const p = ctx.p;
  const v = ctx.v;
  if (s.snapshotPending) return;
  const upTo = shipUs(ctx) === 0 ? p.lsn : v.shippedLsn;
  const window = ctx.spec.replicationWindowEntries ?? DATABASE_DEFAULTS.replicationWindowEntries;
  while (s.sentLsn < upTo && s.sentLsn - s.receivedLsn < window) {
    const from = s.sentLsn + 1;
    if (from < p.logStart) {
      // The follower needs entries the log no longer holds: it gets the whole data set,
      // read from disk on the node's cores like any other work.
      const perKeyUs = catchupUs(ctx);
      ctx.log(`${id} is behind the retained log (needs lsn ${from}, log starts at ${p.logStart}): sending a snapshot`);
      if (perKeyUs === 0) sendSnapshot(ctx, id, s);
      else {
        s.snapshotPending = true;
        enqueueOwn(ctx, { type: 'snapshot-read', body: { follower: id, gen: s.gen, costUs: Math.max(1, p.data.size) * perKeyUs } });
      }
      return;
    }
    let to = Math.min(upTo, from + BATCH_ENTRIES - 1, s.receivedLsn + window);
    const perEntryUs = catchupUs(ctx);
    if (from > p.lsn - RECENT_ENTRIES || perEntryUs === 0) {
      // In memory: ready at once, though it waits for any older range still being read.
      s.sentLsn = to;
      if (s.ready.length === 0 && from === s.nextLsn) {
        // Nothing older is being read: out now (what flushReady would do, without the list).
        sendEntries(ctx, id, from, to);
        s.nextLsn = to + 1;
      } else {
        s.ready.push([from, to]);
        flushReady(ctx, id, s);
      }
      continue;
    }
    const allowed = throttleAllows(ctx, to - from + 1);
    if (allowed === 0) return;
    to = from + allowed - 1;
    // Reserve the range now; it leaves once a core has read it.
    s.sentLsn = to;
    enqueueOwn(ctx, { type: 'ship', body: { follower: id, gen: s.gen, from, to, costUs: (to - from + 1) * perEntryUs } });
  }
}

/**
 * Send a follower the whole data set as of now. The log after it goes out next, in order: what
 * was sent or read for it before is covered by the snapshot.
 */
function sendSnapshot(ctx: C, id: string, s: FollowerSession): void {
  const p = ctx.p;
  s.snapshotPending = false;
  s.sentLsn = p.lsn;
  s.nextLsn = p.lsn + 1;
  s.ready = [];
  // Copies (sharing pages and chunks, each side copying before it writes): a message body
  // must not change while it is in flight. It holds the whole log up to p.lsn, so entries not
  // yet visible here are applied to the copy.
  const data = tableCopy(p.data);
  for (let l = p.visibleLsn + 1; l <= p.lsn; l++) tableSetPair(data, logKeyAt(p, l - p.logStart), logValueAt(p, l - p.logStart), l);
  const body = {
    epoch: p.epoch,
    lsn: p.lsn,
    data,
    logStart: p.logStart,
    logKeys: seqCopy(p.logKeys),
    logValues: seqCopy(p.logValues),
    logEpochs: seqCopy(p.logEpochs),
    epochs: copyEpochs(p.epochs),
  };
  ctx.send(id, 'snapshot', body, HEADER_BYTES + data.size * ENTRY_BYTES);
}

function sendEntries(ctx: C, id: string, from: number, to: number): void {
  const p = ctx.p;
  const a = from - p.logStart;
  const b = to - p.logStart + 1;
  const batch: Entries = {
    epoch: p.epoch,
    fromLsn: from,
    keys: seqSlice(p.logKeys, a, b),
    values: seqSlice(p.logValues, a, b),
    epochs: seqSlice(p.logEpochs, a, b),
    // Only the epochs that start inside the batch: the follower extends its own history.
    history: [],
  };
  for (const e of p.epochs) if (e[1] >= from && e[1] <= to) batch.history.push([e[0], e[1], e[2]]);
  ctx.send(id, 'entries', batch, HEADER_BYTES + (b - a) * ENTRY_BYTES);
}

/** A core has read old log for a follower: it goes out once everything before it has. */
export function shipRead(ctx: C, b: ShipRead): void {
  const s = ctx.v.followers[b.follower];
  // (A range a snapshot has covered since it was queued is not sent.)
  if (!s || s.gen !== b.gen || ctx.p.role !== 'primary' || b.to < s.nextLsn) return;
  s.ready.push([b.from, b.to]);
  flushReady(ctx, b.follower, s);
}

/** A core has read the whole data set for a follower: it goes out, if that follower still wants it. */
export function snapshotRead(ctx: C, b: SnapshotRead): void {
  const s = ctx.v.followers[b.follower];
  if (s?.gen !== b.gen || ctx.p.role !== 'primary') return;
  sendSnapshot(ctx, b.follower, s);
  pump(ctx, b.follower, s);
}

/** Send the ranges that are ready, in LSN order: reads finishing out of order wait their turn. */
/** The index of the range starting at `lsn` among those read, or -1 (a loop: findIndex made a closure per call, per shipment). */
function readyAt(ready: readonly [number, number][], lsn: number): number {
  for (let k = 0; k < ready.length; k++) if (ready[k][0] === lsn) return k;
  return -1;
}

function flushReady(ctx: C, id: string, s: FollowerSession): void {
  const p = ctx.p;
  for (let k = readyAt(s.ready, s.nextLsn); k >= 0; k = readyAt(s.ready, s.nextLsn)) {
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
function throttleAllows(ctx: C, want: number): number {
  const p = ctx.p;
  const v = ctx.v;
  const rate = p.catchupEntriesPerSec ?? ctx.spec.catchupEntriesPerSec ?? DATABASE_DEFAULTS.catchupEntriesPerSec;
  if (rate <= 0) return want;
  // A token bucket holding a tenth of a second of entries.
  const burst = Math.max(BATCH_ENTRIES, rate / 10);
  v.tokens = Math.min(burst, v.tokens + ((ctx.nowUs - v.tokensAtUs) * rate) / 1e6);
  v.tokensAtUs = ctx.nowUs;
  const n = Math.min(want, Math.floor(v.tokens));
  if (n < Math.min(want, BATCH_ENTRIES)) {
    if (!v.throttleArmed) {
      v.throttleArmed = true;
      ctx.setTimer(Math.ceil(((Math.min(want, BATCH_ENTRIES) - v.tokens) * 1e6) / rate), { name: 'throttle' });
    }
    return 0;
  }
  v.tokens -= n;
  return n;
}

/** The throttle has tokens again: go on shipping. */
export function throttleRefilled(ctx: C): void {
  ctx.v.throttleArmed = false;
  if (ctx.p.role === 'primary') pumpAll(ctx);
}

/**
 * The followers configured to follow this node synchronously or semi-synchronously. The
 * scenario does not change during a run, so this is worked out once per node.
 */
const configuredFollowers = new WeakMap<object, { sync: string[]; semi: string[] }>();
function configured(ctx: C): { sync: string[]; semi: string[] } {
  let c = configuredFollowers.get(ctx.spec);
  if (!c) {
    c = { sync: [], semi: [] };
    for (const id of ctx.nodesOfKind('database')) {
      const s = ctx.nodeSpec(id);
      if (s?.kind !== 'database' || s.replicateFrom !== ctx.id || id === ctx.id) continue;
      if (s.replication === 'sync') c.sync.push(id);
      else if (s.replication === 'semi-sync') c.semi.push(id);
    }
    configuredFollowers.set(ctx.spec, c);
  }
  return c;
}

/** The sync and semi-sync followers this primary must wait for, configured or connected. */
function ackRule(ctx: C): { sync: string[]; semi: string[] } {
  const v = ctx.v;
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
export function release(ctx: C): void {
  const v = ctx.v;
  const p = ctx.p;
  const { sync, semi } = ackRule(ctx);
  if (sync.length === 0 && semi.length === 0) {
    // Asynchronous only: acknowledge at once.
    for (let w = fifoShift(v.waiting); w; w = fifoShift(v.waiting)) {
      v.ackedLsn = w.lsn;
      reveal(p, w.lsn);
      reply(ctx, w.from, { n: w.req.n, r: w.req.r, ok: true, lsn: w.lsn, epoch: p.epoch });
    }
    return;
  }
  const semiTimeoutUs = (ctx.spec.semiSyncTimeoutMs ?? DATABASE_DEFAULTS.semiSyncTimeoutMs) * 1000;
  /** The head waits for a semi-sync confirmation (not for a sync follower): its timeout is what may release it. */
  let waitsOnSemi = false;
  for (let w = fifoPeek(v.waiting); w; w = fifoPeek(v.waiting)) {
    let ok = true;
    for (const id of sync) if ((v.followers[id]?.ackedLsn ?? -1) < w.lsn) ok = false;
    if (ok && semi.length > 0 && !v.semiSyncDegraded) {
      if (anyReceived(ctx, semi, w.lsn)) ok = true;
      else if (ctx.nowUs - w.sinceUs >= semiTimeoutUs) {
        v.semiSyncDegraded = true;
        ctx.log(`semi-sync: no follower confirmed lsn ${w.lsn} within ${semiTimeoutUs / 1000} ms; acknowledging without it (async) until one catches up`);
        ctx.mark('semi-sync-off', { lsn: w.lsn });
      } else {
        ok = false;
        waitsOnSemi = true;
      }
    }
    if (!ok) break;
    fifoShift(v.waiting);
    v.ackedLsn = w.lsn;
    reveal(p, w.lsn);
    reply(ctx, w.from, { n: w.req.n, r: w.req.r, ok: true, lsn: w.lsn, epoch: p.epoch });
  }
  if (v.semiSyncDegraded && anyReceived(ctx, semi, p.lsn)) {
    v.semiSyncDegraded = false;
    ctx.log('semi-sync: a follower caught up; waiting for confirmations again');
  }
  // Only a wait for semi-sync runs out by itself. A head held by a sync follower is released
  // by that follower's ack (its semi-sync timeout, already past, is then checked at once): a
  // timer for it would fire again and again at the same instant.
  const head = fifoPeek(v.waiting);
  if (head && waitsOnSemi && !v.waitTimerArmed) {
    v.waitTimerArmed = true;
    ctx.setTimer(head.sinceUs + semiTimeoutUs - ctx.nowUs, { name: 'semi-sync-wait' });
  }
}

/** A semi-sync wait may have run out: acknowledge what can be. */
export function semiSyncWaitOver(ctx: C): void {
  ctx.v.waitTimerArmed = false;
  release(ctx);
}

function anyReceived(ctx: C, ids: string[], lsn: number): boolean {
  for (const id of ids) if ((ctx.v.followers[id]?.receivedLsn ?? -1) >= lsn) return true;
  return false;
}

/** A follower subscribes from `fromLsn`: check its lineage against this one, then stream to it. */
export function onSubscribe(ctx: C, from: number, b: SubscribeBody): void {
  const p = ctx.p;
  const v = ctx.v;
  const id = ctx.nodeId(from);
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
  const s = v.followers[id] ?? (v.followers[id] = { gen: 0, mode: b.mode, sentLsn: 0, nextLsn: 1, ready: [], receivedLsn: 0, ackedLsn: 0, heardUs: 0, snapshotPending: false });
  // A new subscription supersedes the old one: its queued reads are dropped, not paid for.
  const oldGen = s.gen++;
  cancelReads(ctx, id, oldGen);
  s.mode = b.mode;
  s.sentLsn = s.receivedLsn = Math.min(b.fromLsn - 1, p.lsn);
  s.nextLsn = s.sentLsn + 1;
  s.ready = [];
  s.snapshotPending = false;
  s.ackedLsn = Math.min(s.ackedLsn, s.receivedLsn);
  s.heardUs = ctx.nowUs;
  pump(ctx, id, s);
  release(ctx);
}

/** A follower confirms what it has received and applied: ship more, acknowledge what that allows. */
export function onAck(ctx: C, sender: string, b: AckBody): void {
  const p = ctx.p;
  const s = ctx.v.followers[sender];
  if (!s || p.role !== 'primary') return;
  if (b.epoch > p.epoch && p.leased) return stepDown(ctx, `${sender} has seen epoch ${b.epoch}`);
  if (b.lsn > s.ackedLsn) s.ackedLsn = b.lsn;
  if (b.received > s.receivedLsn) s.receivedLsn = b.received;
  s.heardUs = ctx.nowUs;
  pump(ctx, sender, s);
  release(ctx);
}

/**
 * The replication thread's heartbeat: followers waiting for a long catch-up read know the
 * primary lives. It says how far it has sent, so a follower that lacks some of that (lost on
 * the way) does not take it for a sign of life, and subscribes again from what it has.
 * A follower that has gone a whole beat without acking while entries sent to it are
 * unconfirmed is asked for an ack (as PostgreSQL's keepalive asks for a reply): the follower
 * may have them all and its acks been lost, and without one the primary's window stays full
 * and its sync writes wait, for good.
 */
export function sendKeepalives(ctx: C): void {
  const p = ctx.p;
  if (p.role !== 'primary') return;
  const followers = ctx.v.followers;
  for (const id in followers) {
    const s = followers[id];
    const sent = s.nextLsn - 1;
    const reply = sent > s.ackedLsn && ctx.nowUs - s.heardUs >= ROLL_US;
    ctx.send(id, 'keepalive', { epoch: p.epoch, sentLsn: sent, reply }, HEADER_BYTES);
  }
}
