// The surge lesson (seed 004) at full length: a surge on some stores, command daemons with
// the check-then-act race, read replicas behind a balancer, the autoscaler adding one; with
// checkpoints as the app takes them, and the checkers over the run (they are part of what a
// run costs). Events per second, best of REPEATS.

import { builtIn } from '../src/scenario/library';
import { validateScenario } from '../src/scenario/validate';
import { createSim } from '../src/sim/world';
import { anomaliesOf } from '../src/sim/report';
import { fmt, msSince, type BenchSection } from './report';

const REPEATS = 3;

export async function benchSurge(): Promise<BenchSection> {
  const res = validateScenario(builtIn('surge-lag')!.document);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const runs = Array.from({ length: REPEATS }, () => {
    const sim = createSim(res.scenario);
    const t0 = performance.now();
    sim.advanceTo(res.scenario.durationMs * 1000);
    const simMs = msSince(t0);
    const t1 = performance.now();
    const anomalies = anomaliesOf(sim);
    if (sim.aborted) throw new Error(sim.aborted.reason);
    return { simMs, checkMs: msSince(t1), events: sim.state.executed, history: sim.journals.history.length, anomalies };
  });
  const best = runs.reduce((a, b) => (b.simMs < a.simMs ? b : a));
  const dups = best.anomalies.filter((a) => a.kind === 'duplicate-effect').reduce((n, a) => n + a.count, 0);
  return {
    title: `Surge scenario (surge-lag, ${fmt(res.scenario.durationMs / 60_000)} min simulated)`,
    rows: [
      ['events', `${fmt(best.events)} (${fmt(best.history)} history entries, ${fmt(dups)} duplicate effects)`],
      ['simulation speed', `${fmt(best.events / (best.simMs / 1000))} events/s (best of ${REPEATS}: ${fmt(best.simMs)} ms)`],
      ['checkers over the run', `${fmt(best.checkMs)} ms (${fmt(best.history / (best.checkMs / 1000))} history entries/s)`],
    ],
  };
}
