// Checkers read what a run recorded (client histories, role changes, marks), never the
// components' internals, and name what went wrong in words a learner can follow.

import type { HistoryEntry, Mark } from '../kernel/component';

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
  nodes: string[];
  /** Operation ids involved (`app#812`). */
  ops: string[];
  explanation: string;
}

/** Read access to the client history without materialising it all (it can be millions of entries). */
export interface HistoryView {
  readonly length: number;
  get(i: number): HistoryEntry;
}

/** What a checker gets: the run's records up to now. */
export interface RunRecord {
  history: HistoryView;
  marks: readonly Mark[];
  nowUs: number;
}

export interface Checker {
  kind: AnomalyKind;
  check(run: RunRecord): Anomaly[];
}
