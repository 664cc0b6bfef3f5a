// The parameter tables: one per node kind, from which the validator, the components' defaults
// and the challenges' allowed changes are derived. What a course author or a learner would
// check: every parameter has a sensible range, the validator enforces exactly that range and
// names the field, and the defaults in the tables are what the simulation uses.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateScenario } from '../../src/scenario/validate';
import type { ValidationResult } from '../../src/scenario/types';
import { BOUNDS, LINK_PARAMS, NODE_KINDS, NODE_PARAMS, SITE_PARAMS, fieldInfo, nodeParams, type BoundClass, type NumberParam, type ParamTable } from '../../src/sim/params';
import { FAULT_KIND_NAMES, SIMULATED_KINDS } from '../../src/sim/world';
import { FAULT_PARAMS } from '../../src/sim/params/faults';
import { runScenario } from '../../src/cli/run';
import type { Scenario } from '../../src/scenario/types';

/** A small world with every node kind, each with its nested objects present. */
function everyKind(): any {
  return {
    format: 'faultline/1',
    seed: 3,
    durationMs: 3000,
    sites: [{ id: 'dc-a' }, { id: 'dc-b' }],
    links: [{ between: ['dc-a', 'dc-b'], latencyMs: 40 }],
    nodes: [
      { id: 'db1', kind: 'database', site: 'dc-a', role: 'primary' },
      { id: 'db2', kind: 'database', site: 'dc-a', role: 'replica', replicateFrom: 'db1', replication: 'async' },
      { id: 'db3', kind: 'database', site: 'dc-b', role: 'replica', replicateFrom: 'db1', replication: 'async', provisioned: false },
      // Without fencing, so no lease: with it, a lease no longer than a heartbeat is refused
      // (a rule between fields, tested with the validator), and some values inside bounds with it.
      { id: 'orch', kind: 'orchestrator', site: 'dc-a', watches: ['db1', 'db2'], detector: 'timeout', promotion: 'auto', fencing: false },
      { id: 'primary', kind: 'endpoint', resolvesTo: 'role:primary' },
      { id: 'lb', kind: 'balancer', site: 'dc-a', targets: ['db2'] },
      { id: 'cache', kind: 'cache', site: 'dc-a', backend: 'lb' },
      { id: 'app', kind: 'client', site: 'dc-a', target: 'primary', readTarget: 'cache', writesPerSec: 20, readsPerSec: 50, jobsTo: 'q', diurnal: { amplitude: 0.5 } },
      { id: 'q', kind: 'queue', site: 'dc-a' },
      { id: 'w', kind: 'worker', site: 'dc-a', queue: 'q', target: 'primary' },
      { id: 'mon', kind: 'monitor', site: 'dc-a', rules: [{ metric: 'error-rate', above: 0.05 }] },
      { id: 'scaler', kind: 'autoscaler', site: 'dc-a', balancer: 'lb', spares: ['db3'], trigger: { metric: 'cpu-busy', above: 0.9 } },
    ],
    faults: [],
  };
}

/** Where in everyKind() a field of each table lives: the object holding it, and its path. */
interface Slot {
  name: string;
  param: NumberParam;
  holder: (doc: any) => any;
  path: string;
}

function numberSlots(): Slot[] {
  const doc = everyKind();
  const slots: Slot[] = [];
  const add = (table: ParamTable, holder: (d: any) => any, base: string, name: string) => {
    for (const [key, p] of Object.entries(table)) {
      if (p.type === 'number' && key !== 'x' && key !== 'y') slots.push({ name: `${name}.${key}`, param: p, holder, path: `${base}.${key}` });
      if (p.type === 'object' && key !== 'position') add(p.fields, (d) => holder(d)[key], `${base}.${key}`, `${name}.${key}`);
      if (p.type === 'objects') add(p.fields, (d) => holder(d)[key][0], `${base}.${key}[0]`, `${name}.${key}`);
    }
  };
  add(SITE_PARAMS, (d) => d.sites[0], 'sites[0]', 'site');
  add(LINK_PARAMS, (d) => d.links[0], 'links[0]', 'link');
  for (const kind of NODE_KINDS) {
    // A replica holds every database field (a primary may not set `replication`).
    const i = doc.nodes.findIndex((n: any) => n.kind === kind && n.role !== 'primary' && n.provisioned !== false);
    add(nodeParams(kind), (d) => d.nodes[i], `nodes[${i}]`, kind);
  }
  return slots;
}

const SLOTS = numberSlots();

function withValue(slot: Slot, value: number): ValidationResult {
  const doc = everyKind();
  slot.holder(doc)[slot.path.split('.').pop()!] = value;
  return validateScenario(doc);
}

