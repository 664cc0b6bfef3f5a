// The checkers a run is judged by, one file each, and the set that streams a run's records
// through them.
import type { HistoryEntry, Mark } from '../kernel/component';
import type { WorldSpec } from '../spec';
import { HistoryEntrySlot } from '../kernel/history';
import type { Anomaly, Checker, CheckerFactory, HistoryView } from './checker';
import { lostWrite } from './lost-write';
import { splitBrain } from './split-brain';
import { staleRead } from './stale-read';
import { writeRejected } from './write-rejected';
import { requestFailed } from './request-failed';
import { undetectedOutage } from './undetected-outage';
import { duplicateEffect } from './duplicate-effect';

export type { Anomaly, AnomalyKind, Checker, CheckerFactory, HistoryView } from './checker';

/** History entries materialised at once when feeding the checkers. */
export const FEED_SLICE_ENTRIES = 2_048;

export const CHECKERS: CheckerFactory[] = [lostWrite, splitBrain, staleRead, writeRejected, requestFailed, duplicateEffect, undetectedOutage];

/**
 * Runs every checker over a run's records as they grow, and answers as of any moment up to
 * where they have been fed. Call `reset` when the records were rewound or the scenario
 * changed: the checkers then start over from the beginning.
 */
export class CheckerSet {
  private checkers: Checker[] = [];
  private historyAt = 0;
  private marksAt = 0;
  /** The last answer, for frames that bring nothing new. */
  private last: { nowUs: number; historyAt: number; marksAt: number; anomalies: Anomaly[] } | null = null;

  constructor(private spec: WorldSpec, private readonly factories: readonly CheckerFactory[] = CHECKERS) {
    this.reset(spec);
  }

  reset(spec: WorldSpec = this.spec): void {
    this.spec = spec;
    this.checkers = this.factories.map((f) => f(spec));
    this.historyAt = 0;
    this.marksAt = 0;
    this.last = null;
  }

  /** Take in what was recorded since the last call (records that shrank start the set over). */
  feed(history: HistoryView, marks: readonly Mark[]): void {
    if (history.length < this.historyAt || marks.length < this.marksAt) this.reset();
    if (history.length === this.historyAt && marks.length === this.marksAt) return;
    // Materialise each new completion once, for all the checkers, a slice at a time: after a
    // rewind the whole history comes again, and a million entries as objects at once would
    // be hundreds of megabytes. No checker reads invocations (completions carry their
    // invocation time): half the history is never built. Every checker takes a call's marks
    // before its entries, so the marks go with the first slice.
    const typeAt = history.typeAt?.bind(history);
    // Entries are read into the same objects slice after slice (checkers keep none of them).
    const pool = history.readInto ? this.pool() : null;
    const entries: HistoryEntry[] = [];
    let newMarks: readonly Mark[] = marks.slice(this.marksAt);
    for (let start = this.historyAt; start < history.length || newMarks.length > 0; start += FEED_SLICE_ENTRIES) {
      const end = Math.min(history.length, start + FEED_SLICE_ENTRIES);
      entries.length = 0;
      for (let i = start; i < end; i++) {
        if (typeAt && typeAt(i) === 'invoke') continue;
        if (pool) {
          const e = pool[entries.length];
          history.readInto!(i, e);
          entries.push(e);
        } else entries.push(history.get(i));
      }
      for (const c of this.checkers) c.feed(entries, newMarks);
      newMarks = [];
    }
    this.historyAt = history.length;
    this.marksAt = marks.length;
  }

  private entryPool: HistoryEntry[] | null = null;
  private pool(): HistoryEntry[] {
    return (this.entryPool ??= Array.from({ length: FEED_SLICE_ENTRIES }, () => new HistoryEntrySlot()));
  }

  /** The anomalies as of `nowUs`: only what was recorded at or before it counts. */
  at(nowUs: number): Anomaly[] {
    const l = this.last;
    if (l && l.nowUs === nowUs && l.historyAt === this.historyAt && l.marksAt === this.marksAt) return l.anomalies;
    const anomalies = this.checkers.flatMap((c) => c.anomalies(nowUs)).sort((a, b) => a.atUs - b.atUs);
    this.last = { nowUs, historyAt: this.historyAt, marksAt: this.marksAt, anomalies };
    return anomalies;
  }

  update(history: HistoryView, marks: readonly Mark[], nowUs: number): Anomaly[] {
    this.feed(history, marks);
    return this.at(nowUs);
  }
}
