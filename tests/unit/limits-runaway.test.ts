import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';
import type { WorldSpec } from '../../src/sim/spec';
import { runCliMeasured } from '../cli';

// Issue 14, item 3: a valid scenario whose state grows without bound used to run the CLI out
// of memory (a V8 fatal error at 4.7 GB) because the state's size was checked only when a
// checkpoint was serialised, which the CLI never does. Now each queue is bounded as it grows.

/** A client sending 2,000 writes a second to a database that serves 100, for a week. */
const overload = {
  format: 'faultline/1',
  title: 'A client far beyond its database, for a week',
  seed: 7,
  durationMs: 604_800_000,
  limits: { maxEvents: 200_000_000 },
  sites: [{ id: 'dc' }],
  links: [],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary', serviceMs: 10, cores: 1 },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 2000, timeoutMs: 1000 },
  ],
  faults: [],
};

const GiB = 1024 ** 3;
const SENTENCE = /^the run stopped: db1's CPU queue passed its limit of 200,000 waiting requests at t = ([\d.,]+) s$/m;

describe('a runaway scenario stops with a sentence, in bounded memory', () => {
  it('the overload is a valid scenario (the validator would refuse a degenerate one)', () => {
    expect(validateScenario(overload).ok).toBe(true);
  });

  it('the CLI exits 1 within the first virtual minutes, saying which limit and where, under 1 GB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-runaway-'));
    const path = join(dir, 'overload.json');
    writeFileSync(path, JSON.stringify(overload));
    const r = runCliMeasured('sim', [path]);
    expect(r.code).toBe(1);
    const m = SENTENCE.exec(r.err);
    expect(m, r.err).not.toBeNull();
    // The queue grows by about 1,900 requests a second: full after about 105 s.
    expect(Number(m![1].replace(/,/g, ''))).toBeLessThan(200);
    expect(r.maxRssBytes).toBeLessThan(GiB);
    // The JSON says the same.
    const j = runCliMeasured('sim', [path, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out).aborted).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/^db1's CPU queue passed its limit/) });
  });

  it("the issue's own reproduction (heartbeats every 0.01 ms, built without the validator) stops the same way, at the same event with or without checkpoints", () => {
    const doc = structuredClone(builtIn('first-failover')!.document) as WorldSpec;
    doc.durationMs = 604_800_000;
    doc.limits = { maxEvents: 200_000_000 };
    for (const n of doc.nodes) if (n.kind === 'orchestrator') (n as { heartbeatMs?: number }).heartbeatMs = 0.01;
    const run = (checkpoints: boolean) => {
      const sim = createSim(doc, checkpoints ? {} : { checkpoints: false });
      expect(sim.advanceTo(doc.durationMs * 1000)).toBe('aborted');
      return sim;
    };
    const a = run(false);
    expect(a.aborted!.reason).toMatch(/^db\d's CPU queue passed its limit of 200,000 waiting requests at t = [\d.]+ s$/);
    expect(a.nowUs).toBeLessThan(10_000_000);
    const b = run(true);
    expect(b.aborted).toEqual(a.aborted);
    expect(b.traceHex()).toBe(a.traceHex());
  });

  it('the world budget, added up from what components report holding, stops the same run earlier when it is smaller', () => {
    const sim = createSim(overload as unknown as WorldSpec, { checkpoints: false, limits: { maxStateBytes: 8 * 1024 * 1024 } });
    expect(sim.advanceTo(600_000_000)).toBe('aborted');
    // About 260 bytes a waiting request: the budget is passed near 32,000 of them, some 16 s in.
    expect(sim.aborted!.reason).toMatch(/^the world state grew to about 8(\.\d)? MiB \(db1 holds 7\.\d MiB\), past its budget of 8 MiB at t = 1\d\.\d+ s$/);
  });
});
