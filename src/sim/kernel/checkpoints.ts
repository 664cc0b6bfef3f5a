// Checkpoints of the whole world, for seeking backwards and for replaying after the fault
// timeline changes.
//
// A checkpoint is the world state serialised as JSON (one string: immutable, its size known
// exactly, restored with JSON.parse), plus the lengths of the append-only journals.
//
// Memory bound: at most `maxCount` checkpoints and at most `maxBytes` in total (defaults 64
// and 256 MiB). When either would be passed, every second checkpoint is dropped (the first,
// at time zero, always stays) and the spacing doubles, so a long run keeps evenly spread
// checkpoints and a seek replays at most about two spacings of events.
//
// Time bound: serialising costs about as much per byte as the simulation spends per 0.01
// events, so the spacing is also at least `eventsPerByte` x the last checkpoint's size.
// With the default 0.05, taking checkpoints costs a few percent of the run whatever the
// world's size, and a seek replays at most a fraction of a second of work.

export interface Checkpoint {
  atUs: number;
  /** Events executed when it was taken: its position in the run. */
  executed: number;
  json: string;
  journalLengths: Record<string, number>;
}

export interface CheckpointPolicy {
  /** Events between checkpoints at the start; doubles each time the store thins out. */
  everyEvents: number;
  maxCount: number;
  maxBytes: number;
  /** Spacing floor per byte of the last checkpoint (0 disables the time bound). */
  eventsPerByte: number;
}

export const DEFAULT_CHECKPOINTS: CheckpointPolicy = {
  everyEvents: 50_000,
  maxCount: 64,
  maxBytes: 256 * 1024 * 1024,
  eventsPerByte: 0.05,
};

export class CheckpointStore {
  private list: Checkpoint[] = [];
  private totalBytes = 0;
  everyEvents: number;

  constructor(private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINTS) {
    this.everyEvents = policy.everyEvents;
  }

  get count(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Whether a checkpoint is due at this position (none yet taken at or beyond it, spacing reached). */
  due(executed: number): boolean {
    const last = this.list[this.list.length - 1];
    if (last === undefined) return true;
    const spacing = Math.max(this.everyEvents, Math.round(last.json.length * this.policy.eventsPerByte));
    return executed >= last.executed + spacing;
  }

  add(cp: Checkpoint): void {
    this.list.push(cp);
    this.totalBytes += cp.json.length;
    while (this.list.length > 1 && (this.list.length > this.policy.maxCount || this.totalBytes > this.policy.maxBytes)) {
      this.thin();
    }
  }

  private thin(): void {
    const kept = this.list.filter((_, i) => i % 2 === 0);
    // Keep the newest too when thinning would drop it, so the run never loses its latest point.
    const newest = this.list[this.list.length - 1];
    if (kept[kept.length - 1] !== newest && kept.length < this.list.length - 1) kept.push(newest);
    this.list = kept;
    this.totalBytes = kept.reduce((sum, c) => sum + c.json.length, 0);
    this.everyEvents *= 2;
  }

  /** The latest checkpoint at or before virtual time `atUs`. */
  latestAtOrBefore(atUs: number): Checkpoint | undefined {
    let best: Checkpoint | undefined;
    for (const c of this.list) {
      if (c.atUs <= atUs) best = c;
      else break;
    }
    return best;
  }

  /** Forget every checkpoint at or after `atUs` (the timeline changed there). */
  dropFrom(atUs: number): void {
    const keep = this.list.filter((c) => c.atUs < atUs);
    if (keep.length === this.list.length) return;
    this.list = keep;
    this.totalBytes = keep.reduce((sum, c) => sum + c.json.length, 0);
  }

  /** The checkpoint taken furthest into the run. */
  newest(): Checkpoint | undefined {
    return this.list[this.list.length - 1];
  }
}
