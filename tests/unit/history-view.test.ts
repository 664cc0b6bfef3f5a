import { describe, expect, it } from 'vitest';
import { SimHost, type HistoryOp } from '../../src/sim/host';
import { validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import type { LinearizabilityResult, OpRef } from '../../src/sim/checks/linearizability';
import { layoutHistory, MAX_LANES, MAX_ROWS_PER_LANE, MIN_BAR_PX, tickFormat } from '../../src/app/history/layout';
import { explain, MAX_OFFENDERS, spanOf } from '../../src/app/history/explain';

// The history view's geometry and its plain-language explanation of a counterexample: pure
// functions, tested without a browser.

function op(n: number, invokeUs: number, completeUs: number | null, over: Partial<HistoryOp> = {}): HistoryOp {
  return { op: `app#${n}`, client: 'app', f: 'write', key: 'k1', value: n, invokeUs, completeUs, outcome: completeUs === null ? 'pending' : 'ok', ...over };
}

describe('the diagram layout', () => {
  it('one lane per client in scenario order, one row while operations do not overlap', () => {
    const l = layoutHistory([op(1, 0, 100), op(2, 200, 300), op(3, 50, 150, { client: 'batch' })], ['batch', 'app'], 0, 1000, 600, 1000);
    expect(l.lanes.map((x) => x.client)).toEqual(['batch', 'app']);
    expect(l.lanes.map((x) => x.rows)).toEqual([1, 1]);
    expect(l.hidden).toBe(0);
    const [a, b] = [l.placed.find((p) => p.op.op === 'app#1')!, l.placed.find((p) => p.op.op === 'app#2')!];
    expect(a.row).toBe(0);
    expect(b.row).toBe(0);
    expect(a.x0).toBe(0);
    expect(b.x0).toBeCloseTo(l.x(200));
    // Every bar is at least MIN_BAR_PX wide, however short the operation.
    expect(a.x1 - a.x0).toBeGreaterThanOrEqual(MIN_BAR_PX);
  });

  it('stacks concurrent operations in rows, at most MAX_ROWS_PER_LANE, and counts the rest', () => {
    const ops = Array.from({ length: 25 }, (_, i) => op(i, i, 10_000 + i));
    const l = layoutHistory(ops, ['app'], 0, 20_000, 800, 20_000);
    expect(l.lanes[0].rows).toBe(MAX_ROWS_PER_LANE);
    expect(l.placed.length).toBe(MAX_ROWS_PER_LANE);
    expect(l.hidden).toBe(25 - MAX_ROWS_PER_LANE);
    expect(l.lanes[0].hidden).toBe(25 - MAX_ROWS_PER_LANE);
  });

  it('gives the operations pointed at a row of their own, drawn even when the lane is full', () => {
    const ops = Array.from({ length: 25 }, (_, i) => op(i, i, 10_000 + i));
    const l = layoutHistory(ops, ['app'], 0, 20_000, 800, 20_000, new Set(['app#24', 'app#23']));
    const placed = new Set(l.placed.map((p) => p.op.op));
    expect(placed.has('app#24') && placed.has('app#23')).toBe(true);
    const rows = l.placed.filter((p) => p.op.op === 'app#24' || p.op.op === 'app#23').map((p) => p.row);
    expect(l.placed.filter((p) => rows.includes(p.row)).length).toBe(2);
  });

  it('runs an operation with no answer yet to the history\'s end, and clips to the window', () => {
    const l = layoutHistory([op(1, 500, null), op(2, -1000, 2000)], ['app'], 0, 1000, 400, 800);
    const open = l.placed.find((p) => p.op.op === 'app#1')!;
    expect(open.clippedRight).toBe(true);
    expect(open.x1).toBeCloseTo(l.x(800));
    const long = l.placed.find((p) => p.op.op === 'app#2')!;
    expect(long.clippedLeft && long.clippedRight).toBe(true);
    expect(long.x0).toBe(0);
    expect(long.x1).toBe(l.plotWidthPx);
  });

  it('draws at most MAX_LANES clients', () => {
    const ops = Array.from({ length: MAX_LANES + 3 }, (_, i) => op(i, 0, 10, { client: `c${i}` }));
    const l = layoutHistory(ops, [], 0, 100, 600, 100);
    expect(l.lanes.length).toBe(MAX_LANES);
    expect(l.hiddenClients).toBe(3);
    expect(l.hidden).toBe(3);
  });

  it('labels ticks with the decimals their spacing needs', () => {
    expect(tickFormat(1_000_000)(3_000_000)).toBe('3 s');
    expect(tickFormat(200_000)(3_200_000)).toBe('3.2 s');
    expect(tickFormat(5_000)(3_205_000)).toBe('3.205 s');
  });
});

const ref = (r: string, description: string, callAt: number, returnAt: number | null): OpRef => ({ ref: r, client: 'app', key: 'k7', description, callAt, returnAt });

function violation(linearized: OpRef[], stuck: (OpRef & { rejectedByModel: boolean })[], stateAfter: string): LinearizabilityResult {
  return {
    verdict: 'not linearizable', operations: 10, checkedOperations: 10, dropped: 0, steps: 5, partitionCount: 1, partitions: [],
    counterexample: { key: 'k7', prefixLength: linearized.length, linearized, stateAfter, stuck },
  };
}

describe('the explanation of a counterexample', () => {
  it('names the stale read, the write whose value it returned, and the write acknowledged before it began', () => {
    const res = violation(
      [ref('app#1', 'write(11)', 1_000, 2_000), ref('app#2', 'read() -> 11', 3_000, 4_000), ref('app#3', 'write(33)', 5_000, 6_000)],
      [{ ...ref('app#4', 'read() -> 11', 7_000, 9_000), rejectedByModel: true }],
      '33',
    );
    const ops = [op(1, 1_000, 2_000, { value: 11, node: 'db1' }), op(3, 5_000, 6_000, { value: 33, node: 'db1' }), op(4, 7_000, 9_000, { f: 'read', value: 11, node: 'db2' })];
    const e = explain(res, ops)!;
    expect(e.key).toBe('k7');
    expect(e.sentence).toBe(
      'On key k7, the read app#4 (app, 0.007 s to 0.009 s, served by db2) returned the value app#1 wrote. But app#3 had replaced that value, and it was acknowledged at 0.006 s, before the read began. ' +
        "A linearizable store would return app#3's value or a later one, so no order of the operations can place this read.",
    );
    expect(e.offenders.map((o) => [o.ref.ref, o.role, o.op?.node])).toEqual([
      ['app#1', 'source', 'db1'],
      ['app#2', 'prefix', undefined],
      ['app#3', 'overwrite', 'db1'],
      ['app#4', 'stuck', 'db2'],
    ]);
    const span = spanOf(e.offenders);
    expect(span.fromUs).toBeLessThanOrEqual(1_000);
    expect(span.toUs).toBeGreaterThanOrEqual(9_000);
  });

  it('says so when a read returned nothing after an acknowledged write', () => {
    const res = violation([ref('app#1', 'write(5)', 0, 10)], [{ ...ref('app#2', 'read() -> nil', 20, 30), rejectedByModel: true }], '5');
    expect(explain(res, [])!.sentence).toContain('returned nothing (as if the key had never been written). But app#1 had written the key');
  });

  it('falls back to the checker\'s terms when no read is refused outright', () => {
    const res = violation([ref('app#1', 'write(5)', 0, 10)], [{ ...ref('app#2', 'write(6) (outcome unknown)', 20, null), rejectedByModel: false }], '5');
    const e = explain(res, [])!;
    expect(e.sentence).toBe('On key k7, 1 operations can be put in an order that respects real time, leaving the value 5; but none of the operations that could come next (app#2 (write(6) (outcome unknown))) leads to a complete order.');
    expect(e.offenders.find((o) => o.ref.ref === 'app#2')!.role).toBe('stuck');
  });

  it('lists at most MAX_OFFENDERS operations, and nothing for other verdicts', () => {
    const stuck = Array.from({ length: 20 }, (_, i) => ({ ...ref(`app#${i + 10}`, `write(${i})`, 100 + i, null), rejectedByModel: false }));
    expect(explain(violation([ref('app#1', 'write(5)', 0, 10)], stuck, '5'), [])!.offenders.length).toBe(MAX_OFFENDERS);
    expect(explain({ ...violation([], [], 'nil'), verdict: 'linearizable', counterexample: undefined }, [])).toBeNull();
  });

  it('explains the async failover lesson with reads from the replica as a lost write seen by a read from db2', () => {
    const doc = structuredClone(builtIn('async-failover')!.document) as any;
    doc.nodes.find((n: { id: string }) => n.id === 'app').readTarget = 'db2';
    const h = new SimHost((x) => validateScenario(x) as never);
    h.load(doc);
    h.advanceTo(45_000_000);
    const res = h.linearizability();
    const first = explain(res, [])!;
    const w = h.historyWindow({ ...spanOf(first.offenders), key: first.key });
    const e = explain(res, w.ops)!;
    const stuck = e.offenders.find((o) => o.role === 'stuck')!;
    const overwrite = e.offenders.find((o) => o.role === 'overwrite')!;
    expect(stuck.op?.node).toBe('db2');
    expect(stuck.op?.f).toBe('read');
    // The write it conflicts with was acknowledged by db1 before the crash at 30 s; the read
    // came after db2's promotion.
    expect(overwrite.op?.node).toBe('db1');
    expect(overwrite.ref.returnAt!).toBeLessThan(30_000_000);
    expect(stuck.ref.callAt).toBeGreaterThan(35_000_000);
    expect(e.sentence).toMatch(new RegExp(`the read ${stuck.ref.ref} .* served by db2\\) returned the value app#\\d+ wrote\\. But ${overwrite.ref.ref} had replaced that value`));
  });
});
