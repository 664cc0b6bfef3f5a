import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SEQ_CHUNK, seq, seqAt, seqDropFront, seqFilter, seqPeek, seqPush, seqShift, seqSlice, seqTruncate, type Seq } from '../../src/sim/kernel/seq';
import { table, tableCopy, tableDelete, tableForEach, tableGet, tableRecord, tableSet, tableAt, type Table } from '../../src/sim/kernel/table';
import { copyState, sharedBytes, type CopyCost } from '../../src/sim/kernel/snapshot';
import { LimitExceeded, STRUCTURE_LIMITS } from '../../src/sim/kernel/limits';

const cost = (): CopyCost => ({ bytes: 0, shared: [] });

// Operations on a sequence, as a model (a plain array) would do them. Sizes cross chunk
// boundaries often: a few thousand items over chunks of 1,024.
type SeqOp = { push: number } | { shift: true } | { drop: number } | { cut: number } | { filterOdd: true } | { snap: true } | { restore: number };
const seqOp: fc.Arbitrary<SeqOp> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 1500 }).map((push) => ({ push })) },
  { weight: 2, arbitrary: fc.constant({ shift: true as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1500 }).map((drop) => ({ drop })) },
  // A cut lands anywhere in what is there (as a fraction of the length), often inside a full chunk.
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1000 }).map((k) => ({ cut: k / 1000 })) },
  { weight: 1, arbitrary: fc.constant({ filterOdd: true as const }) },
  { weight: 2, arbitrary: fc.constant({ snap: true as const }) },
  { weight: 2, arbitrary: fc.nat().map((restore) => ({ restore })) },
);

describe('Seq, the chunked sequence', () => {
  it('behaves as an array under any mix of operations, and checkpoints of it never change', () => {
    fc.assert(
      fc.property(fc.array(seqOp, { minLength: 5, maxLength: 40, size: 'max' }), (ops) => {
        let s: Seq<number> = seq();
        let model: number[] = [];
        let next = 0;
        // Each checkpoint with the contents it had when taken: later writes must not reach it.
        const snaps: { s: Seq<number>; model: number[] }[] = [];
        for (const op of ops) {
          if ('push' in op) {
            for (let i = 0; i < op.push; i++) {
              seqPush(s, next);
              model.push(next++);
            }
          } else if ('shift' in op) expect(seqShift(s)).toBe(model.shift());
          else if ('drop' in op) {
            seqDropFront(s, op.drop);
            model.splice(0, op.drop);
          }
          else if ('cut' in op) {
            const n = Math.floor(op.cut * model.length);
            seqTruncate(s, n);
            model.length = n;
          }
          else if ('filterOdd' in op) {
            seqFilter(s, (x) => x % 2 === 1);
            model = model.filter((x) => x % 2 === 1);
          }
          else if ('snap' in op) snaps.push({ s: copyState(s, cost()), model: model.slice() });
          else if (snaps.length > 0) {
            const from = snaps[op.restore % snaps.length];
            s = copyState(from.s, cost());
            model = from.model.slice();
          }
          expect(s.length).toBe(model.length);
          expect(seqPeek(s)).toBe(model[0]);
          // Every chunk but the last is full: the invariant sharing relies on.
          s.chunks.slice(0, -1).forEach((c) => expect(c.length).toBe(SEQ_CHUNK));
        }
        expect(seqSlice(s)).toEqual(model);
        for (const i of [0, 1, model.length >> 1, model.length - 1]) expect(seqAt(s, i)).toBe(model[i]);
        for (const sn of snaps) expect(seqSlice(sn.s)).toEqual(sn.model);
      }),
      { numRuns: 150 },
    );
  });

  it('a copy shares the full chunks and copies only the one being filled', () => {
    const s = seq<number>();
    for (let i = 0; i < 5 * SEQ_CHUNK + 10; i++) seqPush(s, i);
    const c = cost();
    const copy = copyState(s, c);
    expect(c.shared).toHaveLength(5);
    copy.chunks.slice(0, 5).forEach((chunk, i) => expect(chunk).toBe(s.chunks[i]));
    expect(copy.chunks[5]).not.toBe(s.chunks[5]);
    // Estimated bytes: the chunk list and ten items, not five thousand.
    expect(c.bytes).toBeLessThan(1000);
  });

  it('stops at its limit with a sentence naming what overflowed', () => {
    const s = seq<number>('cpu');
    const max = STRUCTURE_LIMITS.cpu.max;
    for (let i = 0; i < max; i++) seqPush(s, i);
    let thrown: unknown;
    try {
      seqPush(s, 0);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LimitExceeded);
    expect((thrown as LimitExceeded).sentence('db1', 12_300_000)).toBe(`db1's CPU queue passed its limit of ${max.toLocaleString('en-US')} waiting requests at t = 12.3 s`);
  });
});

type TableOp = { set: [number, number, number] } | { del: number } | { copy: true } | { snap: true } | { restore: number };
const tableOp: fc.Arbitrary<TableOp> = fc.oneof(
  // Keys from a space wider than a page, so writes land on many pages.
  { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 0, max: 1 }), fc.double({ noNaN: true })).map((set) => ({ set })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 900 }).map((del) => ({ del })) },
  { weight: 1, arbitrary: fc.constant({ copy: true as const }) },
  { weight: 1, arbitrary: fc.constant({ snap: true as const }) },
  { weight: 1, arbitrary: fc.nat().map((restore) => ({ restore })) },
);

/** Key names of every form: named by number as clients name keys (found without a Map), and others (found with one). */
const keyOf = (k: number) => (k % 3 === 0 ? `k${k}` : k % 3 === 1 ? `cmd:${k}` : `k0${k}`);

