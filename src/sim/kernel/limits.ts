// Every run is bounded, so a runaway scenario stops with a sentence instead of hanging the
// worker, the CLI or the page, or exhausting their memory. Each thing that grows with the run
// has a written limit, checked as it grows (on counts kept anyway, never by serialising):
//
// | what grows                                     | limit                                   | checked           |
// |------------------------------------------------|-----------------------------------------|-------------------|
// | events executed                                | Limits.maxEvents (a scenario may set it) | after each event  |
// | events pending: timers, messages in flight,    | Limits.maxPendingEvents                 | at each schedule  |
// |   messages queued on a link (they are events)  |                                         |                   |
// | a database's CPU queue, its queue of writes    | STRUCTURE_LIMITS (below), by name       | at each push      |
// |   waiting for replication, its apply queue; a  |                                         |                   |
// |   client's connection pool queue; a cache's    |                                         |                   |
// |   eviction order; any other kernel Fifo        |                                         |                   |
// | a database's retained log and its keys         | logRetainEntries (its parameter), then  | at each append    |
// |                                                |   STRUCTURE_LIMITS.log and .data        |                   |
// | a client's attempts in flight, a cache's reads | MAX_PENDING beside each (10,000): the   | at each request   |
// |   waiting on its backend                       |   request fails, it is not a stop       |                   |
// | a job queue's jobs                             | maxJobs (its parameter): dropped, counted | at each job     |
// | the world state as a whole (estimated bytes)   | Limits.maxStateBytes, from each         | every 4,096       |
// |                                                |   component's `footprint`               |   events          |
// | client history entries                         | Limits.maxHistoryEntries                | at each entry     |
// | log lines, marks, metric samples               | maxLogEntries, maxMarks, maxSamples     | at each entry     |
// | checkpoints                                    | CheckpointPolicy.maxCount and maxBytes (checkpoints.ts): thinned, never a stop |
//
// The checks run at deterministic points, so the same scenario and seed stop at the same
// event everywhere (Node, Chromium, with or without checkpoints).
//
// The sentence says what passed which limit, where and when: "db1's CPU queue passed its
// limit of 200,000 waiting requests at t = 12.3 s".
//
// Memory: a run stops at the first limit it reaches, and the state budget (256 MiB of
// estimated state) comes before any queue's own limit can be reached in many places at once.
// Beside the state: pending events at most 1,000,000 x ~320 B, the history 5,000,000 x 43 B,
// samples 1,000,000 x ~200 B, checkpoints 192 MiB. A run stopped by a limit stays under 1 GB.

export interface Limits {
  /** Events executed in a whole run. At about a million events a second this is ~20 s of CPU. */
  maxEvents: number;
  /** Events waiting in the queue at once (timers and messages in flight). */
  maxPendingEvents: number;
  /** Entries in the client history. */
  maxHistoryEntries: number;
  /** Lines in the run's log. */
  maxLogEntries: number;
  /** Marks (role changes, faults, detections...). */
  maxMarks: number;
  /** Metric samples (one per node up, per sampling tick). */
  maxSamples: number;
  /**
   * The world state's estimated size: what the components report holding (their
   * `footprint`) plus the pending events. Checked every STATE_CHECK_EVERY events.
   */
  maxStateBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEvents: 20_000_000,
  maxPendingEvents: 1_000_000,
  maxHistoryEntries: 5_000_000,
  maxLogEntries: 200_000,
  maxMarks: 200_000,
  maxSamples: 1_000_000,
  maxStateBytes: 256 * 1024 * 1024,
};

/** How often (in events) the world state's estimated size is added up. */
export const STATE_CHECK_EVERY = 4096;
/** Estimated bytes of one pending event, its message and a small body. */
export const PENDING_EVENT_BYTES = 320;

/** A bound on one structure inside a component: a queue, a retained log, a table. */
export interface StructureLimit {
  max: number;
  /** What it is, as in "db1's <what>". */
  what: string;
  /** What it holds, as in "its limit of 200,000 <items>". */
  items: string;
}

/**
 * The structures components keep, each with its bound. A queue of 200,000 requests holds
 * about 50 MB; no lesson needs that many (the heaviest built-in, catchup-storm, peaks near
 * 53,000 waiting in its master's CPU queue).
 */
export const STRUCTURE_LIMITS = {
  queue: { max: 200_000, what: 'queue', items: 'waiting items' },
  cpu: { max: 200_000, what: 'CPU queue', items: 'waiting requests' },
  /** A follower's received entries waiting for its apply thread: at most the replication window (10 M at most). */
  apply: { max: 10_000_000, what: 'apply queue', items: 'received log entries' },
  commitWait: { max: 200_000, what: 'queue of writes waiting for replication', items: 'writes' },
  pool: { max: 200_000, what: 'connection pool queue', items: 'waiting requests' },
  /** A cache's eviction order: up to twice its entries (1 M at most) before it is rebuilt. */
  cacheOrder: { max: 2_100_000, what: 'eviction order', items: 'entries' },
  /** A database's retained log: its own bound (logRetainEntries, 10 M at most, plus a quarter) comes first. */
  log: { max: 13_000_000, what: 'retained log', items: 'entries' },
  data: { max: 5_000_000, what: 'data', items: 'keys' },
} as const satisfies Record<string, StructureLimit>;

export type StructureLimitName = keyof typeof STRUCTURE_LIMITS;

export type AbortKind = 'limit' | 'error';

export interface Aborted {
  kind: AbortKind;
  reason: string;
  atUs: number;
}

/** Thrown inside the run loop and turned into the run's `aborted` state; never escapes it. */
export class SimAbort extends Error {
  constructor(
    readonly kind: AbortKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A structure passed its bound. Thrown where it grew, which does not know whose it is: the
 * kernel, which knows which node was running, completes the sentence.
 */
export class LimitExceeded extends SimAbort {
  constructor(readonly limit: StructureLimitName) {
    const l = STRUCTURE_LIMITS[limit];
    super('limit', `its ${l.what} passed its limit of ${count(l.max)} ${l.items}`);
  }

  /** The sentence, with the node that holds the structure. */
  sentence(holder: string, atUs: number): string {
    const l = STRUCTURE_LIMITS[this.limit];
    return `${holder}'s ${l.what} passed its limit of ${count(l.max)} ${l.items} at ${atTime(atUs)}`;
  }
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "t = 12.3 s": when a run stopped, in seconds to the millisecond. */
export function atTime(atUs: number): string {
  return `t = ${(atUs / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 3 })} s`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
}
