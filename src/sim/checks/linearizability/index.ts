// Linearizability checking of client histories.
//
// Public API:
//
//   checkLinearizability(history, options?): LinearizabilityResult
//     `history` is the project's own history (an array of HistoryEntry, or `{ history }` as
//     the app exports it: one read / write register per key), or a `ParsedHistory` from
//     `parseHistoryText` (Jepsen etcd logs, kv EDN lines, the project's JSON).
//   checkOperations(model, operations, options?): LinearizabilityResult
//     The same for any `Model` and already-built operations.
//   parseHistoryText(text): ParsedHistory   (throws ParseError { line, detail })
//   describeResult(result): string[]        (a few lines of explanation, for text views)
//   registerModel, kvModel, fromHistoryEntries, and the types below.
//
// The result is plain data (structured-clone and JSON friendly, no Infinity, no class
// instances), so it crosses a Web Worker boundary as is:
//
//   {
//     verdict: 'linearizable' | 'not linearizable' | 'unknown',
//     operations: number,          // operations in the history
//     checkedOperations: number,   // those the search had to place (see `dropped`)
//     dropped: number,             // ops that constrain nothing: failed, reads of unknown
//                                  // outcome, unknown writes no read saw (Model.simplify)
//     steps: number,               // search steps taken over all partitions
//     elapsedMs?: number,          // only when the caller passed `now`
//     unknownReason?: 'budget-steps' | 'budget-time' | 'budget-memory' | 'invalid-history'
//                    | 'too-many-operations',
//     message?: string,            // a sentence on why the verdict is unknown
//     partitionCount: number,
//     partitions: PartitionSummary[],   // per key, in key order (at most MAX_REPORTED_PARTITIONS)
//     counterexample?: {           // only when not linearizable
//       key: string,               // the partition (key) that fails
//       prefixLength: number,      // length of the longest linearizable prefix found
//       linearized: OpRef[],       // that prefix, in order (its last `maxReportedOps` ops)
//       stateAfter: string,        // the model state after it ("3", "nil", "\"x 0 1 y\"")
//       stuck: StuckOpRef[],       // what could go next by timing; none leads anywhere
//     }
//   }
//
// Verdicts: `linearizable` is a proof (a linearization was found); `not linearizable` is a
// proof too (the search was exhaustive); `unknown` means a budget ran out or the input was
// not a valid history, never "probably fine".
//
// Histories are checked per key (keys are independent objects, so this is exact and
// exponentially cheaper). Up to 16 keys are searched at once, taking turns in slices of
// steps, the way Porcupine runs them in parallel; the check stops at the first key that
// fails unless `allPartitions` is set. Budgets are shared by all partitions. Semantics of
// outcomes: a completed operation took effect between its call and its return; a failed
// one never did (dropped); one of unknown outcome may take effect at any point after its
// call, or never (its return is taken as +infinity; an unknown read is dropped).
//
// Deterministic: no clock is read but the caller's `now`, nothing random, and ties are
// broken by position, so the same history gives the same result, steps included.

import type { HistoryEntry } from '../../kernel/component';
import { fromHistoryEntries, HistoryFormatError, type OpRef, type Operation } from './history';
import type { Model } from './model';
import { registerModel } from './register';
import { kvModel } from './kv';
import type { ParsedHistory } from './parse';
import { searchPartition, type SearchOutcome, type SearchProgress } from './search';

export type { Model, StateKey } from './model';
export type { Operation, OpRef, ConvertedHistory } from './history';
export type { RegisterInput, RegisterOutput, RegisterValue } from './register';
export type { KvInput, KvOutput } from './kv';
export type { HistoryFormat, ParsedHistory } from './parse';
export { registerModel } from './register';
export { kvModel } from './kv';
export { fromHistoryEntries, HistoryFormatError } from './history';
export { parseHistoryText, detectFormat, parseJepsenEtcd, parseKvEdn, parseProjectJson, ParseError } from './parse';
export { describeResult } from './describe';

export type Verdict = 'linearizable' | 'not linearizable' | 'unknown';

/** Why a search stopped without a verdict. */
export type UnknownReason = 'budget-steps' | 'budget-time' | 'budget-memory';
export type ResultUnknownReason = UnknownReason | 'invalid-history' | 'too-many-operations';

