// The Wing-Gong-Lowe search with memoisation, as Porcupine's `checkSingle` does it.
//
// The history is a doubly linked list of call and return entries in time order. The search
// walks it from the front: a call may be linearized now (if the model accepts it), which
// lifts the call and its return out of the list and starts again from the front; reaching
// a return means that operation had to be linearized already, so the last choice is undone.
// Every (set of linearized operations, model state) pair that was reached is remembered:
// reaching it again cannot lead anywhere new, which is what makes real histories tractable
// (Lowe, "Testing for linearizability", 2017).
//
// Everything here is deterministic: no clocks (budgets are enforced by the caller between
// slices of steps), no randomness, and ties in time are broken by operation index.

import type { Model, StateKey } from './model';
import type { Operation } from './history';

/** How far a search has got: what the driver needs to enforce budgets between slices. */
export interface SearchProgress {
  steps: number;
  memoBytes: number;
}

export interface SearchOutcome<State> {
  verdict: 'linearizable' | 'not linearizable';
  steps: number;
  /** When linearizable: indices of the operations in a valid linearization order. */
  linearization?: number[];
  /**
   * When not linearizable: the longest sequence of operations the search could linearize,
   * as its last `maxReportedOps` indices, and its full length.
   */
  prefixTail?: number[];
  prefixLength?: number;
  /** The model state after that prefix. */
  stateAfterPrefix?: State;
  /**
   * The operations that could go next by timing after that prefix (invoked before the first
   * pending return), none of which leads to a full linearization. The first one is the
   * operation whose return forced the search back. Each has `rejected`: the model refuses it
   * outright in `stateAfterPrefix` (otherwise it only leads to dead ends).
   */
  stuck?: { op: number; rejected: boolean }[];
}

