// The log and the data it writes: appending, making entries visible to reads, undoing a
// divergent suffix, and replacing everything with a snapshot.

import type { DbSnapshotData, SnapshotBody } from '../../protocol';
import { seq, seqAt, seqCopy, seqDropFront, seqPush, seqTruncate } from '../../kernel/seq';
import { table, tableCopy, tableDelete, tableGet, tableSetPair } from '../../kernel/table';
import { DATABASE_DEFAULTS, DATA_VALUE, type C, type DownC, type EpochStart, type P } from './state';

/** An empty log that starts at `start`, and no data. */
export function emptyLogAndData(start: number): Pick<P, 'logStart' | 'logKeys' | 'logValues' | 'logEpochs' | 'data'> {
  return { logStart: start, logKeys: seq('log'), logValues: seq('log'), logEpochs: seq('log'), data: table(2, 'data') };
}

/** Entries in the retained log. */
export function logLength(p: P): number {
  return p.logKeys.length;
}

/** The key of entry `i` of the retained log (LSN logStart + i). */
export function logKeyAt(p: P, i: number): string {
  return seqAt(p.logKeys, i)!;
}

export function logValueAt(p: P, i: number): number {
  return seqAt(p.logValues, i)!;
}

export function logEpochAt(p: P, i: number): number {
  return seqAt(p.logEpochs, i)!;
}

/** The value a read of `key` sees, or undefined if it was never written. */
export function valueOf(p: P, key: string): number | undefined {
  return tableGet(p.data, key, DATA_VALUE);
}

/** A copy of an epoch history (histories travel in messages and marks: never shared). */
export function copyEpochs(epochs: readonly EpochStart[]): EpochStart[] {
  return epochs.map((e) => [e[0], e[1], e[2]]);
}

/** Append one entry at LSN p.lsn + 1 and (unless it must wait for its acknowledgement) apply it to the data. */
export function append(ctx: C, key: string, value: number, epoch: number, visible = true): void {
  const p = ctx.p;
  const lsn = ++p.lsn;
  seqPush(p.logKeys, key);
  seqPush(p.logValues, value);
  seqPush(p.logEpochs, epoch);
  if (visible) {
    setValue(p, key, value, lsn);
    p.visibleLsn = lsn;
  }
  const retain = ctx.spec.logRetainEntries ?? DATABASE_DEFAULTS.logRetainEntries;
  // Trim a quarter at a time, so the log's length moves in steps. Never trim what is not yet
  // visible: it is still to be applied from the log.
  if (p.logKeys.length > retain + (retain >> 2)) {
    const drop = Math.min(p.logKeys.length - retain, p.visibleLsn - p.logStart + 1);
    seqDropFront(p.logKeys, drop);
    seqDropFront(p.logValues, drop);
    seqDropFront(p.logEpochs, drop);
    p.logStart += drop;
  }
}

export function setValue(p: P, key: string, value: number, lsn: number): void {
  tableSetPair(p.data, key, value, lsn);
}

/**
 * Make the log visible to reads up to `lsn`. A primary with synchronous followers keeps a
 * write invisible until it acknowledges it (MySQL's lossless AFTER_SYNC wait point): no one
 * can read a write that a failover could still take away.
 */
export function reveal(p: P, lsn: number): void {
  for (let l = p.visibleLsn + 1; l <= lsn; l++) {
    const i = l - p.logStart;
    setValue(p, logKeyAt(p, i), logValueAt(p, i), l);
  }
  if (lsn > p.visibleLsn) p.visibleLsn = lsn;
}

/** Keep the log up to LSN `toLsn` (within the retained log). */
export function truncateLog(p: P, toLsn: number): void {
  const keep = toLsn - p.logStart + 1;
  seqTruncate(p.logKeys, keep);
  seqTruncate(p.logValues, keep);
  seqTruncate(p.logEpochs, keep);
}

/** Put each key written after `toLsn` back to its value at `toLsn`, from the log. */
export function rewindData(p: P, toLsn: number): boolean {
  const touched = new Set<string>();
  for (let i = toLsn + 1 - p.logStart; i < logLength(p); i++) touched.add(logKeyAt(p, i));
  for (const key of touched) {
    let found = -1;
    for (let i = toLsn - p.logStart; i >= 0; i--) {
      if (logKeyAt(p, i) === key) {
        found = i;
        break;
      }
    }
    if (found >= 0) setValue(p, key, logValueAt(p, found), p.logStart + found);
    else if (p.logStart === 1) tableDelete(p.data, key);
    else return false; // its earlier value was trimmed from the log
  }
  return true;
}

/**
 * The node's data, log and epoch history become the snapshot's: what it had before is gone.
 * A snapshot shipped by a primary brings its retained log; a storage snapshot (a backup, an
 * autoscaler's copy) brings none, and the log starts after it. Everything is copied: the
 * snapshot stays its sender's (a message body in flight must never alias this node's data).
 * The epoch the node is at is the caller's to set.
 */
export function installSnapshot(ctx: C | DownC, snap: DbSnapshotData | SnapshotBody): void {
  const p = ctx.p;
  // Copies share the snapshot's pages and chunks, each side copying before it writes: O(pages).
  p.data = tableCopy(snap.data);
  p.lsn = snap.lsn;
  p.visibleLsn = snap.lsn;
  if ('logKeys' in snap) {
    p.logStart = snap.logStart;
    p.logKeys = seqCopy(snap.logKeys);
    p.logValues = seqCopy(snap.logValues);
    p.logEpochs = seqCopy(snap.logEpochs);
  } else {
    // A storage snapshot brings no log: it starts after the snapshot.
    p.logStart = snap.lsn + 1;
    p.logKeys = seq('log');
    p.logValues = seq('log');
    p.logEpochs = seq('log');
  }
  p.epochs = copyEpochs(snap.epochs);
}

/**
 * The last LSN two lineages share, from their epoch histories: the end of the latest epoch
 * both contain (same epoch, same first LSN, same node), as far as both hold it. A follower
 * holding entries past it has a divergent suffix.
 */
export function forkEnd(mine: EpochStart[], myLsn: number, theirs: EpochStart[], theirLsn: number): number {
  let fork = 0;
  for (let i = 0; i < mine.length; i++) {
    const j = theirs.findIndex((e) => e[0] === mine[i][0] && e[1] === mine[i][1] && e[2] === mine[i][2]);
    if (j < 0) continue;
    const myEnd = i + 1 < mine.length ? mine[i + 1][1] - 1 : myLsn;
    const theirEnd = j + 1 < theirs.length ? theirs[j + 1][1] - 1 : theirLsn;
    fork = Math.max(fork, Math.min(myEnd, theirEnd));
  }
  return fork;
}
