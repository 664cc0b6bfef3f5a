// A worker thread of `--seeds`: runs the seeds it is given and posts each result back.
import { parentPort, workerData } from 'node:worker_threads';
import { runScenario, type RunRequest } from './run';

const { request, seeds } = workerData as { request: RunRequest; seeds: number[] };
for (const seed of seeds) {
  try {
    parentPort!.postMessage({ seed, output: runScenario({ ...request, seed }) });
  } catch (e) {
    parentPort!.postMessage({ seed, error: e instanceof Error ? e.message : String(e) });
  }
}
