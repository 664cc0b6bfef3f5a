// Copying the world state for a checkpoint, and back for a restore, at the cost of what
// changed.
//
// The state is plain data. A copy walks it and copies objects and arrays, except the parts
// that can never change again, which it shares: the full chunks of a Seq (seq.ts), the items
// of the chunk each sequence is filling (a Seq's items are never changed once pushed: only
// that chunk's array is copied), frozen objects, and the pages of a Table (table.ts, copy
// on write; a checkpoint holds a table as an image, a delta of the rows written since the
// checkpoint before, and a restore makes the table from it). What is
// left to copy is the state's small change: a few hundred objects (events in flight,
// sessions, timers' payloads). A restore is the same walk from the checkpoint, so the
// checkpoint is never written and can be restored any number of times.
//
// While it copies, the walk estimates the bytes it allocated (V8's sizes on a 64-bit heap,
// roughly: a header per object, a word per field or element) and lists the shared parts it
// referenced, so the checkpoint store can count shared chunks once however many
// checkpoints hold them. Strings are not counted: they are immutable and shared with the
// live state.
//
// Unlike JSON, the copy keeps what JSON would change (-0, NaN, Infinity, undefined fields):
// a restored state is the state, not its serialisation.

import type { Seq } from './seq';
import { SEQ_CHUNK } from './seq';
import { tableFromImage, tableImage, tableImageParts, tableShared, type Table, type TableImage } from './table';

/** What a copy allocated and what it shares. */
export interface CopyCost {
  /** Estimated bytes of the objects the copy made. */
  bytes: number;
  /** The immutable parts it references instead of copying (Seq chunks, Table pages). */
  shared: object[];
  /**
   * A checkpoint's copy (see `trackedCost`): of `shared`, the parts not known to be held by
   * the copy numbered `since`, i.e. all but those a sequence or table still holds since it
   * was last copied for that checkpoint. The store looks only these up.
   */
  track?: { serial: number; since: number; unknown: object[] };
}

/**
 * What each sequence and table gave the last checkpoint copy of it: that copy's serial and
 * its chunk (page) list. Kept beside the state, not in it (a field would follow the state
 * into copies and serialisations, and change the hidden class of every sequence).
 */
const lastCopy = new WeakMap<object, { serial: number; parts: readonly object[] }>();
let copySerial = 0;

/**
 * A cost for a checkpoint's copy when the store's newest checkpoint is copy `since` (-1:
 * none). Most of a checkpoint's shared parts (a long log's chunks, pages not written since)
 * are the ones the checkpoint before held: the copy tells them apart by identity in the
 * list it gave that checkpoint, so the store does not look up some 3,000 parts per
 * checkpoint (catchup-storm), only the new ones.
 */
export function trackedCost(since: number): CopyCost {
  return { bytes: 0, shared: [], track: { serial: ++copySerial, since, unknown: [] } };
}

const OBJECT_BYTES = 24;
const ARRAY_BYTES = 32;
const SLOT_BYTES = 8;
const TYPED_BYTES = 96;

export function copyState<T>(x: T, cost: CopyCost): T {
  return copy(x, cost) as T;
}

function copy(x: unknown, cost: CopyCost): unknown {
  if (typeof x !== 'object' || x === null) return x;
  // Frozen: it can never change, so it is shared, and counted as the copy's own (as a copy
  // of it was), since the checkpoint may keep it alive after the live state let it go. A
  // component freezes only what holds no object that could change (a cache's stored answer).
  if (Object.isFrozen(x)) {
    measure(x, cost);
    return x;
  }
  if (Array.isArray(x)) {
    const n = x.length;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = x[i];
      out[i] = typeof e === 'object' && e !== null ? copy(e, cost) : e;
    }
    cost.bytes += ARRAY_BYTES + n * SLOT_BYTES;
    return out;
  }
  if (ArrayBuffer.isView(x)) {
    const t = x as unknown as Float64Array;
    cost.bytes += TYPED_BYTES + t.byteLength;
    return t.slice();
  }
  const o = x as Record<string, unknown>;
  if (o.$ === 'seq') return copySeq(o as unknown as Seq<unknown>, cost);
  if (o.$ === 'table') return cost.track === undefined ? copyTable(o as unknown as Table, cost) : imageTable(o as unknown as Table, cost);
  if (o.$ === 'tableImage') return restoreTable(o as unknown as TableImage, cost);
  const out: Record<string, unknown> = {};
  let fields = 0;
  for (const k in o) {
    const e = o[k];
    out[k] = typeof e === 'object' && e !== null ? copy(e, cost) : e;
    fields++;
  }
  cost.bytes += OBJECT_BYTES + fields * SLOT_BYTES;
  return out;
}

/** The parts `x` gave the copy numbered `since`, if that copy was of `x` (else undefined). */
function lastGiven(x: object, track: CopyCost['track']): readonly object[] | undefined {
  if (track === undefined) return undefined;
  const last = lastCopy.get(x);
  return last !== undefined && last.serial === track.since ? last.parts : undefined;
}

