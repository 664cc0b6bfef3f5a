import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/sim/kernel/component';
import {
  checkLinearizability,
  checkOperations,
  kvModel,
  parseHistoryText,
  registerModel,
  type KvInput,
  type KvOutput,
  type LinearizabilityResult,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
} from '../../src/sim/checks/linearizability';
import { searchPartition } from '../../src/sim/checks/linearizability/search';
import { LINEARIZABILITY_DATA_DIR } from '../fixtures/linearizability';

const verdictOf = (linearizable: boolean) => (linearizable ? 'linearizable' : 'not linearizable');

const DATA_DIR = LINEARIZABILITY_DATA_DIR;
const EXPECTED_PATH = join(DATA_DIR, 'expected.json');
const expected: Record<string, boolean> = existsSync(EXPECTED_PATH)
  ? (JSON.parse(readFileSync(EXPECTED_PATH, 'utf8')) as { linearizable: Record<string, boolean> }).linearizable
  : {};

describe('reference histories (Porcupine test data, known verdicts)', () => {
  it('the test data is where the tests expect it', () => {
    expect(existsSync(EXPECTED_PATH), `missing ${EXPECTED_PATH}: the reference histories belong in tests/fixtures/linearizability/`).toBe(true);
  });

  it('every history file on disk has a verdict, except the one the README says has none', () => {
    const onDisk = ['jepsen-etcd', 'kv'].flatMap((dir) => readdirSync(join(DATA_DIR, dir)).map((f) => `${dir}/${f}`));
    const withoutVerdict = onDisk.filter((f) => !(f in expected));
    expect(withoutVerdict).toEqual(['jepsen-etcd/etcd_095.log']);
    expect(Object.keys(expected).every((f) => onDisk.includes(f))).toBe(true);
  });

  it.each(Object.entries(expected))('%s', (file, linearizable) => {
    const parsed = parseHistoryText(readFileSync(join(DATA_DIR, file), 'utf8'));
    expect(parsed.operations.length).toBeGreaterThan(0);
    const result = checkLinearizability(parsed);
    expect(result.verdict).toBe(verdictOf(linearizable));
    if (linearizable) {
      expect(result.counterexample).toBeUndefined();
    } else {
      expectSaneCounterexample(result);
    }
  });
});

/** What a user reading a counterexample relies on. */
function expectSaneCounterexample(result: LinearizabilityResult): void {
  const cx = result.counterexample!;
  expect(cx).toBeDefined();
  expect(cx.stuck.length).toBeGreaterThan(0);
  expect(cx.prefixLength).toBeGreaterThanOrEqual(cx.linearized.length);
  const placed = new Set(cx.linearized.map((o) => o.ref));
  for (const op of cx.stuck) {
    expect(placed.has(op.ref)).toBe(false);
    expect(op.key).toBe(cx.key);
  }
  const failing = result.partitions.find((p) => p.key === cx.key);
  expect(failing?.verdict).toBe('not linearizable');
}

// ---------------------------------------------------------------------------------------
// Hand-made histories in the project's own format (a read / write register per key).

let opCounter = 0;
/** One operation as the project's client records it: an invocation and its completion. */
function op(
  f: 'read' | 'write',
  value: number | null,
  invokeUs: number,
  completion: { type: 'ok' | 'fail' | 'info'; atUs: number; value?: number | null } | null,
  key = 'k',
  client = 'c',
): HistoryEntry[] {
  const id = `${client}#${++opCounter}`;
  const invoke: HistoryEntry = { op: id, client, type: 'invoke', f, key, value: f === 'write' ? value : null, atUs: invokeUs };
  if (!completion) return [invoke];
  const done: HistoryEntry = {
    op: id, client, type: completion.type, f, key, atUs: completion.atUs,
    value: f === 'read' ? (completion.value ?? value) : value,
  };
  return [invoke, done];
}

const write = (v: number, from: number, to: number, type: 'ok' | 'fail' | 'info' = 'ok', key = 'k') => op('write', v, from, { type, atUs: to }, key);
const read = (v: number | null, from: number, to: number, key = 'k') => op('read', null, from, { type: 'ok', atUs: to, value: v }, key);

