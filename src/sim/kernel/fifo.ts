// A first-in first-out queue kept as plain JSON data (it lives in checkpointed state).
// Taking from the front moves a head index instead of shifting the array, and the consumed
// prefix is cut off in batches, so both ends cost O(1) amortised.

export interface Fifo<T> {
  items: T[];
  head: number;
}

export function fifo<T>(): Fifo<T> {
  return { items: [], head: 0 };
}

export function fifoSize(q: Fifo<unknown>): number {
  return q.items.length - q.head;
}

export function fifoPush<T>(q: Fifo<T>, x: T): void {
  q.items.push(x);
}

export function fifoPeek<T>(q: Fifo<T>): T | undefined {
  return q.head < q.items.length ? q.items[q.head] : undefined;
}

export function fifoShift<T>(q: Fifo<T>): T | undefined {
  if (q.head >= q.items.length) return undefined;
  const x = q.items[q.head++];
  if (q.head === q.items.length) {
    q.items.length = 0;
    q.head = 0;
  } else if (q.head > 64 && q.head * 2 > q.items.length) {
    q.items.splice(0, q.head);
    q.head = 0;
  }
  return x;
}
