// The inspector's fields come from the parameter tables: what a learner sees beside a node
// (labels, units, bounds, defaults) is what the validator enforces and the docs list.

import { describe, expect, it } from 'vitest';
import { fieldPatch, fieldProblem, fieldValue, inspectorFields } from '../../src/app/param-fields';
import { NODE_KINDS, nodeParams } from '../../src/sim/params';
import type { NodeSpec } from '../../src/sim/spec';
import { addLink } from '../../src/app/edit-doc';
import type { ScenarioDoc } from '../../src/app/scenario-doc';

describe('the inspector fields', () => {
  it('in the player: the fields each kind marks for it, with the bounds of its table', () => {
    const client = inspectorFields('client', false);
    expect(client.map((f) => f.key)).toEqual(['target', 'readTarget', 'writesPerSec', 'readsPerSec', 'keys', 'timeoutMs']);
    expect(client.find((f) => f.key === 'writesPerSec')).toMatchObject({ type: 'number', label: 'Writes per second', min: 0, max: 100_000, unit: 'ops/s', placeholder: 'default 0' });
    expect(inspectorFields('orchestrator', false).find((f) => f.key === 'heartbeatMs')).toMatchObject({ min: 1, max: 3_600_000, unit: 'ms' });
    // Every kind shows something, and every field shown is one of its table's.
    for (const kind of NODE_KINDS) {
      const fields = inspectorFields(kind, false);
      expect(fields.length, kind).toBeGreaterThan(0);
      for (const f of fields) expect(Object.keys(nodeParams(kind)), `${kind}.${f.key}`).toContain(f.key.split('.')[0]);
    }
  });

  it('in the editor: every single-valued field, an object\'s fields one by one', () => {
    const keys = inspectorFields('client', true).map((f) => f.key);
    expect(keys.slice(0, 2)).toEqual(['label', 'site']);
    expect(keys).toContain('diurnal.periodMs');
    expect(keys).toContain('poolSize');
    // Ids, kinds and lists are not one-line fields.
    expect(keys).not.toContain('id');
    expect(keys).not.toContain('kind');
    expect(inspectorFields('orchestrator', true).map((f) => f.key)).not.toContain('watches');
    // A throttle of 0 (none) stays reachable from the field even though the range starts at 1.
    expect(inspectorFields('database', true).find((f) => f.key === 'catchupEntriesPerSec')).toMatchObject({ min: 0, max: 1e9 });
    expect(inspectorFields('endpoint', true).map((f) => f.key)).not.toContain('site');
  });

  it('a value outside the bounds gets the validator\'s sentence, naming the field', () => {
    const heartbeat = inspectorFields('orchestrator', false).find((f) => f.key === 'heartbeatMs')!;
    expect(fieldProblem(heartbeat, 1e-9)).toBe('heartbeatMs must be a number from 1 to 3,600,000; found 1e-9');
    expect(fieldProblem(heartbeat, 500)).toBeNull();
    expect(fieldProblem(heartbeat, undefined)).toBeNull();
    const period = inspectorFields('client', true).find((f) => f.key === 'diurnal.periodMs')!;
    expect(fieldProblem(period, 1e-300)).toContain('diurnal.periodMs must be a number from 60,000 to 2,592,000,000');
  });

  it('a field inside an object reads and changes that object, and a cleared object goes away', () => {
    const app = { id: 'app', kind: 'client', site: 'a', target: 'db', diurnal: { amplitude: 0.5 } } as NodeSpec;
    expect(fieldValue(app, 'diurnal.amplitude')).toBe(0.5);
    expect(fieldValue(app, 'diurnal.periodMs')).toBeUndefined();
    expect(fieldPatch(app, 'diurnal.periodMs', 60_000)).toEqual({ diurnal: { amplitude: 0.5, periodMs: 60_000 } });
    expect(fieldPatch(app, 'diurnal.amplitude', undefined)).toEqual({ diurnal: undefined });
    expect(fieldPatch(app, 'writesPerSec', 5)).toEqual({ writesPerSec: 5 });
  });
});

describe('the editor\'s link latency', () => {
  it('is bounded by the link table, and says so in the validator\'s words', () => {
    const doc = { format: 'faultline/1', seed: 1, durationMs: 1000, sites: [{ id: 'a' }, { id: 'b' }], links: [], nodes: [], faults: [] } as unknown as ScenarioDoc;
    expect(addLink(doc, 'a', 'b', 60_000).ok).toBe(true);
    expect(addLink(doc, 'a', 'b', 60_001)).toEqual({ ok: false, error: "The link's latencyMs must be a number from 0 to 60,000; found 60001 ms." });
  });
});