/** Entries in time order, as a run records them. */
function history(...ops: HistoryEntry[][]): HistoryEntry[] {
  return ops.flat().sort((a, b) => a.atUs - b.atUs);
}

describe('register histories in the project format', () => {
  it('a sequential history that reads what was written is linearizable', () => {
    const h = history(read(null, 0, 5), write(1, 10, 20), read(1, 30, 40), write(2, 50, 60), read(2, 70, 80));
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('linearizable');
    expect(r.operations).toBe(5);
  });

  it('concurrent reads may see the old or the new value while a write is in flight', () => {
    const h = history(write(1, 0, 10), write(2, 20, 100), read(2, 30, 40), read(2, 50, 60), read(2, 110, 120));
    expect(checkLinearizability(h).verdict).toBe('linearizable');
    const flipFlop = history(write(1, 0, 10), write(2, 20, 100), read(2, 30, 40), read(1, 50, 60));
    expect(checkLinearizability(flipFlop).verdict).toBe('not linearizable');
  });

  it('a stale read after a completed write is not linearizable, and the counterexample names it', () => {
    const h = history(write(1, 0, 10), read(1, 20, 30), write(2, 40, 50), read(1, 60, 70));
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('not linearizable');
    const cx = r.counterexample!;
    expect(cx.key).toBe('k');
    expect(cx.linearized.map((o) => o.description)).toEqual(['write(1)', 'read() -> 1', 'write(2)']);
    expect(cx.stateAfter).toBe('2');
    expect(cx.stuck).toEqual([expect.objectContaining({ description: 'read() -> 1', callAt: 60, returnAt: 70, rejectedByModel: true })]);
  });

  it('a write that timed out (info) may take effect long after its timeout', () => {
    // write(2) timed out at 30; a read at 40 still sees 1, a read at 60 sees 2: only
    // possible if the write landed late, after its client gave up.
    const late = history(write(1, 0, 10), write(2, 20, 30, 'info'), read(1, 40, 50), read(2, 60, 70));
    expect(checkLinearizability(late).verdict).toBe('linearizable');
    // It may also never take effect.
    expect(checkLinearizability(history(write(1, 0, 10), write(2, 20, 30, 'info'), read(1, 40, 50))).verdict).toBe('linearizable');
    // But once seen it cannot be undone.
    const undone = history(write(1, 0, 10), write(2, 20, 30, 'info'), read(2, 40, 50), read(1, 60, 70));
    expect(checkLinearizability(undone).verdict).toBe('not linearizable');
  });

  it('a timed-out write nobody read is not searched over; one somebody read happened before that read', () => {
    const unseen = history(write(1, 0, 10), write(2, 20, 30, 'info'), write(3, 20, 30, 'info'), read(1, 40, 50));
    expect(checkLinearizability(unseen)).toMatchObject({ verdict: 'linearizable', operations: 4, dropped: 2, checkedOperations: 2 });
    // write(2) was seen by the read that returned at 50, so it happened by then: the read
    // of 1 invoked at 55 comes after it.
    const seen = history(write(1, 0, 10), write(2, 20, 30, 'info'), read(2, 40, 50), read(1, 55, 60));
    const r = checkLinearizability(seen);
    expect(r).toMatchObject({ verdict: 'not linearizable', dropped: 0 });
    expect(r.counterexample?.stuck[0]).toMatchObject({ description: 'read() -> 1' });
    // While the read that saw it was still running, either order was possible.
    const overlapping = history(write(1, 0, 10), write(2, 20, 30, 'info'), read(2, 40, 60), read(1, 45, 55));
    expect(checkLinearizability(overlapping).verdict).toBe('linearizable');
  });

  it('a write with no completion at all is of unknown outcome too', () => {
    const h = history(write(1, 0, 10), op('write', 2, 20, null), read(1, 40, 50), read(2, 60, 70));
    expect(checkLinearizability(h).verdict).toBe('linearizable');
  });

  it('a failed write certainly did not happen', () => {
    const h = history(write(1, 0, 10), write(2, 20, 30, 'fail'), read(2, 40, 50));
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.dropped).toBe(1);
  });

  it('reads that failed or timed out constrain nothing', () => {
    const h = history(
      write(1, 0, 10),
      op('read', null, 20, { type: 'fail', atUs: 30, value: 7 }),
      op('read', null, 20, { type: 'info', atUs: 30, value: 8 }),
      op('read', null, 20, null),
      read(1, 40, 50),
    );
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('linearizable');
    expect(r.dropped).toBe(3);
    expect(r.checkedOperations).toBe(2);
  });

  it('keys are independent registers', () => {
    const h = history(write(1, 0, 10, 'ok', 'a'), write(5, 0, 10, 'ok', 'b'), read(1, 20, 30, 'a'), read(5, 20, 30, 'b'), read(null, 20, 30, 'c'));
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('linearizable');
    expect(r.partitionCount).toBe(3);
    expect(r.partitions.map((p) => [p.key, p.operations, p.verdict])).toEqual([
      ['a', 2, 'linearizable'],
      ['b', 2, 'linearizable'],
      ['c', 1, 'linearizable'],
    ]);
  });

  it('the counterexample is on the key that fails', () => {
    const h = history(write(1, 0, 10, 'ok', 'a'), read(1, 20, 30, 'a'), write(1, 0, 10, 'ok', 'b'), read(null, 20, 30, 'b'));
    const r = checkLinearizability(h);
    expect(r.verdict).toBe('not linearizable');
    expect(r.counterexample?.key).toBe('b');
    expect(r.partitions.find((p) => p.key === 'b')?.verdict).toBe('not linearizable');
  });

  it('accepts the app export form { history: [...] }', () => {
    const h = history(write(1, 0, 10), read(3, 20, 30));
    expect(checkLinearizability({ history: h }).verdict).toBe('not linearizable');
  });

  it('operations that touch in time count as concurrent', () => {
    // The read starts in the microsecond the write ends: either order is possible.
    expect(checkLinearizability(history(write(1, 0, 10), read(null, 10, 20))).verdict).toBe('linearizable');
    expect(checkLinearizability(history(write(1, 0, 10), read(null, 11, 20))).verdict).toBe('not linearizable');
  });

  it('an empty history is linearizable', () => {
    const r = checkLinearizability([]);
    expect(r).toMatchObject({ verdict: 'linearizable', operations: 0, partitionCount: 0 });
  });

  it('a malformed history gives unknown with a sentence, not an exception', () => {
    const completesTwice = [...write(1, 0, 10), { ...write(1, 0, 10)[1], op: 'c#x' }];
    const r = checkLinearizability(completesTwice);
    expect(r.verdict).toBe('unknown');
    expect(r.unknownReason).toBe('invalid-history');
    expect(r.message).toMatch(/entry 2: operation 'c#x' completes but was never invoked/);
    const backwards = [{ ...write(1, 0, 10)[0], atUs: 50 }, { ...write(1, 0, 10)[1] }];
    backwards[1].op = backwards[0].op;
    expect(checkLinearizability(backwards).message).toMatch(/completes before it was invoked/);
  });

  it('the result is plain data: it survives structuredClone and JSON unchanged', () => {
    const r = checkLinearizability(history(write(1, 0, 10), write(2, 20, 30, 'info'), read(2, 40, 50), read(1, 60, 70)));
    expect(r.verdict).toBe('not linearizable');
    expect(structuredClone(r)).toEqual(r);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    // The unknown write never returned: null, not Infinity.
    const unknownWrite = [...r.counterexample!.linearized, ...r.counterexample!.stuck].find((o) => o.description.includes('write(2)'));
    expect(unknownWrite?.returnAt).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Compare-and-set, through the generic API.

type RegOp = Operation<RegisterInput, RegisterOutput>;
function reg(input: RegisterInput, output: RegisterOutput | undefined, callAt: number, returnAt: number, key = ''): RegOp {
  return { ref: `op@${callAt}`, client: 'c', key, input, output, callAt, returnAt: output === undefined ? Infinity : returnAt };
}

describe('register model: compare-and-set', () => {
  it('a cas that fails because the value differs is linearizable', () => {
    const ops = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 3, to: 4 }, false, 20, 30), reg({ f: 'read' }, 1, 40, 50)];
    expect(checkOperations(registerModel, ops).verdict).toBe('linearizable');
  });

  it('a cas that fails although the register held its expected value is not', () => {
    const ops = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 1, to: 2 }, false, 20, 30)];
    const r = checkOperations(registerModel, ops);
    expect(r.verdict).toBe('not linearizable');
    expect(r.counterexample?.stuck[0]).toMatchObject({ description: 'cas(1, 2) -> fail', rejectedByModel: true });
  });

  it('a successful cas swaps the value, and only when it matched', () => {
    const ok = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 1, to: 2 }, true, 20, 30), reg({ f: 'read' }, 2, 40, 50)];
    expect(checkOperations(registerModel, ok).verdict).toBe('linearizable');
    const mismatched = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 5, to: 2 }, true, 20, 30)];
    expect(checkOperations(registerModel, mismatched).verdict).toBe('not linearizable');
    // A cas on a never-written register compares with nil.
    expect(checkOperations(registerModel, [reg({ f: 'cas', from: null, to: 7 }, true, 0, 10), reg({ f: 'read' }, 7, 20, 30)]).verdict).toBe('linearizable');
  });

  it('a failed cas concurrent with the write that made it fail is linearizable', () => {
    const ops = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 1, to: 2 }, false, 20, 40), reg({ f: 'write', value: 3 }, null, 15, 35), reg({ f: 'read' }, 3, 50, 60)];
    expect(checkOperations(registerModel, ops).verdict).toBe('linearizable');
  });

  it('a cas of unknown outcome may have swapped late', () => {
    const ops = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'cas', from: 1, to: 2 }, undefined, 20, 0), reg({ f: 'read' }, 1, 40, 50), reg({ f: 'read' }, 2, 60, 70)];
    expect(checkOperations(registerModel, ops).verdict).toBe('linearizable');
    // ...but not before it was invoked.
    const early = [reg({ f: 'write', value: 1 }, null, 0, 10), reg({ f: 'read' }, 2, 12, 15), reg({ f: 'cas', from: 1, to: 2 }, undefined, 20, 0)];
    expect(checkOperations(registerModel, early).verdict).toBe('not linearizable');
  });

  it('an operation of unknown outcome never returns, whatever its returnAt says (e.g. its timeout)', () => {
    const timedOutAt30 = { ...reg({ f: 'write', value: 2 }, undefined, 20, 0), returnAt: 30 };
    const ops = [reg({ f: 'write', value: 1 }, null, 0, 10), timedOutAt30, reg({ f: 'read' }, 1, 40, 50), reg({ f: 'read' }, 2, 60, 70)];
    const r = checkOperations(registerModel, ops);
    expect(r.verdict).toBe('linearizable');
  });

  it('garbage operations are reported, not thrown', () => {
    const bad = [reg({ f: 'write', value: Number.NaN }, null, 0, 10)];
    expect(checkOperations(registerModel, bad)).toMatchObject({ verdict: 'unknown', unknownReason: 'invalid-history' });
    const backwards = [reg({ f: 'read' }, 1, 10, 5)];
    expect(checkOperations(registerModel, backwards).message).toMatch(/returns before it is called/);
    const wrongShape = [{ ...reg({ f: 'read' }, null, 0, 1), input: { f: 'delete' } } as unknown as RegOp];
    expect(checkOperations(registerModel, wrongShape).message).toMatch(/unknown register operation 'delete'/);
  });
});

