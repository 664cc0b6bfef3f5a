import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/sim/kernel/component';
import {
  checkLinearizability,
  checkOperations,
  kvModel,
  registerModel,
  type KvInput,
  type KvOutput,
  type Model,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  type RegisterValue,
} from '../../src/sim/checks/linearizability';
import { searchPartition, type SearchOutcome } from '../../src/sim/checks/linearizability/search';

type RegOp = Operation<RegisterInput, RegisterOutput>;

/**
 * A planned operation: it takes effect at `at` (its linearization point) on a real
 * register; the client saw it from `at - before` to `at + after`.
 */
interface Planned {
  key: string;
  kind: 'read' | 'write' | 'cas';
  value: number;
  from: number | null;
  before: number;
  after: number;
  fate: 'ok' | 'unknown' | 'fail';
}

const plannedOp: fc.Arbitrary<Planned> = fc.record({
  key: fc.constantFrom('a', 'b', 'c'),
  kind: fc.constantFrom('read', 'write', 'cas'),
  value: fc.integer({ min: 0, max: 4 }),
  from: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  before: fc.integer({ min: 0, max: 60 }),
  after: fc.integer({ min: 0, max: 60 }),
  // What the client learnt: the answer, nothing (timed out), or a refusal.
  fate: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'unknown', 'fail'),
});

/** Runs the plan on a real register per key, in order, 10 µs apart. */
function execute(plan: Planned[]): RegOp[] {
  const registers = new Map<string, RegisterValue>();
  const ops: RegOp[] = [];
  plan.forEach((p, i) => {
    const at = 1000 + 10 * i;
    const callAt = at - p.before;
    const returnAt = at + p.after;
    const current = registers.get(p.key) ?? null;
    const base = { ref: `op${i}`, client: `c${i % 5}`, key: p.key, callAt, returnAt };
    // A refused operation did nothing; the checker only ever sees refusals dropped.
    if (p.fate === 'fail') return;
    let input: RegisterInput;
    let output: RegisterOutput;
    if (p.kind === 'read') {
      input = { f: 'read' };
      output = current;
    } else if (p.kind === 'write') {
      input = { f: 'write', value: p.value };
      output = null;
      registers.set(p.key, p.value);
    } else {
      input = { f: 'cas', from: p.from, to: p.value };
      output = current === p.from;
      if (output) registers.set(p.key, p.value);
    }
    // Unknown outcome: it happened (at `at`), but nobody heard back.
    ops.push({ ...base, input, output: p.fate === 'unknown' ? undefined : output, returnAt: p.fate === 'unknown' ? Infinity : returnAt });
  });
  return ops;
}

/** The same plan as the project's client would record it (read / write only). */
function toEntries(plan: Planned[]): HistoryEntry[] {
  const registers = new Map<string, number | null>();
  const entries: HistoryEntry[] = [];
  plan.forEach((p, i) => {
    const at = 1000 + 10 * i;
    const f = p.kind === 'read' ? 'read' : 'write';
    const op = `c${i % 5}#${i}`;
    const base = { op, client: `c${i % 5}`, f, key: p.key } as const;
    const current = registers.get(p.key) ?? null;
    entries.push({ ...base, type: 'invoke', value: f === 'write' ? p.value : null, atUs: at - p.before });
    if (p.fate === 'fail') {
      entries.push({ ...base, type: 'fail', value: f === 'write' ? p.value : null, atUs: at + p.after, error: 'refused' });
      return;
    }
    if (f === 'write') registers.set(p.key, p.value);
    if (p.fate === 'unknown') {
      // A timed-out write is `info`; a timed-out read is `fail`, as the client records it;
      // some operations get no completion at all (the run ended first).
      if (p.after % 3 === 0) return;
      entries.push({ ...base, type: f === 'write' ? 'info' : 'fail', value: f === 'write' ? p.value : null, atUs: at + p.after, error: 'timeout' });
      return;
    }
    entries.push({ ...base, type: 'ok', value: f === 'write' ? p.value : current, atUs: at + p.after });
  });
  // The journal is in time order; ties keep the order of recording.
  return entries.map((e, i) => [e, i] as const).sort((x, y) => x[0].atUs - y[0].atUs || x[1] - y[1]).map(([e]) => e);
}

