// A table from string keys to a few numbers each: the shape of a database's data (key ->
// value and the LSN that wrote it).
//
// Why not a plain object: a checkpoint would copy every key each time, and a busy database
// holds tens of thousands (a job queue writes a new key per job). Here keys get slots in the
// order they first appear (a Seq, shared by checkpoints like any other), and the numbers live
// in pages of PAGE_SLOTS slots. A checkpoint shares every page; the live table copies a page
// the first time it writes to it afterwards (copy on write). New keys land in the last
// pages and hot keys in a few early ones, so a checkpoint costs about the pages written
// since the last one.
//
// Which pages the live table may write in place is not state: it is kept in a
// non-enumerable property that serialisation and the checkpointer's copy leave out, so a
// copy (a checkpoint, a restored state, a snapshot sent to a follower) owns no page and
// copies before writing. The key -> slot index is not state either: it is rebuilt from
// `keys` the first time a copy is used.

import { LimitExceeded, STRUCTURE_LIMITS, type StructureLimitName } from './limits';
import { seq, seqAt, seqCopy, seqForEach, seqPush, type Seq } from './seq';
import { ByKeyNumber, keyNumber } from './keys';

export const PAGE_SLOTS = 256;
const PAGE_SHIFT = 8;
const PAGE_MASK = PAGE_SLOTS - 1;

export interface Table {
  /** Brand read by the checkpointer (snapshot.ts). */
  $: 'table';
  /** Slot -> key, in order of first appearance. A deleted key keeps its slot. */
  keys: Seq<string>;
  /** Numbers per key. */
  width: number;
  /**
   * Slot s is at pages[s >> 8], from (s & 255) * (width + 1): first 1 if the key is present
   * (0 once deleted), then its numbers.
   */
  pages: Float64Array[];
  /** Keys present. */
  size: number;
  lim?: StructureLimitName;
}

/** What a table object knows about itself and no copy inherits. */
interface Transient {
  /** Slot by key, for keys not named by number. */
  index: Map<string, number>;
  /** The same for keys named by number (keys.ts): every one of them, so a miss there is an absent key. */
  byNumber: ByKeyNumber;
  /** own[p] === 1: this object made page p (or copied it) since it was last shared. */
  own: Uint8Array;
}

const TRANSIENT = '_t';

function transient(t: Table): Transient {
  let x = (t as unknown as Record<string, Transient | undefined>)[TRANSIENT];
  if (x === undefined) {
    const index = new Map<string, number>();
    const byNumber = new ByKeyNumber();
    seqForEach(t.keys, (k, s) => {
      const n = keyNumber(k);
      if (n >= 0) byNumber.set(n, s);
      else index.set(k, s);
    });
    x = { index, byNumber, own: new Uint8Array(0) };
    Object.defineProperty(t, TRANSIENT, { value: x, writable: true, enumerable: false, configurable: true });
  }
  return x;
}

export function table(width: number, lim?: StructureLimitName): Table {
  const t: Table = { $: 'table', keys: seq<string>(), width, pages: [], size: 0 };
  if (lim !== undefined) t.lim = lim;
  return t;
}

/** The slot `key` was given, or -1 if it never was (present or deleted since). */
function slotOf(tr: Transient, key: string): number {
  const n = keyNumber(key);
  if (n >= 0) return tr.byNumber.get(n);
  return tr.index.get(key) ?? -1;
}

/** The slot of `key` if it is present, else -1. */
export function tableFind(t: Table, key: string): number {
  const s = slotOf(transient(t), key);
  if (s < 0) return -1;
  return t.pages[s >> PAGE_SHIFT][(s & PAGE_MASK) * (t.width + 1)] === 1 ? s : -1;
}

export function tableHas(t: Table, key: string): boolean {
  return tableFind(t, key) >= 0;
}

/** Column `col` of `key`, or undefined if the key is absent. */
export function tableGet(t: Table, key: string, col = 0): number | undefined {
  const s = tableFind(t, key);
  return s < 0 ? undefined : t.pages[s >> PAGE_SHIFT][(s & PAGE_MASK) * (t.width + 1) + 1 + col];
}

