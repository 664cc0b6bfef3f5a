// A pool of identical servers (a machine's cores, a service's threads) in front of one FIFO
// queue: work waits for a free server, then takes its own time. Kept as plain data in a
// component's volatile state, driven by the component's timers: a piece of work in service
// is the payload of the timer that ends it.
//
// The backlog (time of the work waiting, per kind of work) is what makes "the queue is this
// long, and mostly replication catch-up" something a component can report.

import { fifo, fifoFilter, fifoPush, fifoShift, fifoSize, type Fifo } from '../kernel/fifo';
import type { StructureLimitName } from '../kernel/limits';

export interface Work<T = unknown> {
  costUs: number;
  /** What kind of load it is, for the backlog's breakdown ('client', 'catch-up', ...). */
  kind: string;
  data: T;
}

export interface Servers<T = unknown> {
  waiting: Fifo<Work<T>>;
  busy: number;
  /** Total cost of the work waiting (not yet started), and by kind. */
  backlogUs: number;
  backlogByKind: Record<string, number>;
}

/** `lim` names the queue's bound (limits.ts): a database's is its CPU queue. */
export function servers<T>(lim: StructureLimitName = 'queue'): Servers<T> {
  return { waiting: fifo(lim), busy: 0, backlogUs: 0, backlogByKind: {} };
}

/** The timer that ends a piece of work in service: it carries the work. */
export interface ServedTimer<T> {
  name: 'served';
  data: Work<T>;
}

/** Where the servers set their timers: the component's context. */
export interface TimerSink<T> {
  setTimer(delayUs: number, timer: ServedTimer<T>): void;
}

/** Queue a piece of work; it starts at once if a server is free. A `served` timer fires when it is done. */
export function submit<T>(ctx: TimerSink<T>, s: Servers<T>, count: number, w: Work<T>): void {
  if (s.busy < count) {
    s.busy++;
    ctx.setTimer(w.costUs, { name: 'served', data: w });
    return;
  }
  fifoPush(s.waiting, w);
  s.backlogUs += w.costUs;
  s.backlogByKind[w.kind] = (s.backlogByKind[w.kind] ?? 0) + w.costUs;
}

/** A server has finished its work (call from the timer): it takes the next waiting work. */
export function release<T>(ctx: TimerSink<T>, s: Servers<T>, count: number): void {
  s.busy--;
  while (s.busy < count) {
    const w = fifoShift(s.waiting);
    if (!w) break;
    s.backlogUs -= w.costUs;
    s.backlogByKind[w.kind] -= w.costUs;
    s.busy++;
    ctx.setTimer(w.costUs, { name: 'served', data: w });
  }
}

/** How long newly queued work would wait for a server. */
export function waitUs(s: Servers<unknown>, count: number): number {
  return s.backlogUs / Math.max(1, count);
}

export function waitingCount(s: Servers<unknown>): number {
  return fifoSize(s.waiting);
}

/** The kind of work with the most time waiting. */
export function dominantKind(s: Servers<unknown>): string | undefined {
  let best: string | undefined;
  for (const k in s.backlogByKind) if (best === undefined || s.backlogByKind[k] > s.backlogByKind[best]) best = k;
  return best;
}

/** Take waiting work out of the queue (it was superseded); work already in service goes on. */
export function cancel<T>(s: Servers<T>, drop: (w: Work<T>) => boolean): number {
  return fifoFilter(s.waiting, (w) => {
    if (!drop(w)) return true;
    s.backlogUs -= w.costUs;
    s.backlogByKind[w.kind] -= w.costUs;
    return false;
  });
}
