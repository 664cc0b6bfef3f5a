// A database's state, its parameters and its kind's types: what the other files of the
// database share. The model itself is described in index.ts.

import type { Ctx, DownCtx } from '../../kernel/component';
import type { DatabaseSpec, ReplicationMode, Role } from '../../spec';
import type { DbRequest, DbSnapshotData, EpochStart, PingBody } from '../../protocol';
import type { DatabaseDetail } from '../../views';
import { fifo, type Fifo } from '../../kernel/fifo';
import type { Seq } from '../../kernel/seq';
import type { Table } from '../../kernel/table';
import { servers, type ServedTimer, type Servers } from '../servers';
import { newWindow, type LatencyWindow } from '../../metrics/histogram';
import { DATABASE_PARAMS } from '../../params/database';
import { defaultsOf } from '../../params/param';

export const DATABASE_DEFAULTS = defaultsOf(DATABASE_PARAMS);

/** Entries in one replication message. */
export const BATCH_ENTRIES = 64;
/** A follower that has heard nothing from its primary for this long subscribes again. */
export const RESUBSCRIBE_US = 2_000_000;
export const FOLLOWER_TICK_US = 500_000;
/** The latency window rolls, and a primary's keepalives go out, this often. */
export const ROLL_US = 1_000_000;
/** Wire sizes: a request or reply, one log entry, a message's fixed overhead. */
export const REQUEST_BYTES = 120;
export const ENTRY_BYTES = 80;
export const HEADER_BYTES = 60;
/** On disk: a log entry, and a row of data. */
export const LOG_DISK_BYTES = 200;
export const ROW_DISK_BYTES = 1000;
/** The log tail kept in memory: shipping older entries means reading them from disk. */
export const RECENT_ENTRIES = 10_000;

export type { EpochStart };

/** Columns of the data table. */
export const DATA_VALUE = 0;
export const DATA_VERSION = 1;

export interface DbPersisted {
  role: Role;
  epoch: number;
  follow: string | null;
  lsn: number;
  /**
   * The retained log, in columns: entry i has LSN logStart + i. Columns of numbers and
   * shared key strings, not an object per entry: a busy primary keeps 100,000 entries, and
   * per-entry objects would all be work for the garbage collector. Each column is a Seq, so a
   * checkpoint shares all of it but the chunk being filled.
   */
  logStart: number;
  logKeys: Seq<string>;
  logValues: Seq<number>;
  logEpochs: Seq<number>;
  /**
   * The data reads see: key -> [value, the LSN that wrote it] (DATA_VALUE, DATA_VERSION). A
   * Table, so a checkpoint copies only the pages written since the last one.
   */
  data: Table;
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

export interface FollowerSession {
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
  /** When the follower last subscribed or acked. */
  heardUs: number;
  /** Its snapshot is being read from disk: nothing else goes out to it until the snapshot has. */
  snapshotPending: boolean;
}

/** Old log read from disk for a follower catching up: the range [from, to] of subscription `gen`. */
export interface ShipRead {
  follower: string;
  gen: number;
  from: number;
  to: number;
  costUs: number;
}

/** The whole data set read from disk for a follower behind the retained log. */
export interface SnapshotRead {
  follower: string;
  gen: number;
  costUs: number;
}

/** What waits for the node's cores: messages that need the serving thread, and catch-up reads. */
export type CpuJob =
  | { type: 'request'; body: DbRequest }
  | { type: 'ping'; body: PingBody }
  | { type: 'promote'; body: { epoch: number } }
  | { type: 'follow'; body: { node: string; epoch: number } }
  | { type: 'fence'; body: { epoch: number } }
  | { type: 'ship'; body: ShipRead }
  | { type: 'snapshot-read'; body: SnapshotRead };

/** A job waiting for a core: who sent it (-1: the node itself), and since when. */
export type Queued = CpuJob & { from: number; arrivedUs: number };
export type QueuedRequest = Extract<Queued, { type: 'request' }>;

/** A write applied on the primary and waiting for its acknowledgement rule. */
export interface Waiting {
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

export type DatabaseTimer =
  /** A core finished a job. */
  | ServedTimer<Queued>
  /** A slow query's reads finished (after its core time). */
  | { name: 'slow-done'; data: QueuedRequest }
  /** The catch-up throttle has tokens again. */
  | { name: 'throttle' }
  /** The latency window rolls; a primary sends keepalives. */
  | { name: 'roll' }
  /** The apply thread finished an entry. */
  | { name: 'applied' }
  /** A batched shipment of the log is due. */
  | { name: 'ship' }
  /** A semi-sync wait may have run out. */
  | { name: 'semi-sync-wait' }
  /** A follower checks that its primary is still heard from. */
  | { name: 'follower-tick' };

export type DatabaseInbox =
  | 'request'
  | 'ping'
  | 'promote'
  | 'follow'
  | 'fence'
  | 'scrape'
  | 'subscribe'
  | 'ack'
  | 'entries'
  | 'truncate'
  | 'snapshot'
  | 'stale-epoch'
  | 'not-primary'
  | 'keepalive';

export interface Database {
  spec: DatabaseSpec;
  persisted: DbPersisted;
  volatile: DbVolatile;
  timer: DatabaseTimer;
  inbox: DatabaseInbox;
  detail: DatabaseDetail;
}

export type C = Ctx<Database>;
/** The database's context where its process may not be running (`v` null). */
export type DownC = DownCtx<Database>;
export type P = DbPersisted;
export type V = DbVolatile;

/** Memory as a process starts with it: empty queues, and its log position from what it persisted. */
export function freshVolatile(ctx: C, warmth: number): V {
  const lsn = ctx.p.lsn;
  return {
    cpu: servers('cpu'),
    clientInFlight: 0,
    warmth,
    overloaded: false,
    tokens: 0,
    tokensAtUs: ctx.nowUs,
    throttleArmed: false,
    latency: newWindow(),
    followers: {},
    waiting: fifo('commitWait'),
    waitTimerArmed: false,
    semiSyncDegraded: false,
    ackedLsn: lsn,
    shipArmed: false,
    shippedLsn: lsn,
    leaseUntilUs: -1,
    leaseLost: false,
    lastHeardUs: ctx.nowUs,
    apply: fifo('apply'),
    applying: false,
    receivedLsn: lsn,
    served: 0,
    rejected: 0,
  };
}

// ---- parameters, with their defaults ----------------------------------------------------------

export function serviceUs(ctx: Pick<C, 'spec'>): number {
  return Math.round((ctx.spec.serviceMs ?? DATABASE_DEFAULTS.serviceMs) * 1000);
}

export function shipUs(ctx: Pick<C, 'spec'>): number {
  return Math.round((ctx.spec.shipIntervalMs ?? DATABASE_DEFAULTS.shipIntervalMs) * 1000);
}

export function applyUs(ctx: Pick<C, 'spec'>): number {
  return Math.round((ctx.spec.applyMs ?? DATABASE_DEFAULTS.applyMs) * 1000);
}

export function catchupUs(ctx: Pick<C, 'spec'>): number {
  return Math.round((ctx.spec.catchupMs ?? DATABASE_DEFAULTS.catchupMs) * 1000);
}

export function cores(ctx: Pick<C, 'spec'>): number {
  return ctx.spec.cores ?? DATABASE_DEFAULTS.cores;
}
