// A table from string keys to a few numbers each: the shape of a database's data (key ->
// value and the LSN that wrote it).
//
// Why not a plain object: a checkpoint would copy every key each time, and a busy database
// holds tens of thousands (a job queue writes a new key per job). Here keys get slots in the
// order they first appear (a Seq, shared by checkpoints like any other), and the numbers live
// in pages of PAGE_SLOTS slots. A copy shares every page; the live table copies a page the
// first time it writes to it afterwards (copy on write). A checkpoint holds a table as an
// image (TableImage below): now and then a whole one, sharing the pages; in between, a
// delta of the rows written since the image before, so a checkpoint costs the rows written,
// not the pages they touched (a database's writes land all over its keys: catchup-storm's
// touched all 20 pages of each table between two checkpoints, for some 800 rows).
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

/**
 * A table as a checkpoint holds it. A whole image shares the table's pages (the table copies
 * a page before writing it again); a delta holds only the rows written since the image before
 * it (its `base`), so a checkpoint costs what changed, not every page a write touched:
 * catchup-storm's databases write some 800 of their 5,000 keys each between two checkpoints,
 * all over their 20 pages. Images are never written; a restore makes a table from the whole
 * image at the root of the chain and the deltas after it, oldest first.
 */
export interface TableImage {
  /** Brand read by the checkpointer (snapshot.ts). */
  $: 'tableImage';
  keys: Seq<string>;
  width: number;
  size: number;
  lim?: StructureLimitName;
  /** A whole image: every page. Null in a delta. */
  pages: Float64Array[] | null;
  /** A delta: the image it follows, the slots written since, their rows (width + 1 numbers each). */
  base: TableImage | null;
  slots: Int32Array | null;
  rows: Float64Array | null;
  /** Numbers the deltas since the chain's whole image hold, this one's included. */
  chainNumbers: number;
  /** Deltas since the whole image (0 for a whole one). */
  depth: number;
}

/**
 * A chain of deltas holds at most this many times its whole image's numbers, and at most
 * MAX_DEPTH deltas: a restore then applies at most that much. catchup-storm's tables take a
 * whole image about every 10 checkpoints (deltas of 23 KiB against 120 KiB of pages).
 */
const DELTAS_PER_WHOLE = 2;
const MAX_DEPTH = 32;

/** What a table object knows about itself and no copy inherits. */
interface Transient {
  /** Slot by key, for keys not named by number. */
  index: Map<string, number>;
  /** The same for keys named by number (keys.ts): every one of them, so a miss there is an absent key. */
  byNumber: ByKeyNumber;
  /** own[p] === 1: this object made page p (or copied it) since it was last shared. */
  own: Uint8Array;
  /** The last image made of this table (or the one it was restored from): the next one's base. */
  image: TableImage | null;
  /** Slots written since `image` was made, each once (`written[s]` is 1 for them). */
  dirty: number[];
  written: Uint8Array;
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
    x = { index, byNumber, own: new Uint8Array(0), image: null, dirty: [], written: new Uint8Array(0) };
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
  if (tr.image !== null) noteWritten(tr, s);
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
  const tr = transient(t);
  if (tr.image !== null) noteWritten(tr, s);
  t.size--;
  return true;
}

/** Slot `s` is written: the next image's delta holds its row. */
function noteWritten(tr: Transient, s: number): void {
  if (s < tr.written.length && tr.written[s] === 1) return;
  if (s >= tr.written.length) {
    const w = new Uint8Array(Math.max(1024, s + 1, tr.written.length * 2));
    w.set(tr.written);
    tr.written = w;
  }
  tr.written[s] = 1;
  tr.dirty.push(s);
}

/**
 * An image of `t` for a checkpoint (its `keys` left for the caller to copy): a delta on the
 * last one made of it when the chain stays short, else a whole one sharing its pages.
 * Returns the image and the parts it made (new delta arrays, or the pages of a whole image).
 */
export function tableImage(t: Table, keys: Seq<string>): { image: TableImage; made: object[] } {
  const tr = transient(t);
  const stride = t.width + 1;
  const base = tr.image;
  const n = tr.dirty.length;
  const chainNumbers = (base?.chainNumbers ?? 0) + n * stride;
  let image: TableImage;
  let made: object[];
  if (base !== null && base.depth < MAX_DEPTH && chainNumbers <= DELTAS_PER_WHOLE * t.pages.length * PAGE_SLOTS * stride) {
    const slots = new Int32Array(n);
    const rows = new Float64Array(n * stride);
    for (let i = 0; i < n; i++) {
      const s = tr.dirty[i];
      slots[i] = s;
      const page = t.pages[s >> PAGE_SHIFT];
      const at = (s & PAGE_MASK) * stride;
      for (let c = 0; c < stride; c++) rows[i * stride + c] = page[at + c];
      tr.written[s] = 0;
    }
    image = { $: 'tableImage', keys, width: t.width, size: t.size, pages: null, base, slots, rows, chainNumbers, depth: base.depth + 1 };
    made = [slots, rows];
  } else {
    for (let i = 0; i < n; i++) tr.written[tr.dirty[i]] = 0;
    // From now on the table writes none of these pages in place (a page is copied first).
    tr.own.fill(0);
    const pages = t.pages.slice();
    image = { $: 'tableImage', keys, width: t.width, size: t.size, pages, base: null, slots: null, rows: null, chainNumbers: 0, depth: 0 };
    made = pages;
  }
  if (t.lim !== undefined) image.lim = t.lim;
  tr.dirty.length = 0;
  tr.image = image;
  return { image, made };
}

/** The immutable parts an image keeps alive: its chain's delta arrays and its whole image's pages. */
export function tableImageParts(image: TableImage, out: object[]): void {
  for (let x: TableImage | null = image; x !== null; x = x.base) {
    if (x.pages !== null) for (const p of x.pages) out.push(p);
    else out.push(x.slots!, x.rows!);
  }
}

/** The table an image holds (its keys given, copied by the caller): the next image of it may be a delta on this one. */
export function tableFromImage(image: TableImage, keys: Seq<string>): Table {
  const chain: TableImage[] = [];
  let whole = image;
  while (whole.pages === null) {
    chain.push(whole);
    whole = whole.base!;
  }
  const t: Table = { $: 'table', keys, width: image.width, pages: whole.pages.slice(), size: image.size };
  if (image.lim !== undefined) t.lim = image.lim;
  const stride = t.width + 1;
  // Pages made after the whole image: their slots are all in the deltas.
  const pageCount = (keys.length + PAGE_SLOTS - 1) >> PAGE_SHIFT;
  const tr = transient(t);
  tr.own = new Uint8Array(Math.max(8, pageCount));
  while (t.pages.length < pageCount) {
    tr.own[t.pages.length] = 1;
    t.pages.push(new Float64Array(PAGE_SLOTS * stride));
  }
  for (let k = chain.length - 1; k >= 0; k--) {
    const { slots, rows } = chain[k];
    for (let i = 0; i < slots!.length; i++) {
      const s = slots![i];
      const page = writable(t, s);
      const at = (s & PAGE_MASK) * stride;
      for (let c = 0; c < stride; c++) page[at + c] = rows![i * stride + c];
    }
  }
  tr.image = image;
  return t;
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
