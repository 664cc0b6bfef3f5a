// A sequence in chunks: the shape of everything in the world state that grows long (a
// database's retained log, a CPU's waiting queue, a job queue). It is appended at the back,
// consumed or trimmed at the front, and cut back at the end (a divergent log suffix).
//
// Why chunks: a checkpoint must cost what changed, not what is held. Every chunk but the last
// holds exactly SEQ_CHUNK items and is never written again (a cut copies the part it keeps),
// so a checkpoint shares the full chunks with the live state and copies only the chunk
// being filled (see snapshot.ts). A queue of 50,000 waiting requests then costs a
// checkpoint about 100 pointers and at most SEQ_CHUNK items, instead of 50,000 copies.
//
// The chunk size weighs the copy of the chunk being filled (on average half a chunk, per
// sequence, per checkpoint) against the list of shared chunks each checkpoint keeps: on the
// bench world (36 databases, three log columns each) a checkpoint held 1,280 KiB with chunks
// of 1,024, 843 KiB with 512 and 735 KiB with 256 (four times the shared parts to count).
//
// Plain data, like the rest of the state: the layout of chunks follows from the sequence of
// operations alone (never from when checkpoints were taken), so two runs that did the same
// things serialise the same.
//
// Items are never changed once pushed: a full chunk, and everything its items reference, may
// be held by checkpoints. (Tests set `seqChecks.freeze`, which deep-freezes each item as it
// is pushed, so a component that breaks the rule fails loudly.)
//
// Bound: a sequence may name an entry of STRUCTURE_LIMITS (limits.ts); a push past it stops
// the run with a sentence saying what overflowed.

import { LimitExceeded, STRUCTURE_LIMITS, type StructureLimitName } from './limits';

export const SEQ_CHUNK = 512;
const SHIFT = 9;
const MASK = SEQ_CHUNK - 1;

export interface Seq<T> {
  /** Brand read by the checkpointer (snapshot.ts). */
  $: 'seq';
  /** Every chunk but the last is full (SEQ_CHUNK items); only the last is ever written. */
  chunks: T[][];
  /** Items consumed or trimmed from the front of chunks[0]. */
  head: number;
  /** Items in the sequence. */
  length: number;
  /** Its bound, by name (STRUCTURE_LIMITS); none for sequences bounded by their owner. */
  lim?: StructureLimitName;
}

export function seq<T>(lim?: StructureLimitName): Seq<T> {
  return lim === undefined ? { $: 'seq', chunks: [], head: 0, length: 0 } : { $: 'seq', chunks: [], head: 0, length: 0, lim };
}

export function seqFrom<T>(items: readonly T[], lim?: StructureLimitName): Seq<T> {
  const s = seq<T>(lim);
  for (const x of items) seqPush(s, x);
  return s;
}

/** Debugging aid for tests: freeze what is pushed, so changing it later throws. */
export const seqChecks = { freeze: false };

function deepFreeze(x: unknown): void {
  if (typeof x !== 'object' || x === null || Object.isFrozen(x) || ArrayBuffer.isView(x)) return;
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v);
}

export function seqPush<T>(s: Seq<T>, x: T): void {
  if (s.lim !== undefined && s.length >= STRUCTURE_LIMITS[s.lim].max) throw new LimitExceeded(s.lim);
  if (seqChecks.freeze) deepFreeze(x);
  const chunks = s.chunks;
  const n = chunks.length;
  const last = n === 0 ? undefined : chunks[n - 1];
  if (last === undefined || last.length === SEQ_CHUNK) chunks.push([x]);
  else last.push(x);
  s.length++;
}

/** The item at index `i` (0 is the front); undefined outside the sequence. */
export function seqAt<T>(s: Seq<T>, i: number): T | undefined {
  if (i < 0 || i >= s.length) return undefined;
  const p = s.head + i;
  return s.chunks[p >> SHIFT][p & MASK];
}

export function seqPeek<T>(s: Seq<T>): T | undefined {
  return s.length === 0 ? undefined : s.chunks[0][s.head];
}

/** Take the front item. */
export function seqShift<T>(s: Seq<T>): T | undefined {
  if (s.length === 0) return undefined;
  const x = s.chunks[0][s.head];
  seqDropFront(s, 1);
  return x;
}

/** Forget the first `k` items (all of them if there are fewer). */
export function seqDropFront(s: Seq<unknown>, k: number): void {
  if (k <= 0) return;
  if (k >= s.length) {
    s.chunks = [];
    s.head = 0;
    s.length = 0;
    return;
  }
  s.length -= k;
  s.head += k;
  const whole = s.head >> SHIFT;
  if (whole > 0) {
    // Only full chunks lie before the item now at the front.
    s.chunks.splice(0, whole);
    s.head &= MASK;
  }
}

/** Keep the first `n` items and forget the rest. */
export function seqTruncate(s: Seq<unknown>, n: number): void {
  if (n >= s.length) return;
  if (n <= 0) {
    s.chunks = [];
    s.head = 0;
    s.length = 0;
    return;
  }
  const end = s.head + n;
  const c = (end - 1) >> SHIFT;
  const keep = ((end - 1) & MASK) + 1;
  s.chunks.length = c + 1;
  // A full chunk may be shared with checkpoints: the part kept is copied, never cut in place.
  if (keep < SEQ_CHUNK) s.chunks[c] = s.chunks[c].slice(0, keep);
  s.length = n;
}

/** Items [from, to) as an array. */
export function seqSlice<T>(s: Seq<T>, from = 0, to = s.length): T[] {
  from = Math.max(0, from);
  to = Math.min(s.length, to);
  const out: T[] = [];
  for (let p = s.head + from, end = s.head + to; p < end; ) {
    const c = s.chunks[p >> SHIFT];
    const stop = Math.min(end, ((p >> SHIFT) + 1) << SHIFT);
    for (let k = p & MASK, e = k + (stop - p); k < e; k++) out.push(c[k]);
    p = stop;
  }
  return out;
}

export function seqForEach<T>(s: Seq<T>, f: (x: T, i: number) => void): void {
  for (let i = 0, p = s.head; i < s.length; i++, p++) f(s.chunks[p >> SHIFT][p & MASK], i);
}

/** Keep only the items `keep` accepts, in order. Returns how many were dropped. */
export function seqFilter<T>(s: Seq<T>, keep: (x: T) => boolean): number {
  const kept = seqSlice(s).filter(keep);
  const dropped = s.length - kept.length;
  if (dropped === 0) return 0;
  s.chunks = [];
  s.head = 0;
  s.length = 0;
  for (const x of kept) seqPush(s, x);
  return dropped;
}

/** The index of the first item for which `before` is false, for a sequence sorted so that `before` holds on a prefix. */
export function seqPartition<T>(s: Seq<T>, before: (x: T) => boolean): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(seqAt(s, mid)!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An independent copy that shares the full chunks (they never change) and copies the one
 * being filled: O(chunks), whatever the length. For a sequence sent in a message or kept in
 * another node's state.
 */
export function seqCopy<T>(s: Seq<T>): Seq<T> {
  const n = s.chunks.length;
  const chunks = s.chunks.slice();
  if (n > 0 && chunks[n - 1].length < SEQ_CHUNK) chunks[n - 1] = chunks[n - 1].slice();
  const c: Seq<T> = { $: 'seq', chunks, head: s.head, length: s.length };
  if (s.lim !== undefined) c.lim = s.lim;
  return c;
}

/** Whether chunk `c` can never change again (it is full): a checkpoint may share it. */
export function seqChunkSealed(s: Seq<unknown>, c: number): boolean {
  return s.chunks[c].length === SEQ_CHUNK;
}
