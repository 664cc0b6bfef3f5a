// Property tests for the promises the validator makes about *every* input: it never throws,
// it always answers in one of two shapes, it never lets a document touch Object.prototype,
// and what it accepts it accepts again, unchanged.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScenario, validateScenario } from '../../src/scenario/validate';
import type { ValidationResult } from '../../src/scenario/types';

const EXAMPLE_TEXT = readFileSync(new URL('./fixtures/scenario-format-example.json', import.meta.url), 'utf8');

/** The answer is one of the two shapes, and every error can be shown to a person. */
function expectWellFormed(result: ValidationResult): void {
  if (result.ok) {
    expect(Object.keys(result).sort()).toEqual(['ok', 'scenario']);
    expect(result.scenario.format).toBe('faultline/1');
    return;
  }
  expect(Object.keys(result).sort()).toEqual(['errors', 'ok']);
  expect(result.errors.length).toBeGreaterThan(0);
  expect(result.errors.length).toBeLessThanOrEqual(100);
  for (const e of result.errors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message.startsWith(e.path === '' ? 'the scenario' : e.path)).toBe(true);
  }
}

/** Accepted output is a fixed point: as JSON text and as a value it validates to itself. */
function expectStable(result: ValidationResult): void {
  if (!result.ok) return;
  expect(parseScenario(JSON.stringify(result.scenario))).toEqual(result);
  expect(validateScenario(result.scenario)).toEqual(result);
}

let prototypeNames: string[];
beforeEach(() => {
  prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterEach(() => {
  expect(({} as any).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
});

describe('any input at all', () => {
  it('arbitrary JSON values never make validateScenario throw', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expectWellFormed(validateScenario(value))), { numRuns: 500 });
  });

  it('arbitrary JavaScript values (Maps, Dates, null prototypes, sparse arrays...) never make it throw', () => {
    const anything = fc.anything({
      withBoxedValues: true, withMap: true, withSet: true, withObjectString: true, withNullPrototype: true,
      withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true,
    });
    fc.assert(fc.property(anything, (value) => expectWellFormed(validateScenario(value))), { numRuns: 500 });
  });

  it('arbitrary strings and arbitrary JSON text never make parseScenario throw', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.string({ unit: fc.constantFrom(...'{}[]",:\\ 0-1e.tfn') }));
    fc.assert(fc.property(text, (t) => expectWellFormed(parseScenario(t))), { numRuns: 1000 });
  });

  it('text JSON.parse refuses is reported with a line and column, in our words', () => {
    // Corrupt valid JSON by deleting or inserting one character.
    const corrupted = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '"', '{', ']', ':', 'x', '\n', '0'))
      .map(([json, n, ch]) => {
        const i = n % (json.length + 1);
        return ch === '' ? json.slice(0, i) + json.slice(i + 1) : json.slice(0, i) + ch + json.slice(i);
      });
    fc.assert(fc.property(corrupted, (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      fc.pre(!valid);
      const result = parseScenario(text);
      expect(result.ok).toBe(false);
      if (!result.ok && !result.errors[0].message.includes('nests deeper')) {
        expect(result.errors[0].message).toMatch(/^the scenario is not valid JSON: at line \d+, column \d+, /);
      }
    }), { numRuns: 1000 });
  });
});

describe('mutations of a valid scenario', () => {
  type Step = string | number;

  /** Every place in the document that holds a value, as a list of steps from the root. */
  function placesIn(value: unknown, at: Step[] = [], out: Step[][] = []): Step[][] {
    out.push(at);
    if (Array.isArray(value)) value.forEach((v, i) => placesIn(v, [...at, i], out));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) placesIn(v, [...at, k], out);
    return out;
  }

  const base = JSON.parse(EXAMPLE_TEXT);
  const places = placesIn(base);

  type Mutation =
    | { op: 'delete' | 'inject-proto' | 'inject-constructor' | 'duplicate-node'; place: number }
    | { op: 'replace'; place: number; value: unknown };

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constantFrom('delete', 'inject-proto', 'inject-constructor', 'duplicate-node'), place: fc.nat(places.length - 1) }),
    fc.record({ op: fc.constant('replace'), place: fc.nat(places.length - 1), value: fc.jsonValue({ maxDepth: 3 }) }),
  ) as fc.Arbitrary<Mutation>;

  function apply(doc: any, m: Mutation): void {
    const path = places[m.place];
    // Earlier mutations may have replaced a container with a scalar; then this one does nothing.
    const found = path.slice(0, -1).reduce((o, k) => (o !== null && typeof o === 'object' ? o[k] : undefined), doc);
    const parent = found !== null && typeof found === 'object' ? found : undefined;
    const key = path[path.length - 1];
    // The innermost object at or above the place: where a key can be injected.
    const holder = path.reduce<any[]>((acc, k) => {
      const last = acc[acc.length - 1];
      return [...acc, last !== null && typeof last === 'object' ? last[k] : undefined];
    }, [doc])
      .filter((v) => v && typeof v === 'object' && !Array.isArray(v)).pop();
    switch (m.op) {
      case 'delete':
        if (parent === undefined) return;
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        return;
      case 'replace':
        if (parent !== undefined) parent[key] = m.value;
        return;
      case 'duplicate-node':
        // An earlier mutation may have replaced or emptied the list.
        if (Array.isArray(doc.nodes) && doc.nodes.length > 0) doc.nodes.push(structuredClone(doc.nodes[m.place % doc.nodes.length]));
        return;
      case 'inject-proto':
      case 'inject-constructor':
        // defineProperty: an own key, as JSON.parse makes it; plain assignment would set the prototype.
        Object.defineProperty(holder, m.op === 'inject-proto' ? '__proto__' : 'constructor', {
          value: { polluted: 'yes', prototype: { polluted: 'yes' } }, enumerable: true, configurable: true, writable: true,
        });
    }
  }

  it('never throw, never pollute, and injected keys are always refused', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const doc = structuredClone(base);
      for (const m of mutations) apply(doc, m);
      const results = [validateScenario(doc), parseScenario(JSON.stringify(doc))];
      for (const result of results) {
        expectWellFormed(result);
        expectStable(result);
      }
      // A later mutation may delete the object an earlier one injected into, so look at the document.
      if (/"(__proto__|constructor)":/.test(JSON.stringify(doc))) {
        for (const result of results) {
          expect(result.ok).toBe(false);
          expect(!result.ok && result.errors.some((e) => /(__proto__|constructor)$/.test(e.path))).toBe(true);
        }
      }
      expect(({} as any).polluted).toBeUndefined();
    }), { numRuns: 500 });
  });

  it('a duplicated node is always reported as a duplicate id', () => {
    fc.assert(fc.property(fc.nat(), (n) => {
      const doc = structuredClone(base);
      const copy = structuredClone(doc.nodes[n % doc.nodes.length]);
      doc.nodes.push(copy);
      const result = validateScenario(doc);
      expect(!result.ok && result.errors.map((e) => e.path)).toContain(`nodes[${doc.nodes.length - 1}].id`);
    }), { numRuns: 50 });
  });
});

