// "Check over N seeds": the goal's seeds run off the page's thread, on several workers where
// there are cores, with progress and a cancel. The outcomes are the grader's own
// (src/scenario/challenge/grade.ts); a superseded or cancelled check is dropped, not applied.

import * as Comlink from 'comlink';
import { checkAnswer, gradeOutput, type SeedJob } from '../../scenario/challenge/grade';
import type { Disallowed, GradeOutput, LoadedChallenge, SeedOutcome } from '../../scenario/challenge/types';
import type { Scenario } from '../../scenario/types';
import type { GradeWorkerApi } from '../../../workers/grade.worker';

/** Workers at most: each holds a simulation; more than the cores only adds memory. */
const MAX_WORKERS = 4;

export type CheckState = 'idle' | 'running' | 'done' | 'cancelled' | 'refused' | 'failed';

export class ChallengeCheck {
  state = $state<CheckState>('idle');
  done = $state(0);
  total = $state(0);
  /** Outcomes so far, in the order they finished (replaced whole). */
  outcomes = $state.raw<SeedOutcome[]>([]);
  /** The verdict once every seed has run. */
  output = $state.raw<GradeOutput | null>(null);
  disallowed = $state.raw<Disallowed[]>([]);
  failure = $state<string | null>(null);

  private generation = 0;
  /** Ends the check in progress at once: a terminated worker never answers what it was asked. */
  private abort: (() => void) | null = null;
  private workers: { worker: Worker; api: Comlink.Remote<GradeWorkerApi> }[] = [];

  constructor(private readonly spawn: () => Worker = () => new Worker(new URL('../../../workers/grade.worker.ts', import.meta.url), { type: 'module' })) {}

  /** Check `answer` over the challenge's seeds. Resolves with the verdict, or null when refused, cancelled or superseded. */
  async start(loaded: LoadedChallenge, answer: Scenario): Promise<GradeOutput | null> {
    this.stopWorkers();
    const gen = ++this.generation;
    this.output = null;
    this.outcomes = [];
    this.failure = null;
    this.done = 0;
    this.total = loaded.seeds.length;
    this.disallowed = checkAnswer(loaded, answer);
    if (this.disallowed.length > 0) {
      this.state = 'refused';
      return null;
    }
    this.state = 'running';
    // Plain data across the boundary: a Svelte proxy cannot be cloned.
    const job: SeedJob = JSON.parse(JSON.stringify({ scenario: answer, requirements: loaded.challenge.goal.require }));
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    const count = Math.max(1, Math.min(MAX_WORKERS, cores, loaded.seeds.length));
    this.workers = Array.from({ length: count }, () => {
      const worker = this.spawn();
      return { worker, api: Comlink.wrap<GradeWorkerApi>(worker) };
    });
    const queue = [...loaded.seeds];
    const all: SeedOutcome[] = [];
    const aborted = new Promise<void>((resolve) => (this.abort = resolve));
    try {
      const all$ = Promise.all(
        this.workers.map(async ({ api }) => {
          for (let seed = queue.shift(); seed !== undefined && gen === this.generation; seed = queue.shift()) {
            const o = await api.run(job, seed);
            if (gen !== this.generation) return;
            all.push(o);
            this.outcomes = [...all];
            this.done = all.length;
          }
        }),
      );
      // A check cancelled meanwhile leaves calls that never answer; nothing waits on them.
      all$.catch(() => {});
      await Promise.race([all$, aborted]);
    } catch (e) {
      if (gen !== this.generation) return null;
      this.stopWorkers();
      this.state = 'failed';
      this.failure = `The check stopped: ${e instanceof Error ? e.message : String(e)}`;
      return null;
    }
    if (gen !== this.generation) return null;
    this.stopWorkers();
    this.output = gradeOutput(loaded, all);
    this.state = 'done';
    return this.output;
  }

  cancel(): void {
    if (this.state !== 'running') return;
    this.generation++;
    this.stopWorkers();
    this.state = 'cancelled';
  }

  /** Forget the last check (another challenge was opened). */
  reset(): void {
    this.generation++;
    this.stopWorkers();
    this.state = 'idle';
    this.outcomes = [];
    this.output = null;
    this.disallowed = [];
    this.failure = null;
    this.done = 0;
    this.total = 0;
  }

  private stopWorkers(): void {
    this.abort?.();
    this.abort = null;
    for (const w of this.workers) {
      w.api[Comlink.releaseProxy]();
      w.worker.terminate();
    }
    this.workers = [];
  }
}
