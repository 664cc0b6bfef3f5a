// The failover model at scale: the async-failover lesson with 50 clients, its primary
// crashing half way, checkers included (they are part of what a run costs).

import { builtIn } from '../src/scenario/library';
import { validateScenario } from '../src/scenario/validate';
import { createSim } from '../src/sim/world';
import { anomaliesOf } from '../src/sim/report';
import { fmt, msSince, type BenchSection } from './report';

const CLIENTS = 50;
const REPEATS = 3;

export async function benchFailover(): Promise<BenchSection> {
  const doc = structuredClone(builtIn('async-failover')!.document) as any;
  // The lesson's own client stays (its narration and what-ifs name it), joined by 49 more.
  const app = doc.nodes.find((n: any) => n.id === 'app');
  Object.assign(app, { writesPerSec: 40, readsPerSec: 40 });
  for (let i = 1; i < CLIENTS; i++) doc.nodes.push({ ...app, id: `app${i}` });
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const runs = Array.from({ length: REPEATS }, () => {
    const sim = createSim(res.scenario, { checkpoints: false });
    const t0 = performance.now();
    sim.advanceTo(res.scenario.durationMs * 1000);
    const simMs = msSince(t0);
    const t1 = performance.now();
    const anomalies = anomaliesOf(sim);
    return { simMs, checkMs: msSince(t1), events: sim.state.executed, history: sim.journals.history.length, anomalies };
  });
  const best = runs.reduce((a, b) => (b.simMs < a.simMs ? b : a));
  const lost = best.anomalies.filter((a) => a.kind === 'lost-write').reduce((n, a) => n + a.count, 0);
  return {
    title: `Failover scenario with ${CLIENTS} clients (async-failover, 60 s)`,
    rows: [
      ['events', `${fmt(best.events)} (${fmt(best.history)} history entries, ${fmt(lost)} writes lost)`],
      ['simulation speed', `${fmt(best.events / (best.simMs / 1000))} events/s (best of ${REPEATS}: ${fmt(best.simMs)} ms)`],
      ['checkers over the run', `${fmt(best.checkMs)} ms (${fmt(best.history / (best.checkMs / 1000))} history entries/s)`],
    ],
  };
}
