// A worker thread of `npm run grade`: runs the seeds it is handed, one at a time, and posts
// each outcome back. A job (the learner's scenario and the goal's requirements) is sent once
// and then named by its id, so a class of answers does not copy each scenario per seed.
import { parentPort } from 'node:worker_threads';
import { runSeed, type SeedJob } from '../scenario/challenge/grade';

/** Jobs kept at once: the pool hands out a class's answers roughly in order. */
const MAX_JOBS = 8;
const jobs = new Map<number, SeedJob>();

type In = { type: 'job'; id: number; job: SeedJob } | { type: 'seed'; job: number; seed: number };

parentPort!.on('message', (m: In) => {
  if (m.type === 'job') {
    jobs.set(m.id, m.job);
    if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);
    return;
  }
  const job = jobs.get(m.job);
  if (!job) {
    parentPort!.postMessage({ job: m.job, seed: m.seed, error: 'the worker no longer holds this answer' });
    return;
  }
  parentPort!.postMessage({ job: m.job, seed: m.seed, outcome: runSeed(job, m.seed) });
});