// ---------------------------------------------------------------------------------------
// Key-value model.

type KvOp = Operation<KvInput, KvOutput>;
function kv(key: string, input: KvInput, output: KvOutput | undefined, callAt: number, returnAt: number): KvOp {
  return { ref: `${key}@${callAt}`, client: 'c', key, input, output, callAt, returnAt: output === undefined ? Infinity : returnAt };
}
const get = (key: string, v: string, a: number, b: number) => kv(key, { f: 'get' }, v, a, b);
const put = (key: string, v: string, a: number, b: number) => kv(key, { f: 'put', value: v }, null, a, b);
const append = (key: string, v: string, a: number, b: number, unknown = false) => kv(key, { f: 'append', value: v }, unknown ? undefined : null, a, b);

describe('key-value model', () => {
  it('appends concatenate, gets see the whole value', () => {
    const ops = [get('x', '', 0, 5), put('x', 'a', 10, 20), append('x', 'b', 30, 40), get('x', 'ab', 50, 60), append('x', 'c', 70, 90), get('x', 'ab', 75, 80)];
    expect(checkOperations(kvModel, ops).verdict).toBe('linearizable');
  });

  it('concurrent appends may land in either order, but one order for everyone', () => {
    const either = [append('x', 'a', 0, 20), append('x', 'b', 5, 25), get('x', 'ba', 30, 40)];
    expect(checkOperations(kvModel, either).verdict).toBe('linearizable');
    const twoOrders = [append('x', 'a', 0, 20), append('x', 'b', 5, 25), get('x', 'ba', 30, 40), get('x', 'ab', 50, 60)];
    expect(checkOperations(kvModel, twoOrders).verdict).toBe('not linearizable');
  });

  it('sequential appends seen in the wrong order are not linearizable', () => {
    const ops = [append('x', 'a', 0, 10), append('x', 'b', 20, 30), get('x', 'ba', 40, 50)];
    const r = checkOperations(kvModel, ops);
    expect(r.verdict).toBe('not linearizable');
    expect(r.counterexample).toMatchObject({ key: 'x', stateAfter: '"ab"' });
  });

  it('an append of unknown outcome may land after later operations', () => {
    const late = [append('x', 'a', 0, 10), append('x', 'b', 20, 0, true), get('x', 'a', 30, 40), append('x', 'c', 50, 60), get('x', 'acb', 70, 80)];
    expect(checkOperations(kvModel, late).verdict).toBe('linearizable');
    const undone = [append('x', 'a', 0, 10), append('x', 'b', 20, 0, true), get('x', 'ab', 30, 40), get('x', 'a', 50, 60)];
    expect(checkOperations(kvModel, undone).verdict).toBe('not linearizable');
  });

  it('checks each key on its own', () => {
    const ops = [put('x', '1', 0, 10), put('y', '2', 0, 10), get('x', '1', 20, 30), get('y', '2', 20, 30), get('z', '', 20, 30)];
    const r = checkOperations(kvModel, ops);
    expect(r.verdict).toBe('linearizable');
    expect(r.partitions.map((p) => p.key)).toEqual(['x', 'y', 'z']);
    const crossed = [put('x', '1', 0, 10), get('y', '1', 20, 30)];
    expect(checkOperations(kvModel, crossed)).toMatchObject({ verdict: 'not linearizable', counterexample: { key: 'y' } });
  });

  it('a get of unknown outcome is dropped', () => {
    const ops = [put('x', 'a', 0, 10), kv('x', { f: 'get' }, undefined, 20, 0), get('x', 'a', 30, 40)];
    const r = checkOperations(kvModel, ops);
    expect(r).toMatchObject({ verdict: 'linearizable', dropped: 1, checkedOperations: 2 });
  });
});