function errorAt(result: ValidationResult, path: string): string {
  if (result.ok) throw new Error(`expected an error at ${path}, but the scenario validated`);
  const e = result.errors.find((x) => x.path === path);
  if (!e) throw new Error(`no error at ${path}: ${result.errors.map((x) => x.message).join('; ')}`);
  return e.message;
}

const TIME_OR_RATE = new Set(['ms', 'ops/s', 'entries/s', 'bytes/s']);

describe('the parameter tables', () => {
  it('cover every node kind the simulation runs', () => {
    expect(Object.keys(NODE_PARAMS).sort()).toEqual([...NODE_KINDS].sort());
    expect([...SIMULATED_KINDS].sort()).toEqual([...NODE_KINDS].sort());
  });

  it('the world used below validates as it is, and holds every numeric parameter', () => {
    const res = validateScenario(everyKind());
    expect(res.ok ? [] : res.errors).toEqual([]);
    expect(SLOTS.length).toBeGreaterThan(60);
  });

  it('every parameter has a label, a help line and, on a node, who may change it', () => {
    for (const kind of NODE_KINDS) {
      for (const [key, p] of Object.entries(nodeParams(kind))) {
        expect(p.label, `${kind}.${key}`).not.toBe('');
        expect(p.help, `${kind}.${key}`).toMatch(/\S/);
        expect(p.access, `${kind}.${key}`).toBeDefined();
      }
    }
  });

  it('every time, interval and rate has a bound family, a finite range inside it, and a unit in its name', () => {
    const timesAndRates = SLOTS.filter((s) => TIME_OR_RATE.has(s.param.unit));
    expect(timesAndRates.length).toBeGreaterThan(40);
    for (const { name, param } of timesAndRates) {
      expect(param.bound, name).toBeDefined();
      const family = BOUNDS[param.bound!];
      expect(param.unit, name).toBe(family.unit);
      const low = param.min ?? param.above;
      expect(low, name).toBeGreaterThanOrEqual(family.min);
      expect(param.max, name).toBeLessThanOrEqual(family.max);
      expect(Number.isFinite(param.max), name).toBe(true);
      // Units last in names: a time ends in Ms, a rate in PerSec.
      expect(name, name).toMatch(param.unit === 'ms' ? /Ms$/ : /PerSec$/);
    }
  });

  it('every default lies within its bounds: set explicitly, it validates', () => {
    for (const slot of SLOTS) {
      if (slot.param.default === undefined) continue;
      const res = withValue(slot, slot.param.default);
      expect(res.ok ? [] : res.errors.map((e) => e.message), slot.name).toEqual([]);
    }
  });
});

