// A first-in first-out queue kept as plain JSON data (it lives in checkpointed state).
// Taking from the front moves a head index instead of shifting the array, and the consumed
// prefix is cut off in batches, so both ends cost O(1) amortised.
//
// Bounded: a push past STRUCTURE_LIMITS.queue waiting items stops the run, with a sentence
// naming the node whose queue it is (a database's CPU queue under a load it can never serve
// grows by the load's rate, for as long as the run lasts).

import { LimitExceeded, STRUCTURE_LIMITS } from './limits';

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
  if (q.items.length - q.head >= STRUCTURE_LIMITS.queue.max) throw new LimitExceeded('queue');
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
