// A client's configuration and its users' traffic change whether or not its process runs
// (found beside the swarm's seed 466, whose repoint made while the app server was down was
// refused). A surge whose end came while the app server was crashed was refused as a command
// to a process that was down, and the client ran at the surge's rate to the end of the run;
// a pool resized while it was down kept its old size.

import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

function run(faults: unknown[], poolSize?: number) {
  const doc = structuredClone(builtIn('first-failover')!.document) as { nodes: { id: string; poolSize?: number }[]; faults: unknown[] };
  doc.faults = faults;
  if (poolSize) for (const n of doc.nodes) if (n.id === 'app') n.poolSize = poolSize;
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const sim = createSim(res.scenario, { checkpoints: false });
  sim.advanceTo(res.scenario.durationMs * 1000);
  const invoked = sim.journals.history.items.filter((e) => e.type === 'invoke' && e.client === 'app').map((e) => e.atUs / 1e6);
  /** Operations the app began per second between two times (s). */
  const rate = (from: number, to: number) => invoked.filter((t) => t >= from && t < to).length / (to - from);
  return { sim, rate };
}

// first-failover's app: 20 writes and 50 reads a second.
describe('a client down while its traffic or configuration changes', () => {
  it('a surge that ends while it is down is over when it starts again', () => {
    const r = run([
      { atMs: 10_000, untilMs: 30_000, kind: 'surge', target: 'app', factor: 3 },
      { atMs: 25_000, untilMs: 40_000, kind: 'crash', target: 'app' },
    ]);
    expect(r.rate(12, 24)).toBeGreaterThan(180);
    expect(r.rate(45, 120)).toBeGreaterThan(60);
    expect(r.rate(45, 120)).toBeLessThan(80);
  });

  it('a surge that begins while it is down is on when it starts again, and ends on time', () => {
    const r = run([
      { atMs: 20_000, untilMs: 40_000, kind: 'crash', target: 'app' },
      { atMs: 30_000, untilMs: 80_000, kind: 'surge', target: 'app', factor: 3 },
    ]);
    expect(r.rate(42, 78)).toBeGreaterThan(180);
    expect(r.rate(82, 120)).toBeLessThan(80);
  });

  it('a pool resized while it is down has its new size when it starts again', () => {
    const r = run([
      { atMs: 20_000, untilMs: 40_000, kind: 'crash', target: 'app' },
      { atMs: 30_000, kind: 'resize-pool', target: 'app', poolSize: 7 },
    ], 50);
    expect((r.sim.view(r.sim.index('app')).detail as { poolSize: number }).poolSize).toBe(7);
  });
});
