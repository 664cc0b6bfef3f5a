// The yardstick: a bare event loop over a binary min-heap of plain objects ordered by (time,
// sequence), popping an event and pushing one like it a random delay later, doing no other
// work. It is written out here, not taken from src/sim, so it stays the same yardstick while
// the core's own queue changes: every "ratio to the bare loop" in the report divides by this.

interface Ev {
  t: number;
  s: number;
  k: number;
  n: number;
}

function push(heap: Ev[], item: Ev): void {
  let i = heap.length;
  heap.push(item);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    if (p.t < item.t || (p.t === item.t && p.s < item.s)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

function pop(heap: Ev[]): Ev {
  const top = heap[0];
  const last = heap.pop()!;
  const size = heap.length;
  if (size > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let c = l;
      if (r < size && (heap[r].t < heap[l].t || (heap[r].t === heap[l].t && heap[r].s < heap[l].s))) c = r;
      const ch = heap[c];
      if (last.t < ch.t || (last.t === ch.t && last.s < ch.s)) break;
      heap[i] = ch;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

/** A small xorshift: the yardstick needs cheap numbers, not the core's streams. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Wall milliseconds for `events` pops and pushes over a queue holding `pending` events. */
export function bareLoopMs(events: number, pending: number): number {
  const rnd = xorshift(1);
  const heap: Ev[] = [];
  let seq = 0;
  for (let i = 0; i < pending; i++) push(heap, { t: Math.floor(rnd() * 1e6), s: seq++, k: 1, n: i % 100 });
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const e = pop(heap);
    push(heap, { t: e.t + 1 + Math.floor(rnd() * 2000), s: seq++, k: e.k, n: e.n });
  }
  return performance.now() - t0;
}

/** The queue size of the reference figure: about what the lessons keep pending. */
export const REFERENCE_PENDING = 2_000;

/** Events per second of the bare loop, best of `repeats`. */
export function bareLoopRate(events = 3_000_000, pending = REFERENCE_PENDING, repeats = 3): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) best = Math.min(best, bareLoopMs(events, pending));
  return events / (best / 1000);
}
