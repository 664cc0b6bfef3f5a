// The grader's worker threads: one per core (or as many as asked), each running seeds of
// whichever answer is next, so a class of forty answers keeps every core busy to the end.

import { Worker } from 'node:worker_threads';
import type { SeedJob } from '../scenario/challenge/grade';
import type { SeedOutcome } from '../scenario/challenge/types';

/** Mirrors grade-worker.ts: the jobs a worker holds, oldest dropped first. */
const MAX_JOBS = 8;

interface Task {
  job: number;
  seed: number;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** Job ids this worker holds, in the order it was sent them. */
  holds: number[];
}

interface Pending {
  job: SeedJob;
  left: number;
  outcomes: SeedOutcome[];
  onOutcome?: (o: SeedOutcome) => void;
  resolve: (o: SeedOutcome[]) => void;
}

function spawn(): Worker {
  // This module runs from the CLI's bundle (src/cli/launch.mjs), where every command is a
  // file beside it: the worker is grade-worker.mjs.
  return new Worker(new URL('./grade-worker.mjs', import.meta.url));
}

export class GradePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 1;
  private failure: Error | null = null;

  constructor(size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const slot: Slot = { worker: spawn(), busy: false, holds: [] };
      slot.worker.on('message', (m: { job: number; seed: number; outcome?: SeedOutcome; error?: string }) => this.done(slot, m));
      slot.worker.on('error', (e) => this.fail(e));
      this.slots.push(slot);
    }
  }

  /** Runs every seed of one answer; outcomes come back in the order they finish. */
  grade(job: SeedJob, seeds: readonly number[], onOutcome?: (o: SeedOutcome) => void): Promise<SeedOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextJob++;
    return new Promise((resolve, reject) => {
      if (seeds.length === 0) return resolve([]);
      this.pending.set(id, { job, left: seeds.length, outcomes: [], onOutcome, resolve });
      for (const seed of seeds) this.queue.push({ job: id, seed });
      this.rejectors.set(id, reject);
      this.pump();
    });
  }

  private readonly rejectors = new Map<number, (e: Error) => void>();

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = true;
      if (!slot.holds.includes(task.job)) {
        slot.worker.postMessage({ type: 'job', id: task.job, job: this.pending.get(task.job)!.job });
        slot.holds.push(task.job);
        if (slot.holds.length > MAX_JOBS) slot.holds.shift();
      }
      slot.worker.postMessage({ type: 'seed', job: task.job, seed: task.seed });
    }
  }

  private done(slot: Slot, m: { job: number; seed: number; outcome?: SeedOutcome; error?: string }): void {
    slot.busy = false;
    const p = this.pending.get(m.job);
    if (p) {
      const outcome: SeedOutcome = m.outcome ?? { seed: m.seed, passed: false, failed: [], values: [], trace: '', events: 0, aborted: m.error ?? 'no result' };
      p.outcomes.push(outcome);
      p.onOutcome?.(outcome);
      if (--p.left === 0) {
        this.pending.delete(m.job);
        this.rejectors.delete(m.job);
        p.resolve(p.outcomes);
      }
    }
    this.pump();
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const reject of this.rejectors.values()) reject(e);
    this.rejectors.clear();
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
