import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { SimHost, type SimApi } from '../../src/sim/host';
import { parseScenario, validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import { runScenario } from '../../src/cli/run';
import { landed } from './helpers/frames';

// The worker contract, exercised through comlink over a real MessageChannel (structured
// cloning included), without a browser Worker.
// Node's global MessageChannel is the web one: comlink uses its ports as it would a Worker's.
let ports: InstanceType<typeof MessageChannel>['port1'][] = [];
function connect(): Comlink.Remote<SimApi> {
  const { port1, port2 } = new MessageChannel();
  ports = [port1, port2];
  Comlink.expose(new SimHost((x) => (typeof x === 'string' ? parseScenario(x) : validateScenario(x))), port1);
  return Comlink.wrap<SimApi>(port2);
}
afterEach(() => ports.forEach((p) => p.close()));

const doc = builtIn('first-failover')!.document as Record<string, unknown>;

describe('the worker contract', () => {
  it('loads a scenario and advances in frames whose trace matches a headless run', async () => {
    const api = connect();
    const loaded = await api.load(doc);
    expect(loaded.ok).toBe(true);
    let frame = await api.advanceTo(1_000_000);
    expect(frame.nowUs).toBe(1_000_000);
    expect(frame.nodes.map((n) => n.id)).toEqual(['db1', 'db2', 'db3', 'orch', 'primary', 'app']);
    // Step the whole run in small frames as the UI does; the end must match the CLI's run.
    for (let t = 2_000_000; t <= 120_000_000; t += 7_000_000) frame = await api.advanceTo(t);
    do frame = await api.advanceTo(120_000_000);
    while (!frame.reached);
    const headless = runScenario({ scenario: (validateScenario(doc) as { ok: true; scenario: never }).scenario });
    expect(frame.trace).toBe(headless.trace);
    expect(frame.events).toBe(headless.events);
  });

  it('sends journal entries once, and a full frame after a seek', async () => {
    const api = connect();
    await api.load(doc);
    const a = await api.advanceTo(35_000_000);
    const b = await api.advanceTo(36_000_000);
    expect(a.log.some((l) => l.text.startsWith('crashed'))).toBe(true);
    expect(b.log.some((l) => l.text.startsWith('crashed'))).toBe(false);
    const back = landed(await api.seek(10_000_000));
    expect(back.full).toBe(true);
    expect(back.nowUs).toBe(10_000_000);
    expect(back.log.every((l) => l.atUs <= 10_000_000)).toBe(true);
    expect(back.nodes.find((n) => n.id === 'db1')!.status).toBe('up');
  });

  it('returns validation errors instead of loading a bad scenario', async () => {
    const api = connect();
    const res = await api.load({ ...doc, nodes: [{ id: 'x', kind: 'database', site: 'nowhere', role: 'primary' }] });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.errors.map((e) => e.path)).toContain('nodes[0].site');
    const notJson = await api.load('{ "format": ');
    expect(notJson.ok).toBe(false);
  });

  it('adds and removes faults during playback, through the validator, replaying to the same time', async () => {
    const api = connect();
    await api.load(doc);
    await api.advanceTo(60_000_000);
    const bad = await api.addFault({ atMs: 50_000, kind: 'crash', target: 'db9' });
    expect(bad.ok).toBe(false);
    const added = await api.addFault({ atMs: 50_000, kind: 'crash', target: 'db3' });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(added.faults.map((f) => f.id)).toEqual(['crash-db1', 'f1']);
    const at60 = landed(added.frame);
    expect(at60.nowUs).toBe(60_000_000);
    expect(at60.nodes.find((n) => n.id === 'db3')!.status).toBe('down');
    const removed = await api.removeFault('f1');
    expect(removed.ok && landed(removed.frame).nodes.find((n) => n.id === 'db3')!.status).toBe('up');
  });

  it('a frame is bounded: a heavy run returns partial frames instead of blocking', async () => {
    const api = connect();
    const heavy = {
      ...doc,
      nodes: (doc.nodes as object[]).map((n) => ((n as { id: string }).id === 'app' ? { ...n, writesPerSec: 20000, readsPerSec: 20000 } : n)),
    };
    await api.load(heavy);
    const f = await api.advanceTo(60_000_000);
    expect(f.reached).toBe(false);
    expect(f.nowUs).toBeLessThan(60_000_000);
    expect(f.messages.count).toBeLessThanOrEqual(5000);
  });
});

describe('linearizability through the worker contract', () => {
  it('judges a run from what its clients saw: async failover is not linearizable, the sync standby is', async () => {
    const check = async (id: string) => {
      const api = connect();
      const doc = builtIn(id)!.document;
      await api.load(doc);
      await api.seek(45_000_000);
      return api.linearizability();
    };
    const async_ = await check('async-failover');
    expect(async_.verdict).toBe('not linearizable');
    expect(async_.counterexample!.stuck.length).toBeGreaterThan(0);
    const sync = await check('sync-standby');
    expect(sync.verdict).toBe('linearizable');
    expect(sync.operations).toBeGreaterThan(10_000);
  });

  it('answers unknown, not a hang, when its budget is too small', async () => {
    const api = connect();
    await api.load(builtIn('async-failover')!.document);
    await api.seek(45_000_000);
    const r = await api.linearizability({ budgetSteps: 100 });
    expect(r.verdict).toBe('unknown');
    expect(r.unknownReason).toBe('budget-steps');
  });
});