/** Column `col` of a present slot (from tableFind or tableForEach). */
export function tableAt(t: Table, slot: number, col = 0): number {
  return t.pages[slot >> PAGE_SHIFT][(slot & PAGE_MASK) * (t.width + 1) + 1 + col];
}

/** The page holding `slot`, writable by this table (copied first if it is shared). */
function writable(t: Table, slot: number): Float64Array {
  const p = slot >> PAGE_SHIFT;
  const tr = transient(t);
  if (tr.own.length <= p) {
    const own = new Uint8Array(Math.max(8, t.pages.length * 2, p + 1));
    own.set(tr.own);
    tr.own = own;
  }
  if (p === t.pages.length) {
    t.pages.push(new Float64Array(PAGE_SLOTS * (t.width + 1)));
    tr.own[p] = 1;
  } else if (tr.own[p] !== 1) {
    t.pages[p] = t.pages[p].slice();
    tr.own[p] = 1;
  }
  return t.pages[p];
}

/** The slot of `key` in a page this table may write, the key added (its columns 0) if absent. */
function writableSlot(t: Table, key: string): number {
  const tr = transient(t);
  let s = slotOf(tr, key);
  if (s < 0) {
    s = t.keys.length;
    if (t.lim !== undefined && s >= STRUCTURE_LIMITS[t.lim].max) throw new LimitExceeded(t.lim);
    seqPush(t.keys, key);
    const n = keyNumber(key);
    if (n >= 0) tr.byNumber.set(n, s);
    else tr.index.set(key, s);
  }
  const page = writable(t, s);
  const at = (s & PAGE_MASK) * (t.width + 1);
  if (page[at] !== 1) {
    page[at] = 1;
    for (let c = 0; c < t.width; c++) page[at + 1 + c] = 0;
    t.size++;
  }
  return s;
}

/** Set column `col` of `key`, adding the key (its other columns 0) if absent. */
export function tableSet(t: Table, key: string, col: number, value: number): void {
  const s = writableSlot(t, key);
  t.pages[s >> PAGE_SHIFT][(s & PAGE_MASK) * (t.width + 1) + 1 + col] = value;
}

/** Set columns 0 and 1 of `key` at once (one lookup: a lookup is most of the cost), adding the key if absent. */
export function tableSetPair(t: Table, key: string, a: number, b: number): void {
  const s = writableSlot(t, key);
  const page = t.pages[s >> PAGE_SHIFT];
  const at = (s & PAGE_MASK) * (t.width + 1);
  page[at + 1] = a;
  page[at + 2] = b;
}

export function tableDelete(t: Table, key: string): boolean {
  const s = tableFind(t, key);
  if (s < 0) return false;
  writable(t, s)[(s & PAGE_MASK) * (t.width + 1)] = 0;
  t.size--;
  return true;
}

/** Every present key with its slot, in order of first appearance. */
export function tableForEach(t: Table, f: (key: string, slot: number) => void): void {
  const stride = t.width + 1;
  seqForEach(t.keys, (k, s) => {
    if (t.pages[s >> PAGE_SHIFT][(s & PAGE_MASK) * stride] === 1) f(k, s);
  });
}

/**
 * A copy that shares every page and full chunk with `t`; both copy a page before their
 * next write to it. O(pages), whatever the number of keys.
 */
export function tableCopy(t: Table): Table {
  const c: Table = { $: 'table', keys: seqCopy(t.keys), width: t.width, pages: t.pages.slice(), size: t.size };
  if (t.lim !== undefined) c.lim = t.lim;
  const tr = (t as unknown as Record<string, Transient | undefined>)[TRANSIENT];
  if (tr) tr.own.fill(0);
  return c;
}

/** After a checkpoint shared `t`'s pages: write none of them in place again. */
export function tableShared(t: Table): void {
  const tr = (t as unknown as Record<string, Transient | undefined>)[TRANSIENT];
  if (tr) tr.own.fill(0);
}


/** One column as a plain object (for views and for documents that want one). */
export function tableRecord(t: Table, col = 0): Record<string, number> {
  const out: Record<string, number> = {};
  tableForEach(t, (k, s) => (out[k] = tableAt(t, s, col)));
  return out;
}

export function tableKeyAt(t: Table, slot: number): string {
  return seqAt(t.keys, slot)!;
}
