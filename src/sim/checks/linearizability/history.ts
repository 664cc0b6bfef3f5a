// The operations the checker works on, and the conversion from the project's own client
// history (`HistoryEntry`, Jepsen style: an invocation, then at most one completion).

import type { HistoryEntry } from '../../kernel/component';
import type { RegisterInput, RegisterOutput } from './register';

/** One operation: an invocation and what (if anything) is known of its completion. */
export interface Operation<Input, Output> {
  /** Names the operation for people: the project's op id (`app#12`) or `line 17`. */
  ref: string;
  client: string;
  /** Partition key: operations on different keys are checked independently. */
  key: string;
  input: Input;
  /** What it answered; `undefined` when its outcome is unknown (timed out, never completed). */
  output: Output | undefined;
  callAt: number;
  /**
   * When it completed. Ignored when `output` is undefined: an operation of unknown outcome
   * may take effect at any point after its invocation, so its return is taken as +infinity.
   */
  returnAt: number;
  /**
   * Only for an operation of unknown outcome: it certainly took effect, by this time (a
   * model's `simplify` sets it when a read saw the write's value). The search then treats
   * it as returning then; reports still show it as of unknown outcome.
   */
  deadline?: number;
}

/** An operation as a result names it: plain data, no model values. */
export interface OpRef {
  ref: string;
  client: string;
  key: string;
  /** "write(3)", "read() -> 4", "cas(1, 2) -> fail". */
  description: string;
  callAt: number;
  /** `null`: it never returned (unknown outcome). */
  returnAt: number | null;
}

/** The operations of a history plus how many entries were dropped as carrying no constraint. */
export interface ConvertedHistory<Input, Output> {
  operations: Operation<Input, Output>[];
  /**
   * Operations left out because they constrain nothing: failed ones (certainly no effect)
   * and reads of unknown outcome.
   */
  dropped: number;
}

/** A history that does not follow the format; `entry` is the 0-based index of the culprit. */
export class HistoryFormatError extends Error {
  constructor(readonly entry: number, message: string) {
    super(`entry ${entry}: ${message}`);
    this.name = 'HistoryFormatError';
  }
}

/** Longest history the conversion accepts, so a corrupt export fails fast instead of eating memory. */
export const MAX_HISTORY_ENTRIES = 4_000_000;

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

interface Open {
  entry: number;
  f: 'read' | 'write';
  key: string;
  client: string;
  value: number | null;
  atUs: number;
}

/**
 * Turns the project's history entries into register operations, one register per key.
 *
 * - `ok`: a read returned `value` (null: never written); a write took effect.
 * - `fail`: the operation certainly did not take effect: dropped.
 * - `info`, or no completion at all: unknown outcome. A write may have taken effect at any
 *   point after its invocation; a read constrains nothing and is dropped.
 *
 * The entries come from JSON a person may have edited, so every field is checked; a
 * malformed entry throws `HistoryFormatError` naming it.
 */
export function fromHistoryEntries(entries: readonly unknown[]): ConvertedHistory<RegisterInput, RegisterOutput> {
  if (!Array.isArray(entries)) throw new HistoryFormatError(0, 'the history is not an array');
  if (entries.length > MAX_HISTORY_ENTRIES) {
    throw new HistoryFormatError(MAX_HISTORY_ENTRIES, `more than ${MAX_HISTORY_ENTRIES} entries`);
  }
  // Operations are emitted in invocation order; completions fill in their slot.
  const slots: (Operation<RegisterInput, RegisterOutput> | null)[] = [];
  const open = new Map<string, Open & { slot: number }>();
  const closed = new Set<string>();
  let dropped = 0;

  for (let i = 0; i < entries.length; i++) {
    const e = entryFields(entries[i], i);
    if (e.type === 'invoke') {
      if (open.has(e.op) || closed.has(e.op)) throw new HistoryFormatError(i, `operation '${e.op}' is invoked twice`);
      if (e.f === 'write' && e.value === null) throw new HistoryFormatError(i, `write '${e.op}' has no value`);
      open.set(e.op, { entry: i, f: e.f, key: e.key, client: e.client, value: e.value, atUs: e.atUs, slot: slots.length });
      slots.push(null);
      continue;
    }
    const inv = open.get(e.op);
    if (!inv) {
      throw new HistoryFormatError(i, closed.has(e.op) ? `operation '${e.op}' completes twice` : `operation '${e.op}' completes but was never invoked`);
    }
    if (inv.f !== e.f) throw new HistoryFormatError(i, `operation '${e.op}' was invoked as a ${inv.f} but completes as a ${e.f}`);
    if (inv.key !== e.key) throw new HistoryFormatError(i, `operation '${e.op}' was invoked on key '${inv.key}' but completes on '${e.key}'`);
    if (e.atUs < inv.atUs) throw new HistoryFormatError(i, `operation '${e.op}' completes before it was invoked`);
    open.delete(e.op);
    closed.add(e.op);
    if (e.type === 'fail' || (e.type === 'info' && inv.f === 'read')) {
      dropped++;
      continue;
    }
    const input: RegisterInput = inv.f === 'write' ? { f: 'write', value: inv.value as number } : { f: 'read' };
    if (e.type === 'info') slots[inv.slot] = operation(e.op, inv, input, undefined, Infinity);
    else slots[inv.slot] = operation(e.op, inv, input, inv.f === 'write' ? null : e.value, e.atUs);
  }

  // Never completed: the same as `info`. Map iteration is insertion order, so this is stable.
  for (const [op, inv] of open) {
    if (inv.f === 'read') {
      dropped++;
      continue;
    }
    slots[inv.slot] = operation(op, inv, { f: 'write', value: inv.value as number }, undefined, Infinity);
  }
  const operations = slots.filter((s): s is Operation<RegisterInput, RegisterOutput> => s !== null);
  return { operations, dropped };
}

/** Every operation built with the same shape, which keeps property access fast downstream. */
function operation(ref: string, inv: Open, input: RegisterInput, output: RegisterOutput | undefined, returnAt: number): Operation<RegisterInput, RegisterOutput> {
  return { ref, client: inv.client, key: inv.key, input, output, callAt: inv.atUs, returnAt };
}

function entryFields(raw: unknown, i: number): HistoryEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HistoryFormatError(i, 'not an object');
  const e = raw as Record<string, unknown>;
  if (typeof e.op !== 'string' || e.op === '') throw new HistoryFormatError(i, '`op` must be a non-empty string');
  if (typeof e.client !== 'string') throw new HistoryFormatError(i, '`client` must be a string');
  if (typeof e.type !== 'string' || !TYPES.has(e.type)) throw new HistoryFormatError(i, '`type` must be invoke, ok, fail or info');
  if (e.f !== 'read' && e.f !== 'write') throw new HistoryFormatError(i, '`f` must be read or write');
  if (typeof e.key !== 'string') throw new HistoryFormatError(i, '`key` must be a string');
  if (e.value !== null && (typeof e.value !== 'number' || !Number.isFinite(e.value))) {
    throw new HistoryFormatError(i, '`value` must be a finite number or null');
  }
  if (typeof e.atUs !== 'number' || !Number.isFinite(e.atUs)) throw new HistoryFormatError(i, '`atUs` must be a finite number');
  return e as unknown as HistoryEntry;
}
