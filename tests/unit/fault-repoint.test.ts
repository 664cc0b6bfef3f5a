// A repoint is a change to configuration (a config file deployed, a DNS record edited), not
// to a running process: made while its client is down, the client starts again with it. Found
// by the swarm (seed 466): the repoint back to the primary, made while the app server was
// crashed, was refused, and after its restart it kept sending writes to a replica, which
// refused every one of them, to the end of the run.

import { describe, expect, it } from 'vitest';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

function run(faults: unknown[]) {
  const doc = structuredClone(builtIn('first-failover')!.document) as { faults: unknown[] };
  // No crash of the primary: the client's configuration is the only trouble.
  doc.faults = faults;
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const sim = createSim(res.scenario, { checkpoints: false });
  sim.advanceTo(res.scenario.durationMs * 1000);
  // The app's writes over the last minute of the run: where they went and how they ended.
  const h = sim.journals.history;
  const late = { ok: 0, readOnly: 0, nodes: new Set<string>() };
  for (let i = 0; i < h.length; i++) {
    const e = h.get(i);
    if (e.client !== 'app' || e.f !== 'write' || e.type === 'invoke' || e.atUs < 60_000_000) continue;
    if (e.node) late.nodes.add(e.node);
    if (e.type === 'ok') late.ok++;
    if (e.error === 'read-only') late.readOnly++;
  }
  const detail = sim.view(sim.index('app')).detail as { target: string };
  return { late, target: detail.target, status: sim.view(sim.index('app')).status };
}

describe('repoint', () => {
  it('a repoint made while the client is crashed holds when it starts again', () => {
    const r = run([
      // The misconfiguration: writes go to a replica, which refuses them.
      { atMs: 10_000, kind: 'repoint', target: 'app', to: 'db2' },
      { atMs: 20_000, untilMs: 40_000, kind: 'crash', target: 'app' },
      // The fix, deployed while the app server is down.
      { atMs: 30_000, kind: 'repoint', target: 'app', to: 'primary' },
    ]);
    expect(r.status).toBe('up');
    expect(r.target).toBe('primary');
    expect(r.late.readOnly).toBe(0);
    expect(r.late.ok).toBeGreaterThan(100);
    expect([...r.late.nodes]).toEqual(['db1']);
  });

  it('the misconfiguration made while it is down holds too', () => {
    const r = run([
      { atMs: 20_000, untilMs: 40_000, kind: 'crash', target: 'app' },
      { atMs: 30_000, kind: 'repoint', target: 'app', to: 'db2' },
    ]);
    expect(r.target).toBe('db2');
    expect(r.late.ok).toBe(0);
    expect(r.late.readOnly).toBeGreaterThan(100);
  });

  it('an endpoint is repointed whatever state it is in', () => {
    const r = run([
      { atMs: 20_000, untilMs: 40_000, kind: 'crash', target: 'primary' },
      { atMs: 30_000, kind: 'repoint', target: 'primary', to: 'db2' },
    ]);
    expect(r.late.ok).toBe(0);
    expect(r.late.readOnly).toBeGreaterThan(100);
  });
});