describe('physically sensible bounds on times, intervals and rates (issue 14)', () => {
  const db2 = 'nodes[1]';
  const orch = 'nodes[3]';
  const app = 'nodes[7]';

  it('a heartbeat every nanosecond is refused with the field and the bound (period: 1 ms to 1 hour)', () => {
    const doc = everyKind();
    doc.nodes[3].heartbeatMs = 1e-9;
    expect(errorAt(validateScenario(doc), `${orch}.heartbeatMs`)).toBe(`${orch}.heartbeatMs must be a number from 1 to 3,600,000; found 1e-9`);
    doc.nodes[3].heartbeatMs = 3_600_001;
    expect(errorAt(validateScenario(doc), `${orch}.heartbeatMs`)).toContain('from 1 to 3,600,000');
  });

  it('a daily cycle of 1e-300 ms is refused (cycle: a minute to 30 days)', () => {
    const doc = everyKind();
    doc.nodes[7].diurnal.periodMs = 1e-300;
    expect(errorAt(validateScenario(doc), `${app}.diurnal.periodMs`)).toBe(`${app}.diurnal.periodMs must be a number from 60,000 to 2,592,000,000; found 1e-300`);
  });

  // One field per family, with a value just outside each end of its range.
  const cases: [BoundClass, string, (d: any) => any, string, number, number][] = [
    ['period', 'scrapeMs', (d) => d.nodes[10], 'nodes[10].scrapeMs', 0.5, 3_600_001],
    ['timeout', 'timeoutMs', (d) => d.nodes[7], `${app}.timeoutMs`, 0.999, 3_600_001],
    ['delay', 'ttlMs', (d) => d.nodes[4], 'nodes[4].ttlMs', -1, 86_400_001],
    ['cost', 'applyMs', (d) => d.nodes[1], `${db2}.applyMs`, -0.001, 60_001],
    ['network', 'latencyMs', (d) => d.links[0], 'links[0].latencyMs', -1, 60_001],
    ['cycle', 'periodMs', (d) => d.nodes[7].diurnal, `${app}.diurnal.periodMs`, 59_999, 2_592_000_001],
    ['moment', 'peakAtMs', (d) => d.nodes[7].diurnal, `${app}.diurnal.peakAtMs`, -1, 604_800_001],
    ['ops-rate', 'writesPerSec', (d) => d.nodes[7], `${app}.writesPerSec`, -1, 100_001],
    ['entry-rate', 'catchupEntriesPerSec', (d) => d.nodes[0], 'nodes[0].catchupEntriesPerSec', 0.5, 1e9 + 1],
    ['bandwidth', 'bytesPerSec', (d) => d.links[0], 'links[0].bytesPerSec', 999, 1e12 + 1],
  ];
  it.each(cases)('%s: %s refuses values below and above its range and names it', (family, key, holder, path, below, above) => {
    for (const v of [below, above]) {
      const doc = everyKind();
      holder(doc)[key] = v;
      const message = errorAt(validateScenario(doc), path);
      expect(message.startsWith(`${path} must be `)).toBe(true);
      expect(message).toContain(`found ${v}`);
      expect(message).toContain(new Intl.NumberFormat('en-US').format(BOUNDS[family].max));
    }
    // Both ends of the family's range are accepted where the field allows them.
    const doc = everyKind();
    holder(doc)[key] = BOUNDS[family].min;
    if (family !== 'cycle') expect(validateScenario(doc).ok).toBe(true);
  });

  it('a throttle of 0 means none, and is allowed beside its range', () => {
    const doc = everyKind();
    doc.nodes[0].catchupEntriesPerSec = 0;
    expect(validateScenario(doc).ok).toBe(true);
    doc.nodes[0].catchupEntriesPerSec = 1e-300;
    expect(errorAt(validateScenario(doc), 'nodes[0].catchupEntriesPerSec')).toBe(
      'nodes[0].catchupEntriesPerSec must be 0 (no throttle) or a number from 1 to 1,000,000,000; found 1e-300',
    );
  });

  it('a fault that heals a year after it starts, or a caption after the longest run, is refused', () => {
    const doc = everyKind();
    doc.faults = [{ atMs: 1000, kind: 'pause', target: 'db1', untilMs: 1e300 }];
    doc.narration = [{ atMs: 1e300, text: 'never' }];
    const res = validateScenario(doc);
    expect(errorAt(res, 'faults[0].untilMs')).toContain('a number from 0 to 31,536,000,000');
    expect(errorAt(res, 'narration[0].atMs')).toContain('a number from 0 to 604,800,000 (7 days, the longest run)');
  });

  it('every value inside a parameter\'s bounds validates; every value outside is refused with the field named', () => {
    const slotAndValue = fc.integer({ min: 0, max: SLOTS.length - 1 }).chain((i) => {
      const p = SLOTS[i].param;
      const low = p.min ?? p.above ?? -1e15;
      const high = p.max ?? 1e15;
      const inside = p.integer
        ? fc.integer({ min: Math.ceil(p.above !== undefined ? p.above + 1e-9 : low), max: Math.floor(high) })
        : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true, minExcluded: p.above !== undefined });
      const outsideParts = [
        ...(p.min !== undefined || p.above !== undefined ? [fc.double({ min: low - 1e6, max: low, maxExcluded: p.min !== undefined, noNaN: true })] : []),
        ...(p.max !== undefined ? [fc.double({ min: high, max: high * 2 + 1e6, minExcluded: true, noNaN: true })] : []),
        ...(p.integer ? [fc.double({ min: low, max: high, noNaN: true }).filter((v) => !Number.isInteger(v))] : []),
      ].map((a) => a.filter((v) => v !== p.off?.value && Number.isFinite(v) && !Object.is(v, -0)));
      return fc.record({
        i: fc.constant(i),
        inside,
        outside: outsideParts.length ? fc.oneof(...outsideParts) : fc.constant(undefined),
      });
    });
    fc.assert(
      fc.property(slotAndValue, ({ i, inside, outside }) => {
        const slot = SLOTS[i];
        const ok = withValue(slot, inside);
        if (!ok.ok) throw new Error(`${slot.name} = ${inside} was refused: ${ok.errors.map((e) => e.message).join('; ')}`);
        if (outside !== undefined) {
          const message = errorAt(withValue(slot, outside), slot.path);
          expect(message.startsWith(`${slot.path} must be`)).toBe(true);
        }
      }),
      { seed: 14_004, numRuns: 400 },
    );
  });
});

