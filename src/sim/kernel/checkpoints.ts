// Checkpoints of the whole world, for seeking and for replaying after the fault timeline
// changes. A seek restores the latest checkpoint at or before its target and replays the
// events in between, so checkpoints must be cheap enough to take often.
//
// A checkpoint is a copy of the world state that shares what cannot change any more with
// the live state and with the other checkpoints (snapshot.ts): the full chunks of its
// sequences, and its tables' images (table.ts: a whole image's pages, and the deltas of rows
// written since). Each checkpoint therefore costs what changed since the one before (the
// events in flight, the chunks being filled, the rows written), plus the lengths of the
// append-only journals. Its memory is `ownBytes` (what its copy made) plus the shared parts,
// which the store counts once, however many checkpoints hold them. A table's delta keeps
// the images before it alive back to its whole one, so thinning frees a table's images only
// once no kept checkpoint's chain goes through them: it thins further if it must, and the
// bound holds.
//
// Memory bound: at most `maxCount` checkpoints and `maxBytes` in all, shared parts included
// (defaults 1,024 and 192 MiB). When either would be passed, every second checkpoint is
// dropped (the first, before anything ran, always stays) and the spacing doubles, so a long
// run keeps evenly spread checkpoints and a seek replays at most about two spacings.
//
// Time bound: the spacing is also at least `eventsPerByte` x the last checkpoint's own
// bytes, so copying costs a few percent of the run whatever the world's size. A copy costs
// about 4 ms per MiB of its own (the bench world: 812 KiB in 3.5 ms), and the built-ins run
// 150-300 k events/s: at 0.02 events per byte, a checkpoint of 1 MiB comes every 21 k events
// (about 100 ms of the run), a few percent. (At 0.1, surge-lag, whose job queue and pending
// timers make its checkpoints about 1 MiB, had them 165 k events apart, and a seek there
// replayed up to that much: seconds in the browser.)

import type { CopyCost } from './snapshot';
import { sharedBytes } from './snapshot';

export interface Checkpoint {
  atUs: number;
  /** Events executed when it was taken: its position in the run. */
  executed: number;
  /** The world state then. Never written: a restore copies it. */
  state: unknown;
  /** Estimated bytes of the copy itself (what the live state did not share with it). */
  ownBytes: number;
  /** The immutable parts it shares (sequence chunks, table pages). */
  shared: object[];
  /**
   * When its copy was tracked (snapshot.ts, `trackedCost`): its copy's serial, the serial of
   * the copy it was compared with, and the parts of `shared` not found in that one.
   */
  copy?: { serial: number; since: number; unknown: object[] };
  journalLengths: Record<string, number>;
}

export interface CheckpointPolicy {
  /** Events between checkpoints at the start; doubles each time the store thins out. */
  everyEvents: number;
  maxCount: number;
  maxBytes: number;
  /** Spacing floor per own byte of the last checkpoint (0 disables the time bound). */
  eventsPerByte: number;
}

export const DEFAULT_CHECKPOINTS: CheckpointPolicy = {
  everyEvents: 20_000,
  maxCount: 1024,
  maxBytes: 192 * 1024 * 1024,
  eventsPerByte: 0.02,
};

export function checkpointOf(base: Omit<Checkpoint, 'ownBytes' | 'shared' | 'copy'>, cost: CopyCost): Checkpoint {
  const cp: Checkpoint = { ...base, ownBytes: cost.bytes, shared: cost.shared };
  if (cost.track !== undefined) cp.copy = cost.track;
  return cp;
}

export class CheckpointStore {
  private list: Checkpoint[] = [];
  private ownBytes = 0;
  /**
   * Every shared part some checkpoint holds, with its estimated bytes: each counted once,
   * however many checkpoints hold it.
   */
  private held = new Map<object, number>();
  /**
   * Per checkpoint (by position in `list`), the parts it was the first to hold. A checkpoint
   * is added after every one it could share with, so when the newest ones are dropped, what
   * they first held is held by no other (dropFrom); thinning, which drops from the middle,
   * counts again (rarely: each time the store fills).
   */
  private firstHeld: object[][] = [];
  private heldBytes = 0;
  everyEvents: number;

