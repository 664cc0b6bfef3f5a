// Journals that count their entries and keep none, for a Sim that replays a stretch of a run
// another Sim has already recorded (the worker's viewer, which shows a moment the run-ahead
// has passed). Its journal lengths are then indices into the recording Sim's journals: the
// run is deterministic, so the first n entries of both are the same. Limits are enforced
// exactly as by the real journals, so a replay stops where the recording did.

import type { HistoryEntry } from './component';
import { HistoryJournal } from './history';
import { Journal } from './journal';
import { SimAbort, count } from './limits';

export class CountingJournal<T> extends Journal<T> {
  private count = 0;

  constructor(
    name: string,
    private readonly max: number,
    private readonly whatFull = `the ${name} journal`,
    private readonly unitFull = 'entries',
  ) {
    super(name, max, whatFull, unitFull);
  }

  override push(_item: T): void {
    if (this.count >= this.max) throw new SimAbort('limit', `${this.whatFull} passed its limit of ${count(this.max)} ${this.unitFull}`);
    this.count++;
  }

  override get length(): number {
    return this.count;
  }

  override resize(length: number): void {
    this.count = length;
  }

  override dropTail(): void {}

  override since(): T[] {
    return [];
  }
}

export class CountingHistory extends HistoryJournal {
  private count = 0;

  constructor(private readonly max: number) {
    super(max);
  }

  override push(_e: HistoryEntry): void {
    this.record();
  }

  override record(): void {
    if (this.count >= this.max) throw new SimAbort('limit', `the client history passed its limit of ${count(this.max)} entries`);
    this.count++;
  }

  override get length(): number {
    return this.count;
  }

  override resize(length: number): void {
    this.count = length;
  }

  override dropTail(): void {}

  override get(): HistoryEntry {
    throw new Error('a counting journal keeps no entries: read the recording Sim');
  }
}
