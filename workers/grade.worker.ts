// A challenge check's thread: runs seeds of the learner's answer with the grader's own
// runSeed (src/scenario/challenge/grade.ts, the module the CLI's worker threads run), so a
// check in the app and `npm run grade` give the same verdict for the same answer.
import * as Comlink from 'comlink';
import { runSeed, type SeedJob } from '../src/scenario/challenge/grade';
import type { SeedOutcome } from '../src/scenario/challenge/types';

export interface GradeWorkerApi {
  run(job: SeedJob, seed: number): SeedOutcome;
}

const api: GradeWorkerApi = { run: (job, seed) => runSeed(job, seed) };
Comlink.expose(api);
