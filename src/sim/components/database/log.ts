// The log and the data it writes: appending, making entries visible to reads, undoing a
// divergent suffix, and replacing everything with a snapshot.

import type { DbSnapshotData, SnapshotBody } from '../../protocol';
import { DATABASE_DEFAULTS, type C, type DownC, type EpochStart, type P } from './state';

/** A copy of an epoch history (histories travel in messages and marks: never shared). */
export function copyEpochs(epochs: readonly EpochStart[]): EpochStart[] {
  return epochs.map((e) => [e[0], e[1], e[2]]);
}

/** Append one entry at LSN p.lsn + 1 and (unless it must wait for its acknowledgement) apply it to the data. */
export function append(ctx: C, key: string, value: number, epoch: number, visible = true): void {
  const p = ctx.p;
  const lsn = ++p.lsn;
  p.logKeys.push(key);
  p.logValues.push(value);
  p.logEpochs.push(epoch);
  if (visible) {
    setValue(p, key, value, lsn);
    p.visibleLsn = lsn;
  }
  const retain = ctx.spec.logRetainEntries ?? DATABASE_DEFAULTS.logRetainEntries;
  // Trim in chunks: shifting one entry per write would copy the whole log each time. Never
  // trim what is not yet visible: it is still to be applied from the log.
  if (p.logKeys.length > retain + (retain >> 2)) {
    const drop = Math.min(p.logKeys.length - retain, p.visibleLsn - p.logStart + 1);
    p.logKeys.splice(0, drop);
    p.logValues.splice(0, drop);
    p.logEpochs.splice(0, drop);
    p.logStart += drop;
  }
}

export function setValue(p: P, key: string, value: number, lsn: number): void {
  if (p.versions[key] === undefined) p.keyCount++;
  p.values[key] = value;
  p.versions[key] = lsn;
}

/**
 * Make the log visible to reads up to `lsn`. A primary with synchronous followers keeps a
 * write invisible until it acknowledges it (MySQL's lossless AFTER_SYNC wait point): no one
 * can read a write that a failover could still take away.
 */
export function reveal(p: P, lsn: number): void {
  for (let l = p.visibleLsn + 1; l <= lsn; l++) {
    const i = l - p.logStart;
    setValue(p, p.logKeys[i], p.logValues[i], l);
  }
  if (lsn > p.visibleLsn) p.visibleLsn = lsn;
}

/** Put each key written after `toLsn` back to its value at `toLsn`, from the log. */
export function rewindData(p: P, toLsn: number): boolean {
  const touched = new Set<string>();
  for (let i = toLsn + 1 - p.logStart; i < p.logKeys.length; i++) touched.add(p.logKeys[i]);
  for (const key of touched) {
    let found = -1;
    for (let i = toLsn - p.logStart; i >= 0; i--) {
      if (p.logKeys[i] === key) {
        found = i;
        break;
      }
    }
    if (found >= 0) {
      p.values[key] = p.logValues[found];
      p.versions[key] = p.logStart + found;
    } else if (p.logStart === 1) {
      delete p.values[key];
      delete p.versions[key];
      p.keyCount--;
    } else return false; // its earlier value was trimmed from the log
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
  p.values = { ...snap.values };
  p.versions = { ...snap.versions };
  p.keyCount = Object.keys(p.values).length;
  p.lsn = snap.lsn;
  p.visibleLsn = snap.lsn;
  if ('logKeys' in snap) {
    p.logStart = snap.logStart;
    p.logKeys = snap.logKeys.slice();
    p.logValues = snap.logValues.slice();
    p.logEpochs = snap.logEpochs.slice();
  } else {
    p.logStart = snap.lsn + 1;
    p.logKeys = [];
    p.logValues = [];
    p.logEpochs = [];
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
