// Every run is bounded, so a runaway scenario stops with a sentence instead of hanging the
// worker, the CLI or the page. The count limits are checked at deterministic points (after
// each event), so the same scenario and seed stop at the same event everywhere.

export interface Limits {
  /** Events executed in a whole run. At about a million events a second this is ~20 s of CPU. */
  maxEvents: number;
  /** Events waiting in the queue at once (timers and messages in flight). */
  maxPendingEvents: number;
  /** Entries in each append-only journal (history, log, marks, samples). */
  maxJournalEntries: number;
  /** Size of one serialised world state, checked when a checkpoint is taken. */
  maxStateBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEvents: 20_000_000,
  maxPendingEvents: 2_000_000,
  maxJournalEntries: 2_000_000,
  maxStateBytes: 64 * 1024 * 1024,
};

export type AbortKind = 'limit' | 'error';

export interface Aborted {
  kind: AbortKind;
  reason: string;
  atUs: number;
}

/** Thrown inside the run loop and turned into the run's `aborted` state; never escapes it. */
export class SimAbort extends Error {
  constructor(readonly kind: AbortKind, message: string) {
    super(message);
  }
}
