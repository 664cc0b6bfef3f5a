// A worker thread of `npm run swarm`: checks each seed it is sent and posts the result, with
// a share link to the world of any seed that broke an invariant.
import { parentPort } from 'node:worker_threads';
import { encodeShareLink } from '../scenario/share-link';
import { checkSeed } from './swarm/check';
import { drawWorld } from './swarm/world';

parentPort!.on('message', async (seed: number | null) => {
  if (seed === null) {
    parentPort!.close();
    return;
  }
  const world = drawWorld(seed);
  let result;
  try {
    result = checkSeed(seed, world);
  } catch (e) {
    result = { seed, events: 0, trace: '', anomalies: {}, violations: [{ invariant: 'no uncaught error' as const, detail: `the swarm itself threw: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const link = result.violations.length ? await encodeShareLink(world.doc) : undefined;
  parentPort!.postMessage({ ...result, link });
});