function copySeq(s: Seq<unknown>, cost: CopyCost): Seq<unknown> {
  const n = s.chunks.length;
  const chunks = new Array<unknown[]>(n);
  const track = cost.track;
  // The chunks the last checkpoint's copy of this sequence held, from the one now at the
  // front (a sequence loses chunks only at the front and gains them only at the back).
  const prev = lastGiven(s, track);
  let at = 0;
  if (prev !== undefined && n > 0) while (at < prev.length && prev[at] !== s.chunks[0]) at++;
  for (let i = 0; i < n; i++) {
    const c = s.chunks[i];
    // Full chunks are never written again; the last one may still be filling.
    if (c.length === SEQ_CHUNK) {
      chunks[i] = c;
      cost.shared.push(c);
      if (track !== undefined && (prev === undefined || prev[at + i] !== c)) track.unknown.push(c);
    } else {
      // Its items are never changed once pushed (seq.ts): the array is copied, the items
      // shared. They are counted as the copy's own all the same, as when they were copied:
      // the checkpoint keeps them alive, perhaps after the live state has let them go.
      chunks[i] = c.slice();
      cost.bytes += chunkBytes(c);
    }
  }
  cost.bytes += OBJECT_BYTES + 5 * SLOT_BYTES + ARRAY_BYTES + n * SLOT_BYTES;
  // The copy's list is never written (a checkpoint is only ever copied from): its full
  // chunks are exactly what this checkpoint holds of the sequence.
  if (track !== undefined) lastCopy.set(s, { serial: track.serial, parts: chunks });
  const out: Seq<unknown> = { $: 'seq', chunks, head: s.head, length: s.length };
  if (s.lim !== undefined) out.lim = s.lim;
  return out;
}

function copyTable(t: Table, cost: CopyCost): Table {
  const pages = t.pages.slice();
  const track = cost.track;
  const prev = lastGiven(t, track);
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    cost.shared.push(p);
    if (track !== undefined && (prev === undefined || prev[i] !== p)) track.unknown.push(p);
  }
  if (track !== undefined) lastCopy.set(t, { serial: track.serial, parts: pages });
  // From now on the source writes no page in place (a page is copied before it is written).
  tableShared(t);
  cost.bytes += OBJECT_BYTES + 6 * SLOT_BYTES + ARRAY_BYTES + pages.length * SLOT_BYTES;
  const out: Table = { $: 'table', keys: copySeq(t.keys, cost) as Seq<string>, width: t.width, pages, size: t.size };
  if (t.lim !== undefined) out.lim = t.lim;
  return out;
}

/**
 * A checkpoint's copy of a table: an image (table.ts), a delta on the one the checkpoint
 * before holds when the chain stays short. It keeps alive its chain's deltas and its whole
 * image's pages: those are its shared parts, of which only what it made can be new.
 */
function imageTable(t: Table, cost: CopyCost): TableImage {
  const track = cost.track!;
  const known = lastGiven(t, track) !== undefined;
  const keys = copySeq(t.keys, cost) as Seq<string>;
  const { image, made } = tableImage(t, keys);
  const parts: object[] = [];
  tableImageParts(image, parts);
  for (const p of parts) cost.shared.push(p);
  for (const p of known ? made : parts) track.unknown.push(p);
  lastCopy.set(t, { serial: track.serial, parts });
  cost.bytes += OBJECT_BYTES + 12 * SLOT_BYTES + (image.pages !== null ? ARRAY_BYTES + image.pages.length * SLOT_BYTES : 0);
  return image;
}

/** A table from a checkpoint's image. */
function restoreTable(image: TableImage, cost: CopyCost): Table {
  const t = tableFromImage(image, copySeq(image.keys, cost) as Seq<string>);
  cost.bytes += OBJECT_BYTES + 6 * SLOT_BYTES + ARRAY_BYTES + t.pages.length * SLOT_BYTES;
  return t;
}

/** Estimated bytes of a shared part, counted once by whoever keeps it alive. */
export function sharedBytes(x: object): number {
  if (ArrayBuffer.isView(x)) return TYPED_BYTES + x.byteLength;
  if (Array.isArray(x)) return chunkBytes(x);
  const cost: CopyCost = { bytes: 0, shared: [] };
  measure(x, cost);
  return cost.bytes;
}

/**
 * The bytes a sequence's chunk holds, estimated from its first item: a sequence holds items
 * of one shape (log keys, requests, tuples), and walking every item of every chunk was a
 * few percent of a busy run's time (a chunk is measured when a checkpoint first holds it).
 */
function chunkBytes(c: readonly unknown[]): number {
  const n = c.length;
  if (n === 0) return ARRAY_BYTES;
  const first: CopyCost = { bytes: 0, shared: [] };
  measure(c[0], first);
  return ARRAY_BYTES + n * (SLOT_BYTES + first.bytes);
}

/** Like copy, without copying: the bytes a structure holds (a frozen object). */
function measure(x: unknown, cost: CopyCost): void {
  if (typeof x !== 'object' || x === null) return;
  if (Array.isArray(x)) {
    cost.bytes += ARRAY_BYTES + x.length * SLOT_BYTES;
    for (const e of x) if (typeof e === 'object' && e !== null) measure(e, cost);
    return;
  }
  if (ArrayBuffer.isView(x)) {
    cost.bytes += TYPED_BYTES + x.byteLength;
    return;
  }
  let fields = 0;
  const o = x as Record<string, unknown>;
  for (const k in o) {
    const e = o[k];
    if (typeof e === 'object' && e !== null) measure(e, cost);
    fields++;
  }
  cost.bytes += OBJECT_BYTES + fields * SLOT_BYTES;
}