export interface CheckOptions {
  /**
   * Search steps allowed over the whole check, all partitions together (one step tries to
   * place one operation, or undoes one). A step costs 0.1-1 µs; the 108 reference
   * histories take 4.8 million steps in all, the hardest 1.4 million. The default stops a
   * pathological history after somewhere between ten seconds and a minute and a half.
   */
  budgetSteps?: number;
  /** Wall-time budget; only honoured with `now`, since the simulation core reads no clock. */
  budgetMs?: number;
  /** The caller's clock in milliseconds (the worker's or the CLI's; the core has none). */
  now?: () => number;
  /** Memory the memo tables of the partitions being searched may hold together, in bytes. */
  budgetMemoBytes?: number;
  /** Histories longer than this are refused with `too-many-operations`. */
  maxOperations?: number;
  /** How many operations a counterexample lists, for its prefix and its stuck set. */
  maxReportedOps?: number;
  /** Check every key even after one failed (default: stop at the first failing key). */
  allPartitions?: boolean;
}

export const DEFAULT_BUDGET_STEPS = 100_000_000;
/** Enough for every reference history many times over, and safe for a browser worker. */
export const DEFAULT_BUDGET_MEMO_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_OPERATIONS = 2_000_000;
export const DEFAULT_MAX_REPORTED_OPS = 50;
/** Partition summaries kept in a result; the count is always exact. */
export const MAX_REPORTED_PARTITIONS = 1000;
/** Partitions searched at once, like Porcupine's goroutines; more only adds memory. */
const MAX_RUNNING_PARTITIONS = 16;
/**
 * Steps a partition runs before the next one gets its turn: long enough that switching is
 * free (a slice is ~1-10 ms), short enough that a failing key is found quickly.
 */
const SLICE_STEPS = 20_000;

export interface PartitionSummary {
  key: string;
  /** Operations searched on this key (after dropping those that constrain nothing). */
  operations: number;
  /**
   * `not checked`: no verdict for this key because the check stopped first (another key
   * failed, or a budget ran out before its turn); `steps` says how far it got.
   */
  verdict: Verdict | 'not checked';
  steps: number;
  unknownReason?: UnknownReason;
}

export interface StuckOpRef extends OpRef {
  /** The model refuses it outright after the prefix (otherwise it only leads to dead ends). */
  rejectedByModel: boolean;
}

export interface Counterexample {
  key: string;
  prefixLength: number;
  linearized: OpRef[];
  stateAfter: string;
  stuck: StuckOpRef[];
}

export interface LinearizabilityResult {
  verdict: Verdict;
  operations: number;
  checkedOperations: number;
  dropped: number;
  steps: number;
  elapsedMs?: number;
  unknownReason?: ResultUnknownReason;
  message?: string;
  partitionCount: number;
  partitions: PartitionSummary[];
  counterexample?: Counterexample;
}

export type CheckableHistory = readonly HistoryEntry[] | { readonly history: readonly HistoryEntry[] } | ParsedHistory;

function isParsed(h: CheckableHistory): h is ParsedHistory {
  return !Array.isArray(h) && typeof h === 'object' && h !== null && 'operations' in h && 'model' in h;
}

/** Checks a project history or a parsed history; never throws on bad input (see `unknownReason`). */
export function checkLinearizability(history: CheckableHistory, options: CheckOptions = {}): LinearizabilityResult {
  if (isParsed(history)) {
    const result =
      history.model === 'kv'
        ? checkOperations(kvModel, history.operations, options)
        : checkOperations(registerModel, history.operations, options);
    return withDropped(result, history.dropped);
  }
  const entries: unknown = Array.isArray(history) ? history : (history as { history?: unknown } | null)?.history;
  try {
    if (!Array.isArray(entries)) throw new HistoryFormatError(0, 'expected an array of history entries or { history: [...] }');
    const converted = fromHistoryEntries(entries);
    return withDropped(checkOperations(registerModel, converted.operations, options), converted.dropped);
  } catch (err) {
    if (!(err instanceof HistoryFormatError)) throw err;
    return invalid('invalid-history', `invalid history: ${err.message}`, 0);
  }
}

