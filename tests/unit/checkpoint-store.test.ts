import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seq, seqDropFront, seqPush, seqTruncate, type Seq } from '../../src/sim/kernel/seq';
import { table, tableDelete, tableSet, type Table } from '../../src/sim/kernel/table';
import { copyState, sharedBytes, trackedCost, type CopyCost } from '../../src/sim/kernel/snapshot';
import { CheckpointStore, checkpointOf, type Checkpoint } from '../../src/sim/kernel/checkpoints';

// The store counts each shared part once, however many checkpoints hold it. A checkpoint's
// copy names the parts the newest checkpoint did not hold, and the store looks up only those:
// whatever the operations, its count must be what counting every part of every checkpoint
// held gives.

interface World {
  log: Seq<number>;
  queue: Seq<{ id: number }>;
  data: Table;
  n: number;
}

type Op =
  | { push: number }
  | { drop: number }
  | { cut: number }
  | { write: [number, number] }
  | { del: number }
  | { checkpoint: true }
  | { restore: number }
  | { dropFrom: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 1500 }).map((push) => ({ push })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1500 }).map((drop) => ({ drop })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1000 }).map((k) => ({ cut: k / 1000 })) },
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1, max: 60 })).map((write) => ({ write })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1200 }).map((del) => ({ del })) },
  { weight: 6, arbitrary: fc.constant({ checkpoint: true as const }) },
  { weight: 1, arbitrary: fc.nat().map((restore) => ({ restore })) },
  { weight: 1, arbitrary: fc.nat().map((dropFrom) => ({ dropFrom })) },
);

/** What the checkpoints hold, counted from scratch: their own bytes, and each shared part once. */
function counted(cps: readonly Checkpoint[]): number {
  const parts = new Set<object>();
  let own = 0;
  for (const cp of cps) {
    own += cp.ownBytes;
    for (const s of cp.shared) parts.add(s);
  }
  let shared = 0;
  for (const s of parts) shared += sharedBytes(s);
  return own + shared;
}

function run(ops: Op[], maxBytes: number): void {
  let w: World = { log: seq(), queue: seq(), data: table(2), n: 0 };
  // The same checkpoints into two stores: one told what the newest held, one looking every part up.
  const tracked = new CheckpointStore({ everyEvents: 1, maxCount: 12, maxBytes, eventsPerByte: 0 });
  const plain = new CheckpointStore({ everyEvents: 1, maxCount: 12, maxBytes, eventsPerByte: 0 });
  let at = 0;
  for (const o of ops) {
    if ('push' in o) {
      for (let i = 0; i < o.push; i++) {
        seqPush(w.log, w.n);
        seqPush(w.queue, { id: w.n++ });
      }
    } else if ('drop' in o) {
      seqDropFront(w.log, o.drop);
      seqDropFront(w.queue, o.drop >> 1);
    } else if ('cut' in o) seqTruncate(w.log, Math.floor(o.cut * w.log.length));
    else if ('write' in o) {
      const [from, count] = o.write;
      for (let k = from; k < from + count; k++) tableSet(w.data, `k${k}`, k & 1, at + k);
    } else if ('del' in o) tableDelete(w.data, `k${o.del}`);
    else if ('checkpoint' in o) {
      const cost = trackedCost(tracked.newestCopy);
      const state = copyState(w, cost);
      const cp = checkpointOf({ atUs: ++at, executed: at, state, journalLengths: {} }, cost);
      tracked.add(cp);
      plain.add({ ...cp, copy: undefined });
    } else if ('restore' in o) {
      const all = tracked.all();
      if (all.length > 0) w = copyState(all[o.restore % all.length].state as World, { bytes: 0, shared: [] } satisfies CopyCost);
    } else {
      const all = tracked.all();
      if (all.length > 0) {
        const from = all[o.dropFrom % all.length].atUs;
        tracked.dropFrom(from);
        plain.dropFrom(from);
      }
    }
    expect(tracked.count).toBe(plain.count);
    expect(tracked.bytes).toBe(plain.bytes);
    expect(tracked.bytes).toBe(counted(tracked.all()));
    // The bound holds, tables' chains of deltas included, unless only the first and the newest are left.
    if (tracked.count > 2) expect(tracked.bytes).toBeLessThanOrEqual(maxBytes);
  }
}

describe('CheckpointStore, counting shared parts once', () => {
  it('counts what a from-scratch count gives, under any mix of growth, writes, restores, drops and thinning', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer({ min: 60_000, max: 400_000 }), (ops, maxBytes) => run(ops, maxBytes)),
      { numRuns: 120 },
    );
  });

  it('looks up only the parts the newest checkpoint did not hold', () => {
    const w = { log: seq<number>(), data: table(2) };
    for (let i = 0; i < 40 * 512; i++) seqPush(w.log, i);
    for (let k = 0; k < 2_000; k++) tableSet(w.data, `k${k}`, 0, k);
    const store = new CheckpointStore();
    const take = (at: number) => {
      const cost = trackedCost(store.newestCopy);
      const cp = checkpointOf({ atUs: at, executed: at, state: copyState(w, cost), journalLengths: {} }, cost);
      store.add(cp);
      return cp;
    };
    const first = take(1);
    // Nothing was known before the first: every part is looked up.
    expect(first.copy!.unknown).toHaveLength(first.shared.length);
    // Two more chunks of the log (one dropped at the front), one key written: new are two
    // chunks and the table's delta (its slots and rows), nothing else.
    for (let i = 0; i < 2 * 512; i++) seqPush(w.log, i);
    tableSet(w.data, 'k3', 0, -1);
    seqDropFront(w.log, 512);
    const second = take(2);
    expect(second.copy!.unknown).toHaveLength(4);
    expect(second.shared.length).toBe(first.shared.length + 1 + 2);
    expect(store.bytes).toBe(counted(store.all()));
  });
});