// ---------------------------------------------------------------------------------------
// Budgets.

/** Many concurrent writes and a read that no order explains: the search must try them all. */
function hardHistory(writers: number): RegOp[] {
  const ops: RegOp[] = [];
  for (let i = 0; i < writers; i++) ops.push(reg({ f: 'write', value: i }, null, 0, 100));
  for (let i = 0; i < writers; i++) ops.push(reg({ f: 'read' }, i, 0, 100));
  ops.push(reg({ f: 'read' }, 999, 0, 100));
  return ops;
}

describe('budgets', () => {
  it('the step budget turns a long search into unknown, with the steps it took', () => {
    const full = checkOperations(registerModel, hardHistory(10));
    expect(full.verdict).toBe('not linearizable');
    expect(full.steps).toBeGreaterThan(1000);
    const cut = checkOperations(registerModel, hardHistory(10), { budgetSteps: 1000 });
    expect(cut).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-steps', steps: 1000 });
    expect(cut.message).toMatch(/step budget/);
    expect(cut.partitions[0]).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-steps' });
  });

  it('the time budget reads only the clock it is given', () => {
    let fakeMs = 0;
    const now = () => (fakeMs += 1);
    const r = checkOperations(registerModel, hardHistory(12), { now, budgetMs: 5 });
    expect(r).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-time' });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(5);
    // Without `now` there is no time budget: the search runs to a verdict.
    expect(checkOperations(registerModel, hardHistory(8), { budgetMs: 0 }).verdict).toBe('not linearizable');
  });

  it('the memory budget stops the search instead of exhausting the worker', () => {
    const r = checkOperations(registerModel, hardHistory(14), { budgetMemoBytes: 64 * 1024 });
    expect(r).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-memory' });
  });

  it('a violation on one key is reported even when another key exhausts the budget', () => {
    const hopeless = hardHistory(14).map((o) => ({ ...o, key: 'a' }));
    const broken = [reg({ f: 'write', value: 1 }, null, 0, 10, 'b'), reg({ f: 'read' }, 2, 20, 30, 'b')];
    const r = checkOperations(registerModel, [...hopeless, ...broken], { budgetSteps: 5_000_000 });
    expect(r.verdict).toBe('not linearizable');
    expect(r.counterexample?.key).toBe('b');
    expect(r.partitions.find((p) => p.key === 'a')?.verdict).toBe('not checked');
    // Asked for every key, the hopeless one runs until the budget ends it.
    const all = checkOperations(registerModel, [...hopeless, ...broken], { budgetSteps: 200_000, allPartitions: true });
    expect(all.verdict).toBe('not linearizable');
    expect(all.steps).toBe(200_000);
    expect(all.partitions.find((p) => p.key === 'a')).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-steps' });
  });

  it('too many operations are refused up front', () => {
    const r = checkOperations(registerModel, hardHistory(3), { maxOperations: 5 });
    expect(r).toMatchObject({ verdict: 'unknown', unknownReason: 'too-many-operations', operations: 7 });
  });

  it('the same input gives the same result, steps included', () => {
    const text = readFileSync(join(DATA_DIR, 'kv/c10-bad.txt'), 'utf8');
    const a = checkLinearizability(parseHistoryText(text));
    const b = checkLinearizability(parseHistoryText(text));
    expect(a.verdict).toBe('not linearizable');
    expect(b).toEqual(a);
  });
});

describe('memoisation', () => {
  it('the memo stays exact when its hash is useless: reference verdicts with a 3-bit hash', () => {
    for (const file of ['jepsen-etcd/etcd_000.log', 'jepsen-etcd/etcd_025.log', 'jepsen-etcd/etcd_053.log', 'jepsen-etcd/etcd_080.log', 'kv/c10-ok.txt']) {
      const parsed = parseHistoryText(readFileSync(join(DATA_DIR, file), 'utf8'));
      const keys = [...new Set(parsed.operations.map((o) => o.key))];
      const verdicts = keys.map((key) => {
        const ops = parsed.operations.filter((o) => o.key === key);
        const gen = parsed.model === 'kv' ? searchPartition(kvModel, ops as KvOp[], 10, 0b111) : searchPartition(registerModel, ops as RegOp[], 10, 0b111);
        let step = gen.next(0);
        while (!step.done) step = gen.next(1 << 30);
        return step.value.verdict;
      });
      expect(verdicts.includes('not linearizable') ? 'not linearizable' : 'linearizable').toBe(verdictOf(expected[file]));
    }
  });
});
