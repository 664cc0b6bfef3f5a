// A key-value store with get / put / append, as in Porcupine's kv test data. Keys are
// independent, so the checker partitions the history per key and this model holds the value
// of a single key: checking n keys separately is exponentially cheaper than checking them
// together, and just as exact.

import { clip, type Model } from './model';

export type KvInput = { f: 'get' } | { f: 'put'; value: string } | { f: 'append'; value: string };

/** A get's answer (the whole value, `""` when the key is absent); `null` for put / append. */
export type KvOutput = string | null;

function quote(s: string): string {
  return JSON.stringify(clip(s, 60));
}

export const kvModel: Model<string, KvInput, KvOutput> = {
  name: 'kv',

  init: () => '',

  step(state, input, output) {
    switch (input.f) {
      case 'get':
        return output === undefined || output === state ? state : undefined;
      case 'put':
        return input.value;
      case 'append':
        return state + input.value;
    }
  },

  key: (state) => state,

  readOnly: (input) => input.f === 'get',

  validate(input, output) {
    if (typeof input !== 'object' || input === null) return 'the input is not an object';
    const i = input as Record<string, unknown>;
    switch (i.f) {
      case 'get':
        return output === undefined || typeof output === 'string' ? undefined : 'a get must return a string';
      case 'put':
      case 'append':
        if (typeof i.value !== 'string') return `a ${i.f} needs a string value`;
        return output === undefined || output === null ? undefined : `a ${i.f} returns null`;
      default:
        return `unknown key-value operation '${String(i.f)}'`;
    }
  },

  describeOperation(input, output) {
    const unknown = output === undefined;
    switch (input.f) {
      case 'get':
        return unknown ? 'get() -> ?' : `get() -> ${quote(output as string)}`;
      case 'put':
        return `put(${quote(input.value)})${unknown ? ' (outcome unknown)' : ''}`;
      case 'append':
        return `append(${quote(input.value)})${unknown ? ' (outcome unknown)' : ''}`;
    }
  },

  describeState: (state) => quote(state),
};
