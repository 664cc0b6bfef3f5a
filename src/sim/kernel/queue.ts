// The event queue: a binary min-heap ordered by (time, sequence number), over typed arrays.
//
// Why typed arrays: the heap is the one structure every event goes through twice (a push
// when it is scheduled, a pop when it runs). As a heap of objects, each comparison chased a
// pointer to an event object somewhere on the JS heap, and each event was an allocation
// that usually outlived the young generation (a timeout waits a second of virtual time, many
// thousands of events). Here the heap orders three parallel columns (time, sequence, slot)
// that sit next to each other in memory; what an event carries (its kind and target, the
// target's incarnation, its payload) is written once into its slot and read once when it
// runs. Slots are recycled through a free list; nothing is allocated per event.
//
// The queue is plain data (numbers, typed arrays, one array of payloads), so a checkpoint
// copies it like the rest of the world state and a restore needs no rebuild. Ties are broken
// by the sequence number given at scheduling, never by object identity or insertion order;
// slot numbers never decide an order.

export interface EventQueue {
  /** Events pending. */
  size: number;
  /** Heap order: per position, the event's time (µs), sequence number and slot. */
  ht: Float64Array;
  hs: Float64Array;
  hslot: Int32Array;
  /** Per slot: kind and target packed ((kind << 20) | (node & 0xfffff)), the target's incarnation, the payload. */
  kn: Int32Array;
  inc: Int32Array;
  p: unknown[];
  /** Free slots, a stack: free[0 .. freeCount). */
  free: Int32Array;
  freeCount: number;
  /** Slots ever used (the next new slot). */
  slots: number;
}

const INITIAL_CAPACITY = 256;

export function eventQueue(capacity = INITIAL_CAPACITY): EventQueue {
  return {
    size: 0,
    ht: new Float64Array(capacity),
    hs: new Float64Array(capacity),
    hslot: new Int32Array(capacity),
    kn: new Int32Array(capacity),
    inc: new Int32Array(capacity),
    p: [],
    free: new Int32Array(capacity),
    freeCount: 0,
    slots: 0,
  };
}

function grown<T extends Float64Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  return b;
}

/** Double every column (the heap and the slots hold at most as many as the capacity). */
function grow(q: EventQueue): void {
  const n = q.ht.length * 2;
  q.ht = grown(q.ht, n);
  q.hs = grown(q.hs, n);
  q.hslot = grown(q.hslot, n);
  q.kn = grown(q.kn, n);
  q.inc = grown(q.inc, n);
  q.free = grown(q.free, n);
}

/** Add an event; `s` must be unique and increasing in scheduling order. */
export function queuePush(q: EventQueue, t: number, s: number, kn: number, inc: number, p: unknown): void {
  if (q.size === q.ht.length) grow(q);
  const slot = q.freeCount > 0 ? q.free[--q.freeCount] : q.slots++;
  q.kn[slot] = kn;
  q.inc[slot] = inc;
  q.p[slot] = p;
  const ht = q.ht;
  const hs = q.hs;
  const hslot = q.hslot;
  let i = q.size++;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pt = ht[parent];
    if (pt < t || (pt === t && hs[parent] < s)) break;
    ht[i] = pt;
    hs[i] = hs[parent];
    hslot[i] = hslot[parent];
    i = parent;
  }
  ht[i] = t;
  hs[i] = s;
  hslot[i] = slot;
}

/**
 * Remove the earliest event and return its slot. The slot's kind, incarnation and payload
 * stay readable (q.kn[slot], ...) until the next push; the caller takes the payload with
 * queueTake before scheduling anything.
 */
export function queuePop(q: EventQueue): number {
  const ht = q.ht;
  const hs = q.hs;
  const hslot = q.hslot;
  const top = hslot[0];
  const size = --q.size;
  if (size > 0) {
    const t = ht[size];
    const s = hs[size];
    const slot = hslot[size];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let c = l;
      if (r < size) {
        const rt = ht[r];
        const lt = ht[l];
        if (rt < lt || (rt === lt && hs[r] < hs[l])) c = r;
      }
      const ct = ht[c];
      if (t < ct || (t === ct && s < hs[c])) break;
      ht[i] = ct;
      hs[i] = hs[c];
      hslot[i] = hslot[c];
      i = c;
    }
    ht[i] = t;
    hs[i] = s;
    hslot[i] = slot;
  }
  q.free[q.freeCount++] = top;
  return top;
}

/** The payload of a slot just popped; the slot lets go of it (a checkpoint copies no dead payload). */
export function queueTake(q: EventQueue, slot: number): unknown {
  const p = q.p[slot];
  q.p[slot] = null;
  return p;
}

/** Time of the earliest event, or Infinity. */
export function queueNextTime(q: EventQueue): number {
  return q.size > 0 ? q.ht[0] : Infinity;
}

/** Every pending event in heap order (not time order), as (time, kind-and-target, payload). */
export function queueForEach(q: EventQueue, f: (t: number, kn: number, p: unknown) => boolean | void): void {
  for (let i = 0; i < q.size; i++) {
    const slot = q.hslot[i];
    if (f(q.ht[i], q.kn[slot], q.p[slot]) === false) return;
  }
}
