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
//
// The files here, one concern each: state.ts (state, parameters, types), cpu.ts (the cores
// and their queue), disk.ts, log.ts (the log and the data), primary.ts (serving requests,
// shipping and acknowledgement), follower.ts (apply and truncation), roles.ts (promotion,
// following, fencing, leases), commands.ts (operator commands), view.ts (samples and view).

import type { Component } from '../../kernel/component';
import { roll } from '../../metrics/histogram';
import { DATABASE_DEFAULTS, FOLLOWER_TICK_US, HEADER_BYTES, ROLL_US, freshVolatile, type Database } from './state';
import { reveal, copyEpochs, emptyLogAndData } from './log';
import { tableCopy } from '../../kernel/table';
import { checkDisk } from './disk';
import { enqueue, finishRequest, served } from './cpu';
import { onAck, onSubscribe, semiSyncWaitOver, sendKeepalives, shipBatch, throttleRefilled } from './primary';
import { applied, followerTick, onEntries, onKeepalive, onSnapshot, onTruncate, startFollowing } from './follower';
import { stepDown } from './roles';
import { onCommand, onConfigure } from './commands';
import { footprint, sample, view } from './view';

export { DATABASE_DEFAULTS };
export { forkEnd } from './log';
export type { DbPersisted, DbVolatile, EpochStart } from './state';
export type { DbReply, DbRequest, DbSnapshotData, Entries } from '../../protocol';

export const database: Component<Database> = {
  kind: 'database',

  init(ctx) {
    const s = ctx.spec;
    ctx.p = {
      role: s.role,
      epoch: 1,
      follow: s.role === 'primary' ? null : (s.replicateFrom ?? null),
      lsn: 0,
      ...emptyLogAndData(1),
      visibleLsn: 0,
      epochs: [],
      epochSeen: 1,
      fenced: false,
      leased: false,
      diskBytes: null,
      diskExtraBytes: 0,
      slow: null,
      catchupEntriesPerSec: null,
    };
    const p = ctx.p;
    ctx.v = freshVolatile(ctx, s.cacheWarmth ?? DATABASE_DEFAULTS.cacheWarmth);
    if (s.provisioned === false) {
      // Nothing runs there until an autoscaler loads a snapshot onto it (`provision`).
      p.spare = true;
      return { p, v: ctx.v };
    }
    ctx.setTimer(ROLL_US, { name: 'roll' });
    if (p.role === 'primary') {
      p.epochs.push([1, 1, ctx.id]);
      ctx.mark('role', { role: 'primary', epoch: 1, lsn: 0, epochs: copyEpochs(p.epochs) });
    } else {
      startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, { name: 'follower-tick' });
    }
    return { p, v: ctx.v };
  },

  recover(ctx) {
    // Its memory is new: the buffer cache starts cold.
    ctx.v = freshVolatile(ctx, 0);
    const p = ctx.p;
    if (p.spare) return ctx.v;
    // Whatever reached its log is durable: on restart it replays all of it.
    reveal(p, p.lsn);
    ctx.log(`recovering at lsn ${p.lsn} as ${p.fenced ? 'fenced ' : ''}${p.role}`);
    if (checkDisk(ctx)) return ctx.v;
    ctx.setTimer(ROLL_US, { name: 'roll' });
    if (p.role !== 'primary') {
      startFollowing(ctx);
      ctx.setTimer(FOLLOWER_TICK_US, { name: 'follower-tick' });
    }
    return ctx.v;
  },

  // A restore replaces its data directory: started before the restore is done, the server
  // would find half a data directory (pgBackRest refuses to restore under a running server,
  // and a server will not start on one being restored). It starts when the restore ends.
  startRefusal(ctx) {
    const p = ctx.p;
    if (!p.restoring) return undefined;
    return `a backup of ${p.restoringFrom ?? 'another database'} is still being restored onto it; it starts when the restore is done`;
  },

  onMessage(ctx, msg) {
    const p = ctx.p;
    if (p.spare) return; // an empty machine slot: nothing listens
    const arrivedUs = ctx.nowUs;
    const from = msg.from;
    switch (msg.type) {
      // What needs the serving thread waits for a core.
      case 'request':
        return enqueue(ctx, { type: 'request', body: msg.body, from, arrivedUs });
      case 'ping':
        return enqueue(ctx, { type: 'ping', body: msg.body, from, arrivedUs });
      case 'promote':
        return enqueue(ctx, { type: 'promote', body: msg.body, from, arrivedUs });
      case 'follow':
        return enqueue(ctx, { type: 'follow', body: msg.body, from, arrivedUs });
      case 'fence':
        return enqueue(ctx, { type: 'fence', body: msg.body, from, arrivedUs });
      case 'scrape':
        // Metrics come from an agent beside the database, not from its busy cores.
        ctx.send(from, 'metrics', { values: sample(ctx) }, HEADER_BYTES);
        return;
      case 'subscribe':
        return onSubscribe(ctx, from, msg.body);
      case 'ack':
        return onAck(ctx, ctx.nodeId(from), msg.body);
      case 'entries':
        return onEntries(ctx, ctx.nodeId(from), msg.body);
      case 'truncate':
        return onTruncate(ctx, ctx.nodeId(from), msg.body.toLsn);
      case 'snapshot':
        return onSnapshot(ctx, ctx.nodeId(from), msg.body);
      case 'stale-epoch':
        if (p.role === 'primary') stepDown(ctx, `${ctx.nodeId(from)} follows a newer epoch (${msg.body.epoch})`);
        return;
      case 'not-primary':
        return; // the follower-tick subscribes again; the orchestrator will re-point us
      case 'keepalive':
        return onKeepalive(ctx, ctx.nodeId(from), msg.body);
    }
  },

  onTimer(ctx, timer) {
    switch (timer.name) {
      case 'served':
        return served(ctx, timer.data.data);
      case 'slow-done':
        return finishRequest(ctx, timer.data);
      case 'throttle':
        return throttleRefilled(ctx);
      case 'roll':
        roll(ctx.v.latency);
        ctx.setTimer(ROLL_US, { name: 'roll' });
        // The replication thread's heartbeat (MySQL's master heartbeat) rides on the same
        // one-second tick, so a follower waiting for a long catch-up read does not give up on
        // its primary and subscribe again.
        return sendKeepalives(ctx);
      case 'applied':
        return applied(ctx);
      case 'ship':
        return shipBatch(ctx);
      case 'semi-sync-wait':
        return semiSyncWaitOver(ctx);
      case 'follower-tick':
        return followerTick(ctx);
    }
  },

  onCommand,
  onConfigure,

  queries: {
    role: (ctx) => (ctx.p.fenced ? 'fenced' : ctx.p.role),
    lsn: (ctx) => (ctx.p.spare ? undefined : ctx.p.lsn),
    snapshot(ctx) {
      const p = ctx.p;
      if (p.spare) return undefined;
      // A consistent copy of what reads see now, as a storage snapshot takes it (copied: the
      // taker keeps it while this node's data moves on).
      return { epoch: p.epoch, lsn: p.visibleLsn, data: tableCopy(p.data), epochs: copyEpochs(p.epochs) };
    },
  },

  sample,
  view,
  footprint,
};