describe('generated valid scenarios', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,12}$/);
  // Unknown fields a newer version might add: any name the v1 rules do not use, any JSON value.
  // fc.jsonValue sometimes names a key __proto__ or constructor, which is rightly refused.
  const safeJson = fc.jsonValue({ maxDepth: 3 }).filter((v) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(v)));
  const extras = fc.dictionary(id.map((k) => `x-${k}`), safeJson, { maxKeys: 3 });

  const scenario = fc.record({
    seed: fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n, 0)),
    durationMs: fc.double({ min: 1, max: 604_800_000, noNaN: true }),
    replicas: fc.integer({ min: 0, max: 4 }),
    chained: fc.boolean(),
    replication: fc.constantFrom('async', 'semi-sync', 'sync'),
    detector: fc.constantFrom('timeout', 'phi'),
    faultAt: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    narration: fc.array(fc.string({ minLength: 1, maxLength: 50 }), { maxLength: 3 }),
    extras,
    nodeExtras: extras,
  }).map((g) => {
    const dbs = ['db0', ...Array.from({ length: g.replicas }, (_, i) => `db${i + 1}`)];
    const kinds = ['crash', 'restart', 'pause', 'promote', 'partition', 'repoint', 'degrade-link'];
    return {
      ...g.extras,
      format: 'faultline/1',
      seed: g.seed,
      durationMs: g.durationMs,
      sites: [{ id: 'a' }, { id: 'b', lanLatencyMs: 0.5 }],
      links: [{ between: ['a', 'b'], latencyMs: 12.5 }],
      nodes: [
        ...dbs.map((db, i) => i === 0
          ? { id: db, kind: 'database', site: 'a', role: 'primary', ...g.nodeExtras }
          : { id: db, kind: 'database', site: i % 2 ? 'b' : 'a', role: 'replica', replicateFrom: g.chained ? dbs[i - 1] : 'db0', replication: g.replication }),
        { id: 'orch', kind: 'orchestrator', site: 'a', watches: dbs, detector: g.detector, promotion: 'auto', fencing: true },
        { id: 'ep', kind: 'endpoint', resolvesTo: 'role:primary' },
        { id: 'app', kind: 'client', site: 'b', target: 'ep', readTarget: `node:${dbs[dbs.length - 1]}` },
      ],
      faults: g.faultAt.map((f, i) => {
        const atMs = f * g.durationMs;
        const kind = kinds[i % kinds.length];
        const common = { id: `f${i}`, atMs, kind, untilMs: atMs + 1 };
        if (kind === 'partition') return { ...common, sides: [['db0'], ['b']] };
        if (kind === 'repoint') return { ...common, target: 'ep', to: 'db0' };
        if (kind === 'degrade-link') return { ...common, between: ['b', 'a'], lossRate: f };
        return { ...common, target: 'db0' };
      }),
      narration: g.narration.map((text, i) => ({ atMs: i * 1000, text, focus: dbs })),
    };
  });

  it('validate, keep their unknown fields, and re-validate to the same value', () => {
    fc.assert(fc.property(scenario, (doc) => {
      const result = validateScenario(doc);
      if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
      // The only changes are normalisations JSON itself would make.
      expect(result.scenario).toEqual(JSON.parse(JSON.stringify(doc)));
      expectStable(result);
    }), { numRuns: 300 });
  });
});
