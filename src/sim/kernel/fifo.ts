// A first-in first-out queue in a component's state: a Seq (seq.ts), so a checkpoint shares
// its full chunks instead of copying every item waiting, whatever the queue's length.
// Pushing and taking cost O(1).
//
// Bounded: each queue names its entry of STRUCTURE_LIMITS (a database's CPU queue, a pool's
// queue...; `queue` when it does not say), and a push past it stops the run with a sentence
// naming the node whose queue it is: a database's CPU queue under a load it can never serve
// grows by the load's rate, for as long as the run lasts.
//
// What is pushed is never changed afterwards (a checkpoint may hold it): take it out and
// push a new one instead.

import type { StructureLimitName } from './limits';
import { seq, seqAt, seqFilter, seqForEach, seqFrom, seqPeek, seqPush, seqShift, type Seq } from './seq';

export type Fifo<T> = Seq<T>;

export function fifo<T>(lim: StructureLimitName = 'queue'): Fifo<T> {
  return seq<T>(lim);
}

/** A queue holding `items`, in order. */
export function fifoFrom<T>(items: readonly T[], lim: StructureLimitName = 'queue'): Fifo<T> {
  return seqFrom(items, lim);
}

export function fifoSize(q: Fifo<unknown>): number {
  return q.length;
}

export function fifoPush<T>(q: Fifo<T>, x: T): void {
  seqPush(q, x);
}

export function fifoPeek<T>(q: Fifo<T>): T | undefined {
  return seqPeek(q);
}

/** The item `i` places from the front (0: the front). */
export function fifoAt<T>(q: Fifo<T>, i: number): T | undefined {
  return seqAt(q, i);
}

export function fifoShift<T>(q: Fifo<T>): T | undefined {
  return seqShift(q);
}

/** Keep only what `keep` accepts, in order; returns how many were dropped. */
export function fifoFilter<T>(q: Fifo<T>, keep: (x: T) => boolean): number {
  return seqFilter(q, keep);
}

export function fifoForEach<T>(q: Fifo<T>, f: (x: T) => void): void {
  seqForEach(q, f);
}
