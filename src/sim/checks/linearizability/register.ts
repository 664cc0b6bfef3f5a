// A single read / write / compare-and-set register, as in Jepsen's etcd test and in the
// project's own client histories (one register per key: the checker partitions by key).

import { clip, type Model } from './model';

/** A register's content; `null` means it was never written. */
export type RegisterValue = number | null;

export type RegisterInput =
  | { f: 'read' }
  | { f: 'write'; value: number }
  /** Set the register to `to` if it holds `from`. */
  | { f: 'cas'; from: RegisterValue; to: number };

/**
 * What a completed operation answered: for a read the value it saw, for a cas whether it
 * swapped (`false`: the comparison failed, so the register did not hold `from`), for a
 * write nothing (`null`).
 */
export type RegisterOutput = RegisterValue | boolean;

function isValue(v: unknown): v is RegisterValue {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function show(v: RegisterValue): string {
  return v === null ? 'nil' : String(v);
}

export const registerModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  name: 'register',

  init: () => null,

  step(state, input, output) {
    switch (input.f) {
      case 'read':
        return output === undefined || output === state ? state : undefined;
      case 'write':
        return input.value;
      case 'cas': {
        const matches = state === input.from;
        // Unknown outcome: it swapped if it could; "it never happened" is covered by the
        // search placing it after every completed operation.
        if (output === undefined) return matches ? input.to : state;
        if (output === true) return matches ? input.to : undefined;
        return matches ? undefined : state;
      }
    }
  },

  key: (state) => state,

  readOnly: (input) => input.f === 'read',

  validate(input, output) {
    if (typeof input !== 'object' || input === null) return 'the input is not an object';
    const i = input as Record<string, unknown>;
    switch (i.f) {
      case 'read':
        return output === undefined || isValue(output) ? undefined : 'a read must return a finite number or null';
      case 'write':
        if (typeof i.value !== 'number' || !Number.isFinite(i.value)) return 'a write needs a finite number';
        return output === undefined || output === null ? undefined : 'a write returns null';
      case 'cas':
        if (!isValue(i.from)) return 'a cas needs `from`: a finite number or null';
        if (typeof i.to !== 'number' || !Number.isFinite(i.to)) return 'a cas needs `to`: a finite number';
        return output === undefined || typeof output === 'boolean' ? undefined : 'a cas returns true or false';
      default:
        return `unknown register operation '${String(i.f)}'`;
    }
  },

  // For writes of unknown outcome, in a partition without cas (a cas compares with whatever
  // the register holds, so it observes every write and nothing here would be sound):
  // - one whose value no read returned is left out. If it took effect, no read fell between
  //   it and the next write (that read would have returned its value), so taking it out
  //   changes no answer; and a linearization without it stays one with it placed last.
  // - one whose value a read returned, and which is the only write of that value, certainly
  //   took effect, before that read returned: that becomes its deadline. Every valid order
  //   already has it there, so no linearization is lost.
  simplify(ops) {
    const firstSeenAt = new Map<RegisterValue, number>();
    const writesOf = new Map<number, number>();
    for (const op of ops) {
      if (op.input.f === 'cas') return ops;
      if (op.input.f === 'write') writesOf.set(op.input.value, (writesOf.get(op.input.value) ?? 0) + 1);
      if (op.input.f === 'read' && op.output !== undefined) {
        const v = op.output as RegisterValue;
        firstSeenAt.set(v, Math.min(firstSeenAt.get(v) ?? Infinity, op.returnAt));
      }
    }
    const out: typeof ops[number][] = [];
    for (const op of ops) {
      if (op.output !== undefined || op.input.f !== 'write') {
        out.push(op);
        continue;
      }
      const seenAt = firstSeenAt.get(op.input.value);
      if (seenAt === undefined) continue;
      out.push(writesOf.get(op.input.value) === 1 ? { ...op, deadline: Math.min(seenAt, op.deadline ?? Infinity) } : op);
    }
    return out;
  },

  describeOperation(input, output) {
    const unknown = output === undefined;
    switch (input.f) {
      case 'read':
        return unknown ? 'read() -> ?' : `read() -> ${show(output as RegisterValue)}`;
      case 'write':
        return unknown ? `write(${input.value}) (outcome unknown)` : `write(${input.value})`;
      case 'cas':
        return `cas(${show(input.from)}, ${input.to}) -> ${unknown ? '? (outcome unknown)' : output ? 'ok' : 'fail'}`;
    }
  },

  describeState: (state) => clip(show(state)),
};
