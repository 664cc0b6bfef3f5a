// Compact forms of what checkers keep per acknowledged operation, for millions of them.
//
// A checker keeps an operation id per acknowledged write, to name examples in its
// explanations; kept as strings (`app#812`), each one was a string of its own (about 40 bytes
// with its pointer) and catchup-storm's checkers held over 250 thousand of them. Here an id
// is one number: its client's name, interned, and its number after the '#', so a list of ids
// is an array of doubles. The text is made again only for the few ids an explanation names.

import type { HistoryEntry } from '../kernel/component';
import { HistoryEntrySlot } from '../kernel/history';

/** Operation ids as numbers: name index * 2^32 + the number after '#' (NO_NUMBER: the id has none). */
export class OpIds {
  private readonly codes = new Map<string, number>();
  private readonly names: string[] = [];

  /** The code of operation id `op` (of `client`, whose id is normally `${client}#${n}`). */
  code(op: string, client: string): number {
    const len = client.length;
    if (op.length > len + 1 && op.charCodeAt(len) === 35 /* # */ && op.startsWith(client)) {
      const n = digits(op, len + 1);
      if (n >= 0) return this.nameCode(client) * NAME_UNIT + n;
    }
    // Not `${client}#${n}`: the whole id is the name.
    return this.nameCode(op) * NAME_UNIT + NO_NUMBER;
  }

  /** The code of an entry's operation id: from its client and number when it was read into a slot, without the id's text. */
  codeOf(e: HistoryEntry): number {
    if (e instanceof HistoryEntrySlot && e.opText === undefined && e.opNum < NO_NUMBER) return this.nameCode(e.client) * NAME_UNIT + e.opNum;
    return this.code(e.op, e.client);
  }

  /** The id a code stands for, as it was. */
  text(code: number): string {
    const n = code % NAME_UNIT;
    const name = this.names[(code - n) / NAME_UNIT];
    return n === NO_NUMBER ? name : `${name}#${n}`;
  }

  private nameCode(name: string): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      this.codes.set(name, c);
      this.names.push(name);
    }
    return c;
  }
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

const NAME_UNIT = 4294967296;
const NO_NUMBER = NAME_UNIT - 1;

/** `s` from `at` to its end as a decimal number written canonically (no sign, no leading 0), below NO_NUMBER; else -1. */
function digits(s: string, at: number): number {
  if (s.length - at > 10 || (s.charCodeAt(at) === 48 && s.length - at > 1)) return -1;
  let n = 0;
  for (let i = at; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n < NO_NUMBER ? n : -1;
}

/**
 * Numbers (a write's value: unique in a run, often beyond 2^31) to small non-negative
 * integers, without a JS Map: open addressing over two typed arrays, 12 bytes a slot at most
 * half full, where a Map entry with a heap-number key costs about 50.
 */
export class NumberIndex {
  private keys = new Float64Array(1024);
  private vals = new Int32Array(1024).fill(-1);
  private count = 0;
  private static readonly scratch = new Float64Array(1);
  private static readonly halves = new Uint32Array(NumberIndex.scratch.buffer);

  /** Keys compare as a Map's do (SameValueZero): -0 is 0, every NaN is one key. */
  private slotOf(key: number): number {
    NumberIndex.scratch[0] = key === 0 ? 0 : key !== key ? NaN : key;
    const h = Math.imul(NumberIndex.halves[0] ^ Math.imul(NumberIndex.halves[1], 0x9e3779b1), 0x85ebca6b);
    const mask = this.keys.length - 1;
    let i = (h ^ (h >>> 15)) & mask;
    while (this.vals[i] !== -1 && !same(this.keys[i], key)) i = (i + 1) & mask;
    return i;
  }

  /** The number stored for `key`, or -1. */
  get(key: number): number {
    return this.vals[this.slotOf(key)];
  }

  /** Store `value` (at least 0) for `key`. */
  set(key: number, value: number): void {
    const i = this.slotOf(key);
    if (this.vals[i] === -1) {
      if (2 * (this.count + 1) > this.keys.length) {
        this.grow();
        return this.set(key, value);
      }
      this.count++;
      this.keys[i] = key;
    }
    this.vals[i] = value;
  }

  private grow(): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = new Float64Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2).fill(-1);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== -1) this.set(keys[i], vals[i]);
  }
}

const LIST_SHIFT = 12;
const LIST_CHUNK = 1 << LIST_SHIFT;
const LIST_MASK = LIST_CHUNK - 1;

/**
 * A list of numbers that only grows, in typed chunks of 4,096 that are never copied: an array
 * grown by pushing reallocates as it grows, and what a checker keeps per acknowledged
 * operation was three times its final size in dead copies at the CLI's peak.
 */
export class NumList {
  private readonly chunks: Float64Array[] = [];
  length = 0;

  push(x: number): void {
    const i = this.length++;
    const c = i >> LIST_SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Float64Array(LIST_CHUNK));
    this.chunks[c][i & LIST_MASK] = x;
  }

  at(i: number): number {
    return this.chunks[i >> LIST_SHIFT][i & LIST_MASK];
  }

  /** Index of the first item greater than `t` in a list in ascending order. */
  firstAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Items from `from` to `to` (excluded), as an array. */
  slice(from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = from; i < Math.min(to, this.length); i++) out.push(this.at(i));
    return out;
  }
}