/** Deterministic per-operation 32-bit keys whose XOR hashes the linearized set (Zobrist). */
function zobristKey(i: number): number {
  let x = Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

/** Spreads a state id over 32 bits so it can be XORed into the set's hash. */
function stateHash(id: number): number {
  let x = Math.imul(id + 0x632be5ab, 0xcc9e2d51);
  x ^= x >>> 15;
  x = Math.imul(x, 0x1b873593);
  x ^= x >>> 16;
  return x | 0;
}

/**
 * The memo of visited (linearized set, state id) pairs: an open-addressing hash table over
 * flat typed arrays, because a JS object per entry costs more than the set itself and the
 * table can reach millions of entries on a hard history. Sets are stored in the compact
 * form `searchPartition` builds; states are interned to small integers first, so a lookup
 * compares integers, never two long states (a key-value register's value grows with every
 * append).
 */
class Memo {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private stateIds: Int32Array;
  private bits: Uint32Array;
  private count = 0;

  constructor(private readonly words: number) {
    // Small to start with: a history may have thousands of keys, most with a few operations.
    this.slots = new Int32Array(1 << 9);
    this.mask = this.slots.length - 1;
    this.hashes = new Int32Array(1 << 8);
    this.stateIds = new Int32Array(1 << 8);
    this.bits = new Uint32Array((1 << 8) * words);
  }

  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.stateIds.byteLength + this.bits.byteLength;
  }

  /** Adds the pair and returns true, or returns false if it was already there. */
  add(hash: number, set: Uint32Array, stateId: number): boolean {
    // `words` is the length of the compact set; `set` may be longer (it is not read past it).
    const words = this.words;
    let slot = (hash ^ (hash >>> 15)) & this.mask;
    for (;;) {
      const e = this.slots[slot] - 1;
      if (e < 0) break;
      if (this.hashes[e] === hash && this.stateIds[e] === stateId) {
        const base = e * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (this.bits[base + w] !== set[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & this.mask;
    }
    const e = this.count++;
    if (e === this.hashes.length) this.growEntries();
    this.hashes[e] = hash;
    this.stateIds[e] = stateId;
    this.bits.set(set, e * words);
    this.slots[slot] = e + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private growEntries(): void {
    const length = this.hashes.length * 2;
    const hashes = new Int32Array(length);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const stateIds = new Int32Array(length);
    stateIds.set(this.stateIds);
    this.stateIds = stateIds;
    const bits = new Uint32Array(length * this.words);
    bits.set(this.bits);
    this.bits = bits;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      const hash = this.hashes[e];
      let slot = (hash ^ (hash >>> 15)) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = e + 1;
    }
  }
}

/**
 * Checks one partition, resumably: the first `next()` sets up and yields; each later
 * `next(allowanceSteps)` runs at most that many more steps, then yields its progress or
 * returns the outcome. The caller owns every budget (steps, memory, time) and decides
 * between slices whether to go on, which lets it interleave partitions and stop them all
 * as soon as one fails, deterministically.
 *
 * `ops` must already be validated (finite call times, return not before call); operations
 * with `output === undefined` are treated as never returning (or as returning at their
 * `deadline`, if they have one).
 */
export function* searchPartition<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  maxReportedOps: number,
  /**
   * Bits of the memo hash kept. Always all of them, except in tests, which keep a few to
   * force collisions: the stored set is what makes the memo exact, not the hash.
   */
  hashMask = -1,
): Generator<SearchProgress, SearchOutcome<State>, number> {
  const n = ops.length;
  if (n === 0) return { verdict: 'linearizable', steps: 0, linearization: [] };

  // Events: 2*i is the call of operation i, 2*i+1 its return.
  const returnAt = (i: number) => {
    const op = ops[i];
    if (op.output !== undefined) return op.returnAt;
    // Never before its own call, or the list would hold its return ahead of its call.
    return op.deadline === undefined ? Infinity : Math.max(op.callAt, op.deadline);
  };
  const events = new Int32Array(2 * n);
  for (let k = 0; k < 2 * n; k++) events[k] = k;
  events.sort((a, b) => {
    const ta = a & 1 ? returnAt(a >> 1) : ops[a >> 1].callAt;
    const tb = b & 1 ? returnAt(b >> 1) : ops[b >> 1].callAt;
    if (ta !== tb) return ta < tb ? -1 : 1;
    // Same instant: calls first, so the two operations count as concurrent. We cannot tell
    // which came first, and claiming an order the history does not show could report a
    // violation that is not one.
    if ((a & 1) !== (b & 1)) return (a & 1) - (b & 1);
    return a - b;
  });

  // Node 0 is the list head; node k >= 1 is events[k - 1].
  const size = 2 * n + 1;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  const nodeOp = new Int32Array(size);
  /** For a call node, its return node; -1 for return nodes and the head. */
  const match = new Int32Array(size).fill(-1);
  const returnNode = new Int32Array(n);
  for (let k = 1; k < size; k++) {
    const ev = events[k - 1];
    nodeOp[k] = ev >> 1;
    if (ev & 1) returnNode[ev >> 1] = k;
    prev[k] = k - 1;
    next[k - 1] = k;
  }
  next[size - 1] = -1;
  prev[0] = -1;
  nodeOp[0] = -1;
  for (let k = 1; k < size; k++) if (!(events[k - 1] & 1)) match[k] = returnNode[nodeOp[k]];

  const lift = (c: number) => {
    next[prev[c]] = next[c];
    prev[next[c]] = prev[c];
    const r = match[c];
    next[prev[r]] = next[r];
    if (next[r] !== -1) prev[next[r]] = prev[r];
  };
  // Undoes `lift`; correct because lifts are undone in the reverse order they were made.
  const unlift = (c: number) => {
    const r = match[c];
    next[prev[r]] = r;
    if (next[r] !== -1) prev[next[r]] = r;
    next[prev[c]] = c;
    prev[next[c]] = c;
  };

  // The linearized set, stored compactly. Operations that return (all but those of unknown
  // outcome without a deadline) are ranked by call order; `low` is the lowest rank not yet
  // linearized, so every rank below it is in the set. A ranked operation can only have been
  // placed while `low` was pending, that is before `low` returned, so every linearized rank
  // above `low` lies in `low`'s window: the operations called between `low`'s call and its
  // return. The set is therefore exactly (low, the window's bits, the bits of the
  // never-returning operations), which for a long history is a few words instead of one
  // bit per operation.
  const rank = new Int32Array(n).fill(-1);
  const unknownIndex = new Int32Array(n).fill(-1);
  let completed = 0;
  let unknownCount = 0;
  let callsSeen = 0;
  let maxWindow = 0;
  for (let k = 0; k < 2 * n; k++) {
    const i = events[k] >> 1;
    if (!(events[k] & 1)) {
      if (returnAt(i) === Infinity) unknownIndex[i] = unknownCount++;
      else {
        rank[i] = completed++;
        callsSeen++;
      }
    } else if (rank[i] >= 0) {
      maxWindow = Math.max(maxWindow, callsSeen - rank[i] - 1);
    }
  }
  const windowWords = (maxWindow + 31) >>> 5;
  const unknownWords = (unknownCount + 31) >>> 5;
  const keyWords = 1 + windowWords + unknownWords;
  // Padded so a window read near the end stays inside the array.
  const byRank = new Uint32Array(((completed + 32 * windowWords) >>> 5) + 2);
  const byUnknown = new Uint32Array(unknownWords);
  const key = new Uint32Array(keyWords);
  let low = 0;

  const place = (op: number) => {
    const r = rank[op];
    if (r < 0) {
      const u = unknownIndex[op];
      byUnknown[u >>> 5] |= 1 << (u & 31);
      return;
    }
    byRank[r >>> 5] |= 1 << (r & 31);
    if (r === low) while (low < completed && byRank[low >>> 5] & (1 << (low & 31))) low++;
  };
  const unplace = (op: number) => {
    const r = rank[op];
    if (r < 0) {
      const u = unknownIndex[op];
      byUnknown[u >>> 5] &= ~(1 << (u & 31));
      return;
    }
    byRank[r >>> 5] &= ~(1 << (r & 31));
    if (r < low) low = r;
  };
  const buildKey = () => {
    key[0] = low;
    for (let w = 0; w < windowWords; w++) {
      const bit = low + 1 + 32 * w;
      const q = bit >>> 5;
      const shift = bit & 31;
      key[1 + w] = shift === 0 ? byRank[q] : (byRank[q] >>> shift) | (byRank[q + 1] << (32 - shift));
    }
    for (let w = 0; w < unknownWords; w++) key[1 + windowWords + w] = byUnknown[w];
  };

  const zobrist = new Int32Array(n);
  for (let i = 0; i < n; i++) zobrist[i] = zobristKey(i);
  const memo = new Memo(keyWords);

  // State interning: every distinct state met gets an id. The Map hashes a string key once
  // (V8 caches a string's hash), so this costs one pass over a new state, not one per lookup.
  const ids = new Map<StateKey, number>();
  let stateBytes = 0;
  const idOf = (s: State): number => {
    const key = model.key(s);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      // What the Map holds for it: an entry, plus the key's characters when it is a string.
      stateBytes += 32 + (typeof key === 'string' ? 2 * key.length : 0);
    }
    return id;
  };

  const stackNode = new Int32Array(n);
  const stackState: (State | undefined)[] = new Array(n);
  const stackStateId = new Int32Array(n);
  let depth = 0;
  let state = model.init();
  let stateId = idOf(state);
  let setHash = 0;
  let steps = 0;

  let bestDepth = -1;
  let prefixTail: number[] = [];
  let stateAfterPrefix = state;
  let stuck: { op: number; rejected: boolean }[] = [];

  let pauseAt = yield { steps, memoBytes: memo.bytes + stateBytes };

  let entry = next[0];
  while (next[0] !== -1) {
    if (steps >= pauseAt) pauseAt = steps + (yield { steps, memoBytes: memo.bytes + stateBytes });
    steps++;
    const ret = match[entry];
    if (ret !== -1) {
      // A call: try to linearize its operation here.
      const op = nodeOp[entry];
      const after = model.step(state, ops[op].input, ops[op].output);
      if (after !== undefined) {
        place(op);
        buildKey();
        // Reads hand back the very same state: no need to look it up again.
        const afterId = after === state ? stateId : idOf(after);
        const hash = setHash ^ zobrist[op];
        if (memo.add((hash ^ stateHash(afterId)) & hashMask, key, afterId)) {
          stackNode[depth] = entry;
          stackState[depth] = state;
          stackStateId[depth] = stateId;
          depth++;
          state = after;
          stateId = afterId;
          setHash = hash;
          lift(entry);
          entry = next[0];
          continue;
        }
        unplace(op);
      }
      entry = next[entry];
      continue;
    }

    // A return: its operation should have been linearized before this point.
    if (depth > bestDepth) {
      bestDepth = depth;
      const from = Math.max(0, depth - maxReportedOps);
      prefixTail = [];
      for (let d = from; d < depth; d++) prefixTail.push(nodeOp[stackNode[d]]);
      stateAfterPrefix = state;
      stuck = candidates(entry);
    }
    if (depth === 0) {
      return { verdict: 'not linearizable', steps, prefixTail, prefixLength: bestDepth, stateAfterPrefix, stuck };
    }
    depth--;
    const c = stackNode[depth];
    state = stackState[depth] as State;
    stateId = stackStateId[depth];
    stackState[depth] = undefined;
    const op = nodeOp[c];
    unplace(op);
    setHash ^= zobrist[op];
    unlift(c);
    entry = next[c];
  }

  const linearization: number[] = [];
  for (let d = 0; d < depth; d++) linearization.push(nodeOp[stackNode[d]]);
  return { verdict: 'linearizable', steps, linearization };

  /** Pending calls before the return node `blocking`, the blocking operation first. */
  function candidates(blocking: number): { op: number; rejected: boolean }[] {
    const blockingOp = nodeOp[blocking];
    const out: { op: number; rejected: boolean }[] = [];
    const rejected = (op: number) => model.step(state, ops[op].input, ops[op].output) === undefined;
    out.push({ op: blockingOp, rejected: rejected(blockingOp) });
    for (let k = next[0]; k !== blocking && k !== -1 && out.length < maxReportedOps; k = next[k]) {
      const op = nodeOp[k];
      if (match[k] !== -1 && op !== blockingOp) out.push({ op, rejected: rejected(op) });
    }
    return out;
  }
}
