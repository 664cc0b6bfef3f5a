// Two database clusters side by side (found by the swarm, seed 4): each has its own primary,
// orchestrator and role endpoint. The checkers took the two primaries for a split brain and
// every write of the cluster with the older promotion for lost; a replication group is one
// system, and two groups are two.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';
import { summarize } from '../../src/sim/report';
import type { Scenario } from '../../src/scenario/types';

const doc = JSON.parse(readFileSync(new URL('./fixtures/swarm-two-clusters.json', import.meta.url), 'utf8'));

function run(d: unknown) {
  const res = validateScenario(d);
  if (!res.ok) throw new Error(res.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  const scenario: Scenario = res.scenario;
  const sim = createSim(scenario, { checkpoints: false });
  sim.advanceTo(scenario.durationMs * 1000);
  const acksBy = new Set(sim.journals.history.items.filter((e) => e.type === 'ok' && e.f === 'write').map((e) => e.node));
  return { summary: summarize(sim), acksBy };
}

describe('checkers with two replication groups', () => {
  it('two clusters, each with its primary, are not a split brain, and neither loses the other\'s writes', () => {
    const { summary, acksBy } = run(doc);
    // Both primaries acknowledged writes the whole time (so there was something to misjudge).
    expect(acksBy).toContain('c0-db0');
    expect(acksBy).toContain('c1-db0');
    const kinds = summary.anomalies.map((a) => a.kind);
    expect(kinds).not.toContain('split-brain');
    expect(kinds).not.toContain('lost-write');
  });

  it('a key of one cluster is not the same key of the other: a read is held only to its own cluster\'s writes', () => {
    // Both clusters' clients use keys k0, k1, ...; every read goes to its cluster's primary,
    // and nothing fails: no read can be stale. (Reads through the cache may be: it is left out.)
    const nodes = doc.nodes.filter((n: { id: string }) => n.id !== 'cache');
    const { summary } = run({ ...doc, nodes, faults: [] });
    expect(summary.anomalies.filter((a) => a.kind === 'stale-read').map((a) => a.explanation)).toEqual([]);
  });

  it('a stale read within a cluster is still found, with the other cluster beside it', () => {
    // c1-app1 reads from c1-db2, an async standby that applies each entry 50 ms late.
    const nodes = doc.nodes.filter((n: { id: string }) => n.id !== 'cache').map((n: { id: string }) =>
      n.id === 'c1-app1' ? { ...n, readTarget: 'c1-db2', writesPerSec: 30 } : n.id === 'c1-db2' ? { ...n, applyMs: 50 } : n);
    const { summary } = run({ ...doc, nodes, faults: [] });
    const stale = summary.anomalies.filter((a) => a.kind === 'stale-read');
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((a) => a.nodes.every((n) => n.startsWith('c1-')))).toBe(true);
  });

  it('a failover in one cluster still loses that cluster\'s unreplicated writes, and only those', () => {
    // c0's primary ships its log once a second, so a crash loses up to a second of acknowledged writes.
    const nodes = doc.nodes.map((n: { id: string }) => (n.id === 'c0-db0' ? { ...n, shipIntervalMs: 1000 } : n));
    const crash = { atMs: 30_500, untilMs: 60_000, kind: 'crash', target: 'c0-db0' };
    const { summary } = run({ ...doc, nodes, faults: [...doc.faults, crash] });
    const lost = summary.anomalies.find((a) => a.kind === 'lost-write');
    expect(lost, 'the async replica of c0 is promoted without the last writes').toBeDefined();
    expect(lost!.nodes.every((n) => n.startsWith('c0-'))).toBe(true);
    expect(summary.anomalies.find((a) => a.kind === 'split-brain')?.nodes.some((n) => n.startsWith('c1-')) ?? false).toBe(false);
  });
});
