// The simulation's worker script, started from one place: the page's entry starts it early
// (boot.ts), and a session starts a fresh one when it has none or replaces one that failed.

export function spawnSimWorker(): Worker {
  return new Worker(new URL('../../workers/sim.worker.ts', import.meta.url), { type: 'module' });
}
