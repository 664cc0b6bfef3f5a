// An append-only record of what a run produced (client history, log lines, marks, metric
// samples). Journals stay out of checkpoints: a checkpoint stores their lengths, which
// keeps a checkpoint's cost independent of how long the run has been going.
//
// Rewinding truncates a journal, but the entries cut off are kept as its `tail`: the run is
// deterministic, so replaying forward produces exactly those entries again, and a jump
// forward to a later checkpoint can take them back without replaying. When the timeline
// itself changes, the tail is no longer the future and is dropped.

import { SimAbort, count } from './limits';

export class Journal<T> {
  readonly items: T[] = [];
  private tail: T[] = [];
  /** Entries of `tail` already produced again by replay. */
  private tailUsed = 0;

  /**
   * `what` and `unit` make the sentence when it is full: "the run's log passed its limit of
   * 200,000 lines".
   */
  constructor(
    readonly name: string,
    private readonly maxEntries: number,
    private readonly what = `the ${name} journal`,
    private readonly unit = 'entries',
  ) {}

  push(item: T): void {
    if (this.items.length >= this.maxEntries) {
      throw new SimAbort('limit', `${this.what} passed its limit of ${count(this.maxEntries)} ${this.unit}`);
    }
    this.items.push(item);
    if (this.tailUsed < this.tail.length) this.tailUsed++;
  }

  get length(): number {
    return this.items.length;
  }

  /** Entries held, the remembered future included (for memory accounting). */
  get held(): number {
    return this.items.length + this.tail.length;
  }

  /** Set the length to a checkpoint's: cut back (keeping the cut as tail) or extend from the tail. */
  resize(length: number): void {
    const items = this.items;
    if (length < items.length) {
      const rest = this.tail.slice(this.tailUsed);
      this.tail = items.slice(length).concat(rest);
      this.tailUsed = 0;
      items.length = length;
      return;
    }
    const need = length - items.length;
    if (need > this.tail.length - this.tailUsed) {
      throw new Error(`journal ${this.name}: cannot extend to ${length}; the entries are not known`);
    }
    for (let i = 0; i < need; i++) items.push(this.tail[this.tailUsed + i]);
    this.tailUsed += need;
  }

  /** Forget the remembered future (the timeline changed). */
  dropTail(): void {
    this.tail = [];
    this.tailUsed = 0;
  }

  /** Entries from `start` on, at most `max` of them. */
  since(start: number, max = Infinity): T[] {
    return this.items.slice(start, Math.min(this.items.length, start + max));
  }
}
