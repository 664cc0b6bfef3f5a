// A sequential specification of a data type, the way Porcupine's and Knossos's models are:
// the checker asks "could the object, in this state, have answered this?" and nothing else,
// so one search serves every data type.
//
// States must be plain immutable values (numbers, strings, null, frozen objects): the search
// keeps references to old states on its backtracking stack and in its memo table, so a step
// must return a new state instead of changing the one it was given.

import type { Operation } from './history';

export type StateKey = string | number | boolean | null;

export interface Model<State, Input, Output> {
  /** A short name for reports ("register", "kv"). */
  readonly name: string;

  /** The state before any operation. */
  init(): State;

  /**
   * The state after `input` ran in `state` and answered `output`, or `undefined` when the
   * object could not have answered that (the operation cannot go here in the order).
   * `output === undefined` means the outcome is unknown: the operation may have taken effect
   * and nobody saw its answer, so every answer is allowed.
   */
  step(state: State, input: Input, output: Output | undefined): State | undefined;

  /**
   * A primitive that identifies the state, for memoisation: equal states must give equal
   * keys and different states different keys (compared with SameValueZero, as a Map does).
   * It must be exact: two different states with one key would prune a search branch that
   * might have succeeded. Primitive states are their own key; a structured state would
   * return a canonical serialisation.
   */
  key(state: State): StateKey;

  /**
   * True for operations that never change the state (reads). A read of unknown outcome
   * constrains nothing, so the checker drops it instead of searching over it.
   */
  readOnly(input: Input): boolean;

  /**
   * Why this input / output pair is malformed (wrong shape, non-finite number), or
   * `undefined` when it is well formed. Checked once, before the search, so `step` can trust
   * its arguments and a garbage history becomes a message instead of an exception.
   */
  validate(input: unknown, output: unknown): string | undefined;

  /**
   * Optional, for speed: an equivalent partition, with exactly the same linearizations, that
   * is cheaper to search. Operations of unknown outcome are what make searches explode
   * (each stays pending to the end, and proving a violation means trying every subset of
   * them), so a model that can tell drops those nobody could observe, and gives a
   * `deadline` to those an observation proves took effect.
   */
  simplify?(ops: readonly Operation<Input, Output>[]): readonly Operation<Input, Output>[];

  /** "write(3)", "read() -> 4", for counterexamples; `output === undefined`: unknown outcome. */
  describeOperation(input: Input, output: Output | undefined): string;

  describeState(state: State): string;
}

/**
 * Shortens a description that would swamp a report (an append-only string grows with the
 * history). The end is kept because that is where the latest appends are.
 */
export function clip(text: string, maxChars = 120): string {
  return text.length <= maxChars ? text : '…' + text.slice(text.length - (maxChars - 1));
}
