// The event queue: a binary min-heap ordered by (time, sequence number).
//
// The heap lives in a plain array of plain objects, so a checkpoint is the array itself
// (already in heap order) and a restore needs no rebuild. Ties are broken by the sequence
// number given at scheduling, never by object identity or insertion into a Map.

export interface Timed {
  /** Virtual time in microseconds. */
  t: number;
  /** Sequence number: unique, increasing in scheduling order. */
  s: number;
}

function before(a: Timed, b: Timed): boolean {
  return a.t < b.t || (a.t === b.t && a.s < b.s);
}

export function heapPush<T extends Timed>(heap: T[], item: T): void {
  let i = heap.length;
  heap.push(item);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    if (!before(item, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

export function heapPop<T extends Timed>(heap: T[]): T | undefined {
  const n = heap.length;
  if (n === 0) return undefined;
  const top = heap[0];
  const last = heap.pop() as T;
  if (n > 1) {
    const size = n - 1;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && before(heap[r], heap[l]) ? r : l;
      if (!before(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

export function heapPeek<T extends Timed>(heap: T[]): T | undefined {
  return heap[0];
}