function withDropped(result: LinearizabilityResult, dropped: number): LinearizabilityResult {
  return { ...result, operations: result.operations + dropped, dropped: result.dropped + dropped };
}

function invalid(reason: ResultUnknownReason, message: string, operations: number): LinearizabilityResult {
  return {
    verdict: 'unknown', operations, checkedOperations: 0, dropped: 0, steps: 0,
    unknownReason: reason, message, partitionCount: 0, partitions: [],
  };
}

/** Checks operations against any model, partitioned by `key`. */
export function checkOperations<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: readonly Operation<Input, Output>[],
  options: CheckOptions = {},
): LinearizabilityResult {
  const budgetSteps = options.budgetSteps ?? DEFAULT_BUDGET_STEPS;
  const budgetMemoBytes = options.budgetMemoBytes ?? DEFAULT_BUDGET_MEMO_BYTES;
  const maxOperations = options.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  const maxReportedOps = Math.max(1, options.maxReportedOps ?? DEFAULT_MAX_REPORTED_OPS);
  const now = options.now;
  const startMs = now?.();
  const deadlineMs = startMs !== undefined && options.budgetMs !== undefined ? startMs + options.budgetMs : undefined;
  const elapsed = () => (now && startMs !== undefined ? { elapsedMs: now() - startMs } : {});

  if (!Array.isArray(operations)) return invalid('invalid-history', 'operations must be an array', 0);
  if (operations.length > maxOperations) {
    return invalid('too-many-operations', `${operations.length} operations, more than the limit of ${maxOperations}`, operations.length);
  }

  // Validate once, so the search can trust its input and garbage becomes a sentence.
  const byKey = new Map<string, readonly Operation<Input, Output>[]>();
  let dropped = 0;
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i];
    const problem = validateOperation(model, op);
    if (problem !== undefined) {
      const name = typeof op === 'object' && op !== null && typeof op.ref === 'string' ? ` (${op.ref})` : '';
      return invalid('invalid-history', `operation ${i}${name}: ${problem}`, operations.length);
    }
    // A read whose answer nobody saw constrains nothing.
    if (op.output === undefined && model.readOnly(op.input)) {
      dropped++;
      continue;
    }
    const list = byKey.get(op.key) as Operation<Input, Output>[] | undefined;
    if (list) list.push(op);
    else byKey.set(op.key, [op]);
  }
  // Code-unit order, not localeCompare: the same on every machine.
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (model.simplify) {
    for (const key of keys) {
      const before = byKey.get(key)!;
      const after = model.simplify(before);
      byKey.set(key, after);
      dropped += before.length - after.length;
    }
  }

  // Partitions run interleaved, a slice of steps each in turn, the way Porcupine runs them
  // in parallel: a key whose search explodes cannot hide a violation on another key that
  // takes milliseconds to find. The schedule depends only on the input, so it is
  // deterministic.
  interface Running {
    key: string;
    ops: readonly Operation<Input, Output>[];
    search: Generator<SearchProgress, SearchOutcome<State>, number>;
    progress: SearchProgress;
  }
  const summaries = new Map<string, PartitionSummary>();
  const running: Running[] = [];
  let nextKey = 0;
  let steps = 0;
  let failed = false;
  let unknownReason: UnknownReason | undefined;
  let counterexample: Counterexample | undefined;

  const finish = (r: Running, outcome: SearchOutcome<State>) => {
    summaries.set(r.key, { key: r.key, operations: r.ops.length, verdict: outcome.verdict, steps: outcome.steps });
    if (outcome.verdict !== 'not linearizable') return;
    failed = true;
    if (counterexample) return;
    const ref = (i: number) => opRef(model, r.ops[i]);
    counterexample = {
      key: r.key,
      prefixLength: outcome.prefixLength ?? 0,
      linearized: (outcome.prefixTail ?? []).map(ref),
      stateAfter: model.describeState(outcome.stateAfterPrefix as State),
      stuck: (outcome.stuck ?? []).map((s) => ({ ...ref(s.op), rejectedByModel: s.rejected })),
    };
  };
  const shouldStop = () => unknownReason !== undefined || (failed && !options.allPartitions);

  while (!shouldStop() && (running.length > 0 || nextKey < keys.length)) {
    while (running.length < MAX_RUNNING_PARTITIONS && nextKey < keys.length) {
      const key = keys[nextKey++];
      const ops = byKey.get(key)!;
      const search = searchPartition(model, ops, maxReportedOps);
      const first = search.next(0);
      if (first.done) finish({ key, ops, search, progress: { steps: 0, memoBytes: 0 } }, first.value);
      else running.push({ key, ops, search, progress: first.value });
    }
    for (let i = 0; i < running.length && !shouldStop(); ) {
      const r = running[i];
      const allowance = Math.min(SLICE_STEPS, budgetSteps - steps);
      if (allowance <= 0) {
        unknownReason = 'budget-steps';
        break;
      }
      const before = r.progress.steps;
      const step = r.search.next(allowance);
      if (step.done) {
        steps += step.value.steps - before;
        finish(r, step.value);
        running.splice(i, 1);
        continue;
      }
      steps += step.value.steps - before;
      r.progress = step.value;
      i++;
      let memoBytes = 0;
      for (const q of running) memoBytes += q.progress.memoBytes;
      if (memoBytes > budgetMemoBytes) unknownReason = 'budget-memory';
      else if (deadlineMs !== undefined && now!() >= deadlineMs) unknownReason = 'budget-time';
    }
  }
  // Whatever is still running was cut short: by a budget, or because another key failed.
  for (const r of running) {
    summaries.set(r.key, {
      key: r.key, operations: r.ops.length, steps: r.progress.steps,
      ...(unknownReason ? { verdict: 'unknown' as const, unknownReason } : { verdict: 'not checked' as const }),
    });
  }
  const partitions: PartitionSummary[] = [];
  for (const key of keys.slice(0, MAX_REPORTED_PARTITIONS)) {
    partitions.push(summaries.get(key) ?? { key, operations: byKey.get(key)!.length, verdict: 'not checked', steps: 0 });
  }

  const checkedOperations = operations.length - dropped;
  const result: LinearizabilityResult = {
    // A violation found is a proof even if another key ran out of budget.
    verdict: failed ? 'not linearizable' : unknownReason ? 'unknown' : 'linearizable',
    operations: operations.length,
    checkedOperations,
    dropped,
    steps,
    ...elapsed(),
    partitionCount: keys.length,
    partitions,
  };
  if (result.verdict === 'unknown' && unknownReason) {
    result.unknownReason = unknownReason;
    result.message = BUDGET_MESSAGES[unknownReason];
  }
  if (counterexample) result.counterexample = counterexample;
  return result;
}

