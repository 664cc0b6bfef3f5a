import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { Sim } from '../../src/sim/kernel/sim';
import { hashString } from '../../src/sim/kernel/hash';
import { scenarioOf, type Patch } from './helpers/scenarios';

// The capacity kinds (cache, balancer, queue, worker, autoscaler) keep all their state as
// plain data: a run with checkpoints is the run without, and one restored from a checkpoint
// (the autoscaler holding its snapshot, daemons waiting on locks, a cache half full) and
// played forward is the run played straight.

function fullHash(s: Sim): string {
  const j = s.journals;
  return s.stateHash() + hashString(JSON.stringify([j.history.length, j.marks.items, j.log.items.length, j.samples.items.length]));
}

const cases: [string, Patch, number[]][] = [
  // Across the autoscaler's steps, the race, add-workers, the fix and the balancer's checks.
  ['surge-lag', (d) => (d.durationMs = 1_150_000), [805_000, 1_100_000]],
  // Across the cache filling up, the storm and its gateway timeouts.
  ['catchup-storm', (d) => {
    d.durationMs = 1_000_000;
    d.faults = d.faults.filter((f: { id: string }) => f.id !== 'back-down');
    delete d.whatIf; // timed for the full-length lesson
    for (const f of d.faults) f.atMs = 900_000;
  }, [400_000, 950_000]],
];

describe('the capacity kinds replay exactly', () => {
  it.each(cases)('%s: seeking back to checkpoints and playing forward gives the straight run', (id, patch, seekMs) => {
    const scenario = scenarioOf(id, patch);
    const endUs = scenario.durationMs * 1000;
    const straight = createSim(scenario, { checkpoints: false });
    straight.advanceTo(endUs);

    const sim = createSim(scenario, { checkpoints: { everyEvents: 200_000 } });
    sim.advanceTo(endUs);
    expect(sim.traceHex()).toBe(straight.traceHex());
    for (const ms of seekMs) {
      sim.seek(ms * 1000);
      sim.seek(endUs);
      expect(fullHash(sim), `${id}: back to ${ms} ms and forward`).toBe(fullHash(straight));
    }
  });
});