  constructor(readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINTS) {
    this.everyEvents = policy.everyEvents;
  }

  get count(): number {
    return this.list.length;
  }

  /** Estimated bytes the checkpoints hold, shared parts counted once. */
  get bytes(): number {
    return this.ownBytes + this.heldBytes;
  }

  /** Of `bytes`: the parts shared between checkpoints (and with the live state). */
  get sharedBytes(): number {
    return this.heldBytes;
  }

  /** The serial of the newest checkpoint's copy, for the next tracked copy (-1: none, or untracked). */
  get newestCopy(): number {
    return this.list[this.list.length - 1]?.copy?.serial ?? -1;
  }

  /** Whether a checkpoint is due at this position (none yet taken at or beyond it, spacing reached). */
  due(executed: number): boolean {
    const last = this.list[this.list.length - 1];
    if (last === undefined) return true;
    const spacing = Math.max(this.everyEvents, Math.round(last.ownBytes * this.policy.eventsPerByte));
    return executed >= last.executed + spacing;
  }

  add(cp: Checkpoint): void {
    // A tracked copy compared with the newest checkpoint names the parts that one did not
    // hold: only they can be new to the store. Otherwise every part is looked up.
    const candidates = cp.copy !== undefined && cp.copy.since !== -1 && cp.copy.since === this.newestCopy ? cp.copy.unknown : cp.shared;
    this.list.push(cp);
    this.ownBytes += cp.ownBytes;
    this.firstHeld.push(this.hold(candidates));
    while (this.list.length > 1 && (this.list.length > this.policy.maxCount || this.bytes > this.policy.maxBytes)) {
      if (!this.thin()) break;
    }
  }

  /** Count the parts not held yet; returns them. */
  private hold(parts: readonly object[], bytesOf: (s: object) => number = sharedBytes): object[] {
    const first: object[] = [];
    for (const s of parts) {
      if (this.held.has(s)) continue;
      const bytes = bytesOf(s);
      this.held.set(s, bytes);
      this.heldBytes += bytes;
      first.push(s);
    }
    return first;
  }

  /** Forget the newest checkpoint. */
  private pop(): void {
    const cp = this.list.pop()!;
    this.ownBytes -= cp.ownBytes;
    for (const s of this.firstHeld.pop()!) {
      this.heldBytes -= this.held.get(s)!;
      this.held.delete(s);
    }
  }

  /** Drop every second checkpoint and double the spacing. False if there was nothing to drop. */
  private thin(): boolean {
    const n = this.list.length;
    if (n <= 2) return false;
    // Keep the first, the newest (the run never loses its latest point), and every second.
    this.list = this.list.filter((_, i) => i % 2 === 0 || i === n - 1);
    // Count the shared parts again, over the checkpoints kept, oldest first.
    const before = this.held;
    this.held = new Map();
    this.heldBytes = 0;
    this.ownBytes = 0;
    this.firstHeld = this.list.map((cp) => {
      this.ownBytes += cp.ownBytes;
      return this.hold(cp.shared, (s) => before.get(s) ?? sharedBytes(s));
    });
    this.everyEvents *= 2;
    return true;
  }

  /** The latest checkpoint at or before virtual time `atUs`. */
  latestAtOrBefore(atUs: number): Checkpoint | undefined {
    // Binary search: times never decrease along the list.
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].atUs <= atUs) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.list[lo - 1];
  }

  /** Forget every checkpoint at or after `atUs` (the timeline changed there). */
  dropFrom(atUs: number): void {
    while (this.list.length > 0 && this.list[this.list.length - 1].atUs >= atUs) this.pop();
  }

  /** The checkpoint taken furthest into the run. */
  newest(): Checkpoint | undefined {
    return this.list[this.list.length - 1];
  }

  /** Every checkpoint, oldest first (for a caller that keeps its own retention). */
  all(): readonly Checkpoint[] {
    return this.list;
  }
}