const BUDGET_MESSAGES: Record<UnknownReason, string> = {
  'budget-steps': 'the search used up its step budget before reaching a verdict',
  'budget-time': 'the search used up its time budget before reaching a verdict',
  'budget-memory': 'the search used up its memory budget before reaching a verdict',
};

function validateOperation<State, Input, Output>(model: Model<State, Input, Output>, op: Operation<Input, Output>): string | undefined {
  if (typeof op !== 'object' || op === null) return 'not an object';
  if (typeof op.key !== 'string') return '`key` must be a string';
  if (typeof op.ref !== 'string' || typeof op.client !== 'string') return '`ref` and `client` must be strings';
  if (typeof op.callAt !== 'number' || !Number.isFinite(op.callAt)) return '`callAt` must be a finite number';
  if (op.output !== undefined) {
    if (typeof op.returnAt !== 'number' || Number.isNaN(op.returnAt)) return '`returnAt` must be a number';
    if (op.returnAt < op.callAt) return 'it returns before it is called';
  }
  if (op.deadline !== undefined && (typeof op.deadline !== 'number' || Number.isNaN(op.deadline))) return '`deadline` must be a number';
  return model.validate(op.input, op.output);
}

function opRef<State, Input, Output>(model: Model<State, Input, Output>, op: Operation<Input, Output>): OpRef {
  const unknown = op.output === undefined || op.returnAt === Infinity;
  return {
    ref: op.ref,
    client: op.client,
    key: op.key,
    description: model.describeOperation(op.input, op.output),
    callAt: op.callAt,
    returnAt: unknown ? null : op.returnAt,
  };
}
