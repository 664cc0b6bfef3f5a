import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { table, tableAt, tableDelete, tableForEach, tableGet, tableSet, type Table, type TableImage } from '../../src/sim/kernel/table';
import { copyState, trackedCost, type CopyCost } from '../../src/sim/kernel/snapshot';

// A checkpoint holds a table as an image: whole, or a delta of the rows written since the
// image before. Restored from any image, at any time, in any order, a table must hold what
// the live one held when the image was made, and carry on from there (its next image a delta
// on the one it came from).

type Model = Map<string, [number, number]>;
type Op = { set: [number, number, number] } | { del: number } | { image: true } | { restore: number } | { burst: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  // Keys over four pages and beyond, so deltas reach new pages and whole images come back.
  { weight: 10, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: -1e6, max: 1e6 })).map((set) => ({ set })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1100 }).map((del) => ({ del })) },
  // Many writes at once: a delta too big for the chain, so the next image is whole.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1100 }).map((burst) => ({ burst })) },
  { weight: 3, arbitrary: fc.constant({ image: true as const }) },
  { weight: 1, arbitrary: fc.nat().map((restore) => ({ restore })) },
);

const keyOf = (k: number) => (k % 2 === 0 ? `k${k}` : `job:${k}`);
const untracked = (): CopyCost => ({ bytes: 0, shared: [] });

function rows(t: Table): [string, number, number][] {
  const out: [string, number, number][] = [];
  tableForEach(t, (k, s) => out.push([k, tableAt(t, s, 0), tableAt(t, s, 1)]));
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
function modelRows(m: Model): [string, number, number][] {
  return [...m].map(([k, [a, b]]) => [k, a, b] as [string, number, number]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Runs the operations; returns the images made (with what each must hold) for the caller to check. */
function run(ops: Op[]): { images: { image: TableImage; model: Model }[]; deltas: number } {
  let t = table(2);
  let model: Model = new Map();
  const images: { image: TableImage; model: Model }[] = [];
  let since = -1;
  let deltas = 0;
  const set = (k: number, col: number, v: number) => {
    tableSet(t, keyOf(k), col, v);
    const row = model.get(keyOf(k)) ?? [0, 0];
    row[col] = v;
    model.set(keyOf(k), row);
  };
  for (const o of ops) {
    if ('set' in o) set(o.set[0], o.set[1], o.set[2]);
    else if ('burst' in o) for (let k = 0; k < 1100; k++) set(k, k & 1, o.burst + k);
    else if ('del' in o) expect(tableDelete(t, keyOf(o.del))).toBe(model.delete(keyOf(o.del)));
    else if ('image' in o) {
      const cost = trackedCost(since);
      const image = copyState(t, cost) as unknown as TableImage;
      since = cost.track!.serial;
      if (image.pages === null) deltas++;
      images.push({ image, model: new Map([...model].map(([k, v]) => [k, [...v] as [number, number]])) });
    } else if (images.length > 0) {
      const from = images[o.restore % images.length];
      t = copyState(from.image, untracked()) as unknown as Table;
      model = new Map([...from.model].map(([k, v]) => [k, [...v] as [number, number]]));
    }
    expect(t.size).toBe(model.size);
  }
  expect(rows(t)).toEqual(modelRows(model));
  for (const [k, [a, b]] of model) expect([tableGet(t, k, 0), tableGet(t, k, 1)]).toEqual([a, b]);
  return { images, deltas };
}

describe('Table images: a checkpoint holds the rows written since the one before', () => {
  it('a table restored from any image holds what the live one held then, and carries on from there', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }), (ops) => {
        const { images } = run(ops);
        // Every image, restored now (after everything that came later), still holds its moment.
        for (const { image, model } of images) {
          const t = copyState(image, untracked()) as unknown as Table;
          expect(rows(t)).toEqual(modelRows(model));
          expect(t.size).toBe(model.size);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a checkpoint after a few writes holds those rows, not the pages they touched', () => {
    const t = table(2);
    for (let k = 0; k < 5_000; k++) tableSet(t, `k${k}`, 0, k);
    let cost = trackedCost(-1);
    const whole = copyState(t, cost) as unknown as TableImage;
    expect(whole.pages).toHaveLength(20);
    // 100 writes spread over every page, one deletion.
    for (let k = 0; k < 5_000; k += 50) tableSet(t, `k${k}`, 1, -k);
    tableDelete(t, 'k7');
    cost = trackedCost(cost.track!.serial);
    const pagesBefore = t.pages.slice();
    const delta = copyState(t, cost) as unknown as TableImage;
    expect(delta.pages).toBeNull();
    expect(delta.base).toBe(whole);
    expect(delta.slots).toHaveLength(101);
    // What the checkpoint made of its own: two small arrays, nothing of the 20 pages.
    expect(cost.track!.unknown).toEqual([delta.slots, delta.rows]);
    // After a delta the live table writes its pages in place (none is shared with it); the
    // whole image keeps the pages as they were.
    tableSet(t, 'k1', 0, 42);
    expect(t.pages).toEqual(pagesBefore);
    t.pages.forEach((p, i) => expect(p).toBe(pagesBefore[i]));
    expect(whole.pages![0][1 * 3 + 1]).toBe(1);
    const back = copyState(delta, untracked()) as unknown as Table;
    expect(tableGet(back, 'k50', 1)).toBe(-50);
    expect(tableGet(back, 'k7')).toBeUndefined();
    expect(tableGet(back, 'k1')).toBe(1);
    expect(back.size).toBe(4_999);
  });

  it('a chain of deltas ends in a whole image once the deltas hold as much as the pages', () => {
    const t = table(2);
    for (let k = 0; k < 1_024; k++) tableSet(t, `k${k}`, 0, k);
    let since = -1;
    const depths: number[] = [];
    for (let round = 0; round < 12; round++) {
      // A quarter of the keys each time: a delta holds a quarter of the pages' numbers, and a
      // chain at most twice the pages' numbers: eight deltas, then a whole image again.
      for (let k = round % 4; k < 1_024; k += 4) tableSet(t, `k${k}`, 1, round);
      const cost = trackedCost(since);
      depths.push((copyState(t, cost) as unknown as TableImage).depth);
      since = cost.track!.serial;
    }
    expect(depths).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2]);
  });
});