function contents(t: Table): [string, number, number][] {
  const out: [string, number, number][] = [];
  tableForEach(t, (k, s) => out.push([k, tableAt(t, s, 0), tableAt(t, s, 1)]));
  return out;
}

describe('Table, the copy-on-write key table', () => {
  it('behaves as a map under any mix of operations; copies and checkpoints never see later writes', () => {
    fc.assert(
      fc.property(fc.array(tableOp, { minLength: 20, maxLength: 400, size: 'max' }), (ops) => {
        let t = table(2);
        let model = new Map<string, [number, number]>();
        const frozen: { t: Table; model: Map<string, [number, number]> }[] = [];
        for (const op of ops) {
          if ('set' in op) {
            const [k, col, v] = op.set;
            const key = keyOf(k);
            tableSet(t, key, col, v);
            const row = model.get(key) ?? [0, 0];
            row[col] = v;
            model.set(key, row);
          } else if ('del' in op) expect(tableDelete(t, keyOf(op.del))).toBe(model.delete(keyOf(op.del)));
          else if ('copy' in op) {
            // A snapshot sent in a message: the original keeps working, the copy keeps its contents.
            frozen.push({ t: tableCopy(t), model: new Map([...model].map(([k, v]) => [k, [...v] as [number, number]])) });
          } else if ('snap' in op) frozen.push({ t: copyState(t, cost()), model: new Map([...model].map(([k, v]) => [k, [...v] as [number, number]])) });
          else if (frozen.length > 0) {
            const from = frozen[op.restore % frozen.length];
            t = copyState(from.t, cost());
            model = new Map([...from.model].map(([k, v]) => [k, [...v] as [number, number]]));
          }
          expect(t.size).toBe(model.size);
        }
        const sortByKey = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => (a[0] < b[0] ? -1 : 1);
        const asRows = (m: Map<string, [number, number]>) => [...m].map(([k, [a, b]]) => [k, a, b] as [string, number, number]).sort(sortByKey);
        expect(contents(t).sort(sortByKey)).toEqual(asRows(model));
        for (const f of frozen) expect(contents(f.t).sort(sortByKey)).toEqual(asRows(f.model));
        for (const [k, [a, b]] of model) {
          expect(tableGet(t, k, 0)).toBe(a);
          expect(tableGet(t, k, 1)).toBe(b);
        }
        expect(tableGet(t, 'absent')).toBeUndefined();
        expect(tableGet(t, 'k901')).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('a checkpoint costs the pages written since the last one, not the keys held', () => {
    const t = table(2);
    for (let i = 0; i < 50_000; i++) {
      tableSet(t, `cmd:${i}`, 0, i);
      tableSet(t, `cmd:${i}`, 1, i + 1);
    }
    copyState(t, cost());
    // A few writes to hot keys, then the next checkpoint.
    for (let i = 0; i < 100; i++) tableSet(t, `cmd:${i % 10}`, 0, -i);
    const before = t.pages.slice();
    const c = cost();
    copyState(t, c);
    const rewritten = t.pages.filter((p, i) => p !== before[i]).length;
    expect(rewritten).toBe(0);
    // All pages are shared; of them, only the first was copied since the last checkpoint.
    expect(c.shared.length).toBe(t.pages.length + Math.floor(50_000 / SEQ_CHUNK));
    expect(c.bytes).toBeLessThan(20_000);
    expect(tableRecord(t)['cmd:3']).toBe(-93);
  });

  it('estimates the bytes of a shared part', () => {
    expect(sharedBytes(new Float64Array(256 * 3))).toBeGreaterThanOrEqual(256 * 3 * 8);
    expect(sharedBytes(Array.from({ length: 1024 }, (_, i) => ({ i, s: 'x' })))).toBeGreaterThan(1024 * 24);
  });
});

describe('copyState', () => {
  it('copies plain data exactly, keeping what JSON would lose', () => {
    const x = { a: [1, -0, NaN, Infinity], b: { c: undefined, d: 'text', e: new Float64Array([1.5, 2]) }, q: null };
    const c = copyState(x, cost());
    expect(c).toEqual(x);
    expect(Object.is(c.a[1], -0)).toBe(true);
    expect('c' in c.b).toBe(true);
    expect(c.b.e).not.toBe(x.b.e);
    c.a.push(5);
    expect(x.a).toHaveLength(4);
  });

  it('shares what can never change, and counts it as if copied', () => {
    // A sequence's items are never changed once pushed; a frozen object cannot be.
    const s = seq<{ n: number }>();
    for (let i = 0; i < SEQ_CHUNK + 3; i++) seqPush(s, { n: i });
    const entry = Object.freeze([7, 1_000, 'db1']);
    const x = { s, entry, open: { n: 1 } };
    const shared = cost();
    const c = copyState(x, shared);
    expect(c.s.chunks[1]).not.toBe(s.chunks[1]);
    expect(c.s.chunks[1][2]).toBe(s.chunks[1][2]);
    expect(c.entry).toBe(entry);
    expect(c.open).not.toBe(x.open);
    // The copy still owns its array of the chunk being filled: pushing to one leaves the other.
    seqPush(s, { n: -1 });
    expect(c.s.length).toBe(SEQ_CHUNK + 3);
    expect(c.s.chunks[1]).toHaveLength(3);
    // Counted as a deep copy of the same state would be: what the checkpoint keeps alive.
    const thawed = { s: { ...s, chunks: [s.chunks[0], s.chunks[1].slice(0, 3).map((o) => ({ ...o }))], length: SEQ_CHUNK + 3 }, entry: [...entry], open: { n: 1 } };
    const deep = cost();
    copyState(thawed, deep);
    expect(shared.bytes).toBe(deep.bytes);
  });
});
