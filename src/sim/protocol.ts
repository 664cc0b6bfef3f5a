// What passes between components, in one place: the messages they send each other over the
// network (a type name and its body), the operator commands the kernel, faults and other
// components give them out of band, and the questions they answer out of band.
//
// Each message type name has exactly one body type here, so a sender and every receiver
// agree on it: a component narrows an incoming message by its `type` and gets the body's
// type with it, and a body that does not match its type name fails `tsc` at the sender.
// Type names are also what the trace hash mixes in for a delivery, so they are stable.

import type { ReplicationMode, Role } from './spec';
import type { Seq } from './kernel/seq';
import type { Table } from './kernel/table';

// ---- database requests (clients, caches and workers speak this protocol) ----------------

/** A client's request as it travels. */
export interface DbRequest {
  /**
   * The node index of the client whose operation this is (a cache forwards it unchanged):
   * with `n`, it names the operation `<client>#<n>` for the stage. A number, not that string:
   * a string made per request was garbage to collect for every request of a run.
   */
  client: number;
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

// ---- replication ------------------------------------------------------------------------

/** An epoch of the history: [epoch, its first LSN, the node that started it]. */
export type EpochStart = [number, number, string];

/** A follower asks its primary for the log from `fromLsn` on. */
export interface SubscribeBody {
  fromLsn: number;
  /** The follower's epoch history, for the primary to find where their lineages fork. */
  history: EpochStart[];
  mode: ReplicationMode;
  /** The highest epoch the follower has heard of. */
  epoch: number;
}

/** A batch of log entries from `fromLsn` on, as the primary ships them. */
export interface Entries {
  epoch: number;
  fromLsn: number;
  keys: string[];
  values: number[];
  epochs: number[];
  /** Only the epochs that start inside the batch: the follower extends its own history. */
  history: EpochStart[];
}

/** A follower confirms what it has applied (`lsn`) and what it has received. */
export interface AckBody {
  lsn: number;
  received: number;
  epoch: number;
}

/** A consistent copy of a database's data, as the `snapshot` query gives it. */
export interface DbSnapshotData {
  epoch: number;
  lsn: number;
  /** key -> [value, the LSN that wrote it]; a copy that shares pages with its source (table.ts). */
  data: Table;
  epochs: EpochStart[];
}

/**
 * A primary's whole data and retained log, for a follower behind the retained log. Entries
 * not yet visible on the primary are already applied to `values` (they are in the log).
 */
export interface SnapshotBody extends DbSnapshotData {
  logStart: number;
  /** The retained log's columns, copies sharing their full chunks with the primary's (seq.ts). */
  logKeys: Seq<string>;
  logValues: Seq<number>;
  logEpochs: Seq<number>;
}

/** A database's answer to a heartbeat: what it believes it is. */
/**
 * A primary's replication heartbeat: its epoch, how far it has sent this follower, and whether
 * it wants an ack back (it has heard nothing from the follower for a while with entries
 * unconfirmed: an ack may have been lost).
 */
export interface KeepaliveBody {
  epoch: number;
  sentLsn: number;
  reply: boolean;
}

export interface PongBody {
  role: Role;
  lsn: number;
  epoch: number;
  follow: string | null;
  fenced: boolean;
}

/** A heartbeat: with fencing, it carries the orchestrator's epoch and a lease. */
export interface PingBody {
  epoch?: number;
  leaseUntilUs?: number;
}

// ---- jobs (queue and worker daemons) ------------------------------------------------------

/** A daemon of a worker node asks for a job (`t` numbers its takes). */
export interface TakeBody {
  d: number;
  t: number;
  claim: boolean;
}

export interface JobBody {
  d: number;
  t: number;
  id: string;
  atUs: number;
}

/** A daemon's message about a job: lock it, it is done, let it go; or the lock is granted. */
export interface DaemonJobBody {
  d: number;
  id: string;
}

/** Every message type name with its body. */
export interface Bodies {
  request: DbRequest;
  reply: DbReply;
  /** Heartbeats (orchestrator, balancer health checks) and their answers. */
  ping: PingBody;
  pong: PongBody;
  /** Orchestrator to database: become primary, follow another, stop taking writes. */
  promote: { epoch: number };
  follow: { node: string; epoch: number };
  fence: { epoch: number };
  subscribe: SubscribeBody;
  entries: Entries;
  ack: AckBody;
  truncate: { toLsn: number; epoch: number };
  snapshot: SnapshotBody;
  'not-primary': { epoch: number };
  'stale-epoch': { epoch: number };
  keepalive: KeepaliveBody;
  /** A scraper (monitor, autoscaler) asks for a node's numbers; the node answers. */
  scrape: Record<string, never>;
  metrics: { values: Record<string, number> };
  enqueue: { id: string };
  take: TakeBody;
  job: JobBody;
  empty: { d: number; t: number };
  lock: DaemonJobBody;
  locked: DaemonJobBody;
  done: DaemonJobBody;
  release: DaemonJobBody;
}

export type MessageType = keyof Bodies;

// ---- commands -----------------------------------------------------------------------------

/**
 * An operator's verb on a running process (from a fault, or from another component, as an
 * orchestrator's API call): refused when the process is not running.
 */
export type Command =
  | { verb: 'promote'; epoch?: number }
  | { verb: 'follow'; node: string; epoch?: number }
  | { verb: 'demote'; node?: string }
  | { verb: 'fence' }
  | { verb: 'throttle'; entriesPerSec: number }
  | { verb: 'slow-queries'; keys: string[]; hottest: number; factor: number }
  | { verb: 'refresh-statistics' }
  /** An autoscaler loads a snapshot onto a spare database. */
  | { verb: 'provision'; snapshot: DbSnapshotData | null }
  | { verb: 'managed-failover'; to?: string }
  /** A new primary claims the role endpoints, with its epoch (a late claim from an older one loses). */
  | { verb: 'claim'; node: string; epoch: number }
  | { verb: 'add-workers'; count: number }
  | { verb: 'fix-race' }
  | { verb: 'attach'; node: string }
  | { verb: 'detach'; node: string }
  | { verb: 'add-replica' };

/**
 * A change to a node's machine or its configuration rather than its process: done even while
 * it is down (or paused), and found by the process when it runs again.
 */
export type Configure =
  /** Where a client sends requests, or where an endpoint resolves: its configuration (a file, a DNS record). */
  | { verb: 'repoint'; to: string }
  /** A client's connection pool size: its configuration. */
  | { verb: 'resize-pool'; poolSize: number }
  /** A client's traffic multiplied: the users', which come whatever state its process is in. */
  | { verb: 'surge'; factor: number }
  | { verb: 'resize-disk'; bytes: number }
  /** Space taken (or freed, when negative) on the disk by something else. */
  | { verb: 'fill-disk'; bytes: number }
  /** `restore-backup`: take the backup now, load it when the restore ends. */
  | { verb: 'restore-take'; from: string }
  | { verb: 'restore-load' };

export type Verb = Command['verb'] | Configure['verb'];

// ---- queries ------------------------------------------------------------------------------

/**
 * Out-of-band questions (a DNS lookup, a storage snapshot) and how a component answers
 * them: one method per question, each with its answer's type. Methods, so a component's
 * handlers (typed for its own context) fit the kernel's generic table.
 */
export interface QueryHandlers<C> {
  /** A database's role: `primary`, `replica`, `standby` or `fenced`. */
  role?(ctx: C): string | undefined;
  /** A database's log position (undefined for a spare). */
  lsn?(ctx: C): number | undefined;
  /** A consistent copy of what reads see now. */
  snapshot?(ctx: C): DbSnapshotData | undefined;
  /** An endpoint's record, or the balancer's pick for the next request ('' for none). */
  resolve?(ctx: C): string | undefined;
  /** The databases a balancer routes to. */
  attached?(ctx: C): string[] | undefined;
}

export type Question = keyof QueryHandlers<unknown>;

export type Answer<Q extends Question> = ReturnType<NonNullable<QueryHandlers<unknown>[Q]>>;