describe('histories produced by a real register are linearizable', () => {
  it('read / write / cas, overlapping timing, unknown and failed outcomes', () => {
    fc.assert(
      fc.property(fc.array(plannedOp, { maxLength: 60 }), (plan) => {
        const r = checkOperations(registerModel, execute(plan));
        expect(r.verdict).toBe('linearizable');
      }),
      { numRuns: 300 },
    );
  });

  it('the same, in the project history format', () => {
    fc.assert(
      fc.property(fc.array(plannedOp, { maxLength: 60 }), (plan) => {
        const r = checkLinearizability(toEntries(plan));
        expect(r.verdict).toBe('linearizable');
        expect(r.operations).toBe(plan.length);
      }),
      { numRuns: 300 },
    );
  });

  it('a key-value store with appends', () => {
    const kvPlan = fc.array(
      fc.record({
        key: fc.constantFrom('x', 'y'),
        kind: fc.constantFrom('get', 'put', 'append', 'append'),
        value: fc.constantFrom('a', 'b', 'c', ''),
        before: fc.integer({ min: 0, max: 60 }),
        after: fc.integer({ min: 0, max: 60 }),
        unknown: fc.boolean(),
      }),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(kvPlan, (plan) => {
        const store = new Map<string, string>();
        const ops: Operation<KvInput, KvOutput>[] = plan.map((p, i) => {
          const at = 1000 + 10 * i;
          const current = store.get(p.key) ?? '';
          let input: KvInput;
          let output: KvOutput;
          if (p.kind === 'get') {
            input = { f: 'get' };
            output = current;
          } else {
            input = { f: p.kind, value: p.value };
            output = null;
            store.set(p.key, p.kind === 'put' ? p.value : current + p.value);
          }
          const unknown = p.unknown && p.kind !== 'get';
          return { ref: `op${i}`, client: 'c', key: p.key, input, output: unknown ? undefined : output, callAt: at - p.before, returnAt: unknown ? Infinity : at + p.after };
        });
        expect(checkOperations(kvModel, ops).verdict).toBe('linearizable');
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Agreement with a brute-force checker that follows the definition literally.

/**
 * Linearizable iff some subset of the unknown-outcome operations (those that took effect)
 * plus every completed operation can be put in an order that respects real time (a before
 * b whenever a returned before b was called) and that the model accepts.
 */
function bruteForce<S, I, O>(model: Model<S, I, O>, ops: Operation<I, O>[]): boolean {
  const known = ops.filter((o) => o.output !== undefined);
  const unknown = ops.filter((o) => o.output === undefined);
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const chosen = [...known, ...unknown.filter((_, i) => mask & (1 << i))];
    if (someOrder(model, chosen, [], model.init())) return true;
  }
  return false;
}

function someOrder<S, I, O>(model: Model<S, I, O>, left: Operation<I, O>[], placed: Operation<I, O>[], state: S): boolean {
  if (left.length === 0) return true;
  for (const o of left) {
    const returnAt = (x: Operation<I, O>) => (x.output === undefined ? Infinity : x.returnAt);
    // `o` may go next only if nothing left had to come before it.
    if (left.some((x) => x !== o && returnAt(x) < o.callAt)) continue;
    const next = model.step(state, o.input, o.output);
    if (next === undefined) continue;
    if (someOrder(model, left.filter((x) => x !== o), [...placed, o], next)) return true;
  }
  return false;
}

const randomRegisterOp = fc
  .record({
    kind: fc.constantFrom('read', 'write', 'cas'),
    a: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    b: fc.integer({ min: 0, max: 2 }),
    swapped: fc.boolean(),
    callAt: fc.integer({ min: 0, max: 20 }),
    length: fc.integer({ min: 0, max: 10 }),
    unknown: fc.boolean(),
  })
  .map(({ kind, a, b, swapped, callAt, length, unknown }, ): RegOp => {
    const input: RegisterInput = kind === 'read' ? { f: 'read' } : kind === 'write' ? { f: 'write', value: b } : { f: 'cas', from: a, to: b };
    const output: RegisterOutput = kind === 'read' ? a : kind === 'write' ? null : swapped;
    const isUnknown = unknown && kind !== 'read';
    return { ref: '', client: 'c', key: 'k', input, output: isUnknown ? undefined : output, callAt, returnAt: isUnknown ? Infinity : callAt + length };
  });

/** Runs one partition's search to the end (no budgets). */
function search<S, I, O>(model: Model<S, I, O>, ops: Operation<I, O>[], hashMask = -1): SearchOutcome<S> {
  const gen = searchPartition(model, ops, 100, hashMask);
  let step = gen.next(0);
  while (!step.done) step = gen.next(1 << 30);
  return step.value;
}

describe('agreement with brute force on small random histories', () => {
  it('register with cas and unknown outcomes: same verdict, and a linearization that checks out', () => {
    fc.assert(
      fc.property(fc.array(randomRegisterOp, { maxLength: 7 }), (raw) => {
        const ops = raw.map((o, i) => ({ ...o, ref: `op${i}` }));
        const expected = bruteForce(registerModel, ops);
        const r = checkOperations(registerModel, ops);
        expect(r.verdict).toBe(expected ? 'linearizable' : 'not linearizable');

        const outcome = search(registerModel, ops);
        expect(outcome.verdict).toBe(r.verdict);
        if (outcome.verdict === 'linearizable') {
          // The witness: every operation once, real-time order kept, the model agreeing.
          const order = outcome.linearization!;
          expect([...order].sort((x, y) => x - y)).toEqual(ops.map((_, i) => i));
          let state = registerModel.init();
          order.forEach((i, pos) => {
            const next = registerModel.step(state, ops[i].input, ops[i].output);
            expect(next).not.toBeUndefined();
            state = next!;
            for (const j of order.slice(pos + 1)) {
              const returnJ = ops[j].output === undefined ? Infinity : ops[j].returnAt;
              expect(returnJ < ops[i].callAt).toBe(false);
            }
          });
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('read / write only, many timed-out writes (where the register drops or bounds them): same verdict', () => {
    const readWrite = fc.record({
      write: fc.boolean(),
      value: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
      callAt: fc.integer({ min: 0, max: 30 }),
      length: fc.integer({ min: 0, max: 10 }),
      unknown: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(readWrite, { maxLength: 8 }), (raw) => {
        const ops: RegOp[] = raw.map((o, i) => {
          const isUnknown = o.write && o.unknown;
          return {
            ref: `op${i}`, client: 'c', key: 'k', callAt: o.callAt,
            input: o.write ? { f: 'write', value: o.value ?? 0 } : { f: 'read' },
            output: isUnknown ? undefined : o.write ? null : o.value,
            returnAt: isUnknown ? Infinity : o.callAt + o.length,
          };
        });
        const r = checkOperations(registerModel, ops);
        expect(r.verdict).toBe(bruteForce(registerModel, ops) ? 'linearizable' : 'not linearizable');
      }),
      { numRuns: 3000 },
    );
  });

  it('the memo is exact: with a 2-bit hash (collisions everywhere) the verdicts stay right', () => {
    fc.assert(
      fc.property(fc.array(randomRegisterOp, { maxLength: 8 }), (raw) => {
        const ops = raw.map((o, i) => ({ ...o, ref: `op${i}` }));
        expect(search(registerModel, ops, 0b11).verdict).toBe(bruteForce(registerModel, ops) ? 'linearizable' : 'not linearizable');
      }),
      { numRuns: 1500 },
    );
    // Long enough for the compact form of the set (low rank, window, unknown bits) to matter.
    const long = fc.array(plannedOp, { minLength: 20, maxLength: 60 });
    fc.assert(
      fc.property(long, (plan) => {
        // One register, so the whole history is one partition.
        const ops = execute(plan.map((p) => ({ ...p, key: 'k' })));
        expect(search(registerModel, ops, 0b11).verdict).toBe('linearizable');
      }),
      { numRuns: 200 },
    );
  });

  it('a counterexample prefix replays in the model and stays in real-time order', () => {
    fc.assert(
      fc.property(fc.array(randomRegisterOp, { minLength: 2, maxLength: 8 }), (raw) => {
        const ops = raw.map((o, i) => ({ ...o, ref: `op${i}` }));
        const outcome = search(registerModel, ops);
        if (outcome.verdict !== 'not linearizable') return;
        // With maxReportedOps 100 the tail is the whole prefix.
        const prefix = outcome.prefixTail!;
        expect(prefix.length).toBe(outcome.prefixLength);
        let state = registerModel.init();
        for (const i of prefix) state = registerModel.step(state, ops[i].input, ops[i].output)!;
        expect(state).toBe(outcome.stateAfterPrefix);
        // The first stuck operation is the one whose deadline came: it is not placed.
        expect(prefix).not.toContain(outcome.stuck![0].op);
        for (const s of outcome.stuck!) {
          expect(registerModel.step(state, ops[s.op].input, ops[s.op].output) === undefined).toBe(s.rejected);
        }
      }),
      { numRuns: 800 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Garbage in: a verdict or a sentence, never an exception.

describe('garbage never makes the checker throw', () => {
  const verdicts = ['linearizable', 'not linearizable', 'unknown'];

  it('arbitrary values as a project history', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything())), (junk) => {
        const r = checkLinearizability(junk as HistoryEntry[]);
        expect(verdicts).toContain(r.verdict);
        expect(structuredClone(r)).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('well-typed but incoherent project entries', () => {
    const entry = fc.record({
      op: fc.constantFrom('a#1', 'a#2', 'b#1', 'b#2', 'c#1'),
      client: fc.constantFrom('a', 'b'),
      type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
      f: fc.constantFrom('read', 'write'),
      key: fc.constantFrom('k1', 'k2'),
      value: fc.option(fc.integer({ min: -2, max: 3 }), { nil: null }),
      atUs: fc.integer({ min: 0, max: 50 }),
    }) as fc.Arbitrary<HistoryEntry>;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const r = checkLinearizability(entries, { budgetSteps: 100_000 });
        expect(verdicts).toContain(r.verdict);
        if (r.verdict === 'unknown') expect(r.message).toBeTruthy();
      }),
      { numRuns: 1000 },
    );
  });

  it('random operations of any shape through the generic API', () => {
    const anyOp = fc.record({
      ref: fc.oneof(fc.string(), fc.constant(undefined)),
      client: fc.string(),
      key: fc.oneof(fc.constantFrom('a', 'b'), fc.integer()),
      input: fc.oneof(
        fc.record({ f: fc.constantFrom('read', 'write', 'cas', 'get', 'put', 'append', 'x'), value: fc.anything(), from: fc.anything(), to: fc.anything() }),
        fc.anything(),
      ),
      output: fc.anything(),
      callAt: fc.oneof(fc.double(), fc.integer()),
      returnAt: fc.oneof(fc.double(), fc.integer(), fc.constant(Infinity)),
    });
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 12 }), (ops) => {
        for (const model of [registerModel, kvModel] as Model<unknown, unknown, unknown>[]) {
          const r = checkOperations(model, ops as Operation<unknown, unknown>[], { budgetSteps: 100_000 });
          expect(verdicts).toContain(r.verdict);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
