// Checkers read what a run recorded (client histories, role changes and other marks, the
// scenario's own configuration), never the components' internals, and name what went wrong
// in words a learner can follow.
//
// They stream: `feed` takes the entries appended since the last call, so the run is read
// once, not per frame. The worker feeds them the whole recording as it runs ahead and asks
// about any earlier moment: `anomalies(nowUs)` is what the checker would say had it been fed
// only what was recorded at or before `nowUs` (tests/unit/checks-as-of.test.ts holds each
// checker to that). After a rewind or a timeline change the caller starts a fresh set.

import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';

/** The anomaly vocabulary of DOMAIN.md. */
export type AnomalyKind =
  | 'lost-write'
  | 'split-brain'
  | 'stale-read'
  | 'write-rejected'
  | 'request-failed'
  | 'duplicate-effect'
  | 'undetected-outage';

export interface Anomaly {
  kind: AnomalyKind;
  /** When it began. */
  atUs: number;
  /** When it ended (for anomalies that last). */
  endUs?: number;
  nodes: string[];
  /** Operation ids involved (`app#812`), at most MAX_OPS of them. */
  ops: string[];
  /** How many instances it covers: writes lost, reads stale, requests failed... */
  count: number;
  explanation: string;
}

/** Read access to the client history without materialising it all (it can be millions of entries). */
export interface HistoryView {
  readonly length: number;
  get(i: number): HistoryEntry;
  /** An entry's type without building it (a checker set then skips invocations unbuilt). */
  typeAt?(i: number): HistoryEntry['type'];
  /** Entry i written into an existing object, every field set (absent ones to undefined). */
  readInto?(i: number, e: HistoryEntry): void;
}

export interface Checker {
  kind: AnomalyKind;
  /**
   * Take in the history entries and marks recorded since the last call. A CheckerSet passes
   * completions only: no checker reads invocations (a completion carries `invokedUs`).
   * The entries are the caller's, valid during the call only (it reuses them for the next
   * slice): keep what you need of them, never an entry itself.
   */
  feed(entries: readonly HistoryEntry[], marks: readonly Mark[]): void;
  /** What it had found by `nowUs`: entries and marks fed with a later time do not count. */
  anomalies(nowUs: number): Anomaly[];
}

export type CheckerFactory = (spec: WorldSpec) => Checker;

/** Operation ids listed per anomaly; the count says how many there are in all. */
export const MAX_OPS = 50;