describe('faults, from their table', () => {
  const withFault = (fault: object) => validateScenario({ ...everyKind(), faults: [fault] });

  it('every fault kind the simulation runs has a table entry, and the other way round', () => {
    expect(Object.keys(FAULT_PARAMS).sort()).toEqual([...FAULT_KIND_NAMES].sort());
  });

  it('a fault names a target of the kinds its table allows, and its fields keep their bounds', () => {
    expect(errorAt(withFault({ atMs: 1, kind: 'surge', target: 'db1', factor: 2 }), 'faults[0].target')).toBe("faults[0].target names 'db1', which is a database, not a client");
    expect(errorAt(withFault({ atMs: 1, kind: 'surge', target: 'app', factor: 1001 }), 'faults[0].factor')).toBe('faults[0].factor must be a number greater than 0 and at most 1,000; found 1001');
    expect(errorAt(withFault({ atMs: 1, kind: 'throttle', target: 'db1', entriesPerSec: 1e-300 }), 'faults[0].entriesPerSec')).toContain('must be 0 (no throttle) or a number from 1 to 1,000,000,000');
    expect(errorAt(withFault({ atMs: 1, kind: 'degrade-link', between: ['dc-a', 'dc-b'], addLatencyMs: 1e9 }), 'faults[0].addLatencyMs')).toContain('from 0 to 60,000');
    expect(errorAt(withFault({ atMs: 1, kind: 'move-machine', target: 'db1' }), 'faults[0].untilMs')).toBe('faults[0].untilMs is missing; it must be the time it is back on its new machine');
    expect(withFault({ atMs: 1, kind: 'throttle', target: 'db1', entriesPerSec: 0, untilMs: 2 }).ok).toBe(true);
  });
});

describe('who may change what (for challenges)', () => {
  it('says which fields are known and whether a learner may change them', () => {
    expect(fieldInfo('database', 'id')).toMatchObject({ known: true, access: 'identity', learner: 'never' });
    expect(fieldInfo('database', 'kind')).toMatchObject({ known: true, learner: 'never' });
    expect(fieldInfo('database', 'label')).toMatchObject({ known: true, access: 'layout', learner: 'always' });
    expect(fieldInfo('database', 'position.x')).toMatchObject({ known: true, access: 'layout', learner: 'always' });
    expect(fieldInfo('database', 'shipIntervalMs')).toMatchObject({ known: true, access: 'tunable', learner: 'if-allowed' });
    expect(fieldInfo('database', 'replicateFrom')).toMatchObject({ known: true, access: 'structure', learner: 'if-allowed' });
    expect(fieldInfo('client', 'diurnal.periodMs')).toMatchObject({ known: true, access: 'tunable', param: { unit: 'ms', default: 86_400_000 } });
    expect(fieldInfo('monitor', 'rules[2].forMs')).toMatchObject({ known: true, access: 'tunable' });
    expect(fieldInfo('monitor', 'rules[0].nodes')).toMatchObject({ known: true, access: 'structure' });
    expect(fieldInfo('autoscaler', 'trigger.above')).toMatchObject({ known: true, param: { min: 0, max: 1 } });
  });

  it('an unknown field, or a field of another kind, is not a known parameter', () => {
    expect(fieldInfo('database', 'heartbeatMs')).toEqual({ known: false, kind: 'database', path: 'heartbeatMs', learner: 'never' });
    expect(fieldInfo('client', 'diurnal.nope').known).toBe(false);
    expect(fieldInfo('client', 'writesPerSec.x').known).toBe(false);
    expect(fieldInfo('client', 'toString').known).toBe(false);
    expect(fieldInfo('client', '__proto__').known).toBe(false);
  });
});

describe('the defaults in the tables are the ones the simulation uses', () => {
  // Setting a field to its table default must give exactly the run that leaving it out gives.
  const base = validateScenario(everyKind());
  const run = (doc: unknown) => runScenario({ scenario: (validateScenario(doc) as { ok: true; scenario: Scenario }).scenario }).trace;
  const baseline = base.ok ? runScenario({ scenario: base.scenario }).trace : '';
  // Fields the world sets itself are left out: there the default would change the run.
  const nodeSlots = SLOTS.filter((s) => s.param.default !== undefined && s.holder(everyKind())[s.path.split('.').pop()!] === undefined);

  it('the baseline runs', () => {
    expect(baseline).toMatch(/^[0-9a-f]+$/);
  });

  it.each(nodeSlots.map((s) => [s.name, s] as const))('%s', (_name, slot) => {
    const doc = everyKind();
    slot.holder(doc)[slot.path.split('.').pop()!] = slot.param.default;
    expect(run(doc)).toBe(baseline);
  });
});
