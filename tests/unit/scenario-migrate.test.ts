// A link made today must still open next year: old formats are upgraded step by step, and a
// document from a newer Faultline is refused with a message that says so.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, type Migration, type ScenarioDoc } from '../../src/scenario/migrate';
import { parseScenario, validateScenario } from '../../src/scenario/validate';

const EXAMPLE_TEXT = readFileSync(new URL('./fixtures/scenario-format-example.json', import.meta.url), 'utf8');
const example = (): ScenarioDoc => JSON.parse(EXAMPLE_TEXT);

describe('migrate', () => {
  it('v1 is the first format, so there is nothing to migrate yet', () => {
    expect(MIGRATIONS).toEqual({});
  });

  it('passes a v1 document through unchanged', () => {
    const result = migrate(example());
    expect(result).toEqual({ ok: true, doc: example() });
  });

  it('applies a chain of steps in order, each seeing the output of the one before', () => {
    const calls: string[] = [];
    // A made-up history: v0 called it `duration` and kept nodes under `machines`; v0.5 renamed
    // the first, v1 the second.
    const chain: Record<string, Migration> = {
      'faultline/0': {
        to: 'faultline/0.5',
        up: ({ duration, ...rest }) => {
          calls.push(`0 -> 0.5 (format ${String(rest.format)})`);
          return { ...rest, durationMs: duration };
        },
      },
      'faultline/0.5': {
        to: 'faultline/1',
        up: ({ machines, ...rest }) => {
          calls.push(`0.5 -> 1 (format ${String(rest.format)}, durationMs ${String(rest.durationMs)})`);
          return { ...rest, nodes: machines };
        },
      },
    };
    const { durationMs, nodes, ...v1Rest } = example();
    const old = { ...v1Rest, format: 'faultline/0', duration: durationMs, machines: nodes };

    const result = migrate(old, chain);

    expect(calls).toEqual(['0 -> 0.5 (format faultline/0)', '0.5 -> 1 (format faultline/0.5, durationMs 120000)']);
    expect(result).toEqual({ ok: true, doc: example() });
    // What comes out is an ordinary v1 document.
    expect(result.ok && validateScenario(result.doc).ok).toBe(true);
  });

  it.each(['faultline/2', 'faultline/17', 'faultline/1.1'])('refuses %s as made by a newer version', (format) => {
    expect(migrate({ ...example(), format })).toEqual({
      ok: false,
      errors: [{ path: 'format', message: `format is '${format}', made by a newer version of Faultline; this version reads faultline/1` }],
    });
  });

  it('a newer document is refused by the validator with that one error, not a list of v1 complaints', () => {
    const result = parseScenario('{"format": "faultline/2", "world": {"everything": "different"}}');
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'format', message: "format is 'faultline/2', made by a newer version of Faultline; this version reads faultline/1" }],
    });
  });

  it('a missing format says what to write', () => {
    const { format: _, ...doc } = example();
    expect(migrate(doc)).toEqual({
      ok: false,
      errors: [{ path: 'format', message: 'format is missing; a scenario starts with "format": "faultline/1" so that later versions know how to read it' }],
    });
  });

  it.each([
    ['raft/3', "format is 'raft/3', which is not a Faultline scenario format; this version reads faultline/1"],
    ['faultline/0', "format is 'faultline/0', an old format this version has no upgrade for; it reads faultline/1"],
    // Names that exist on Object.prototype must not be mistaken for migrations.
    ['constructor', "format is 'constructor', which is not a Faultline scenario format; this version reads faultline/1"],
    ['__proto__', "format is '__proto__', which is not a Faultline scenario format; this version reads faultline/1"],
  ])('an unknown format %j is named', (format, message) => {
    expect(migrate({ format })).toEqual({ ok: false, errors: [{ path: 'format', message }] });
  });

  it('a format that is not a string, or a document that is not an object, is refused', () => {
    expect(migrate({ format: 1 })).toEqual({
      ok: false,
      errors: [{ path: 'format', message: "format must be a string such as 'faultline/1'; found a number" }],
    });
    expect(migrate([])).toEqual({
      ok: false,
      errors: [{ path: '', message: 'the scenario must be a JSON object ({ "format": "faultline/1", ... }); found an array' }],
    });
  });

  it('a broken migration becomes an error, not an exception', () => {
    const throwing = { 'faultline/0': { to: 'faultline/1', up: () => { throw new Error('no machines'); } } };
    expect(migrate({ format: 'faultline/0' }, throwing)).toEqual({
      ok: false,
      errors: [{ path: '', message: "the scenario could not be upgraded from 'faultline/0' to 'faultline/1': no machines" }],
    });
    const nothing = { 'faultline/0': { to: 'faultline/1', up: () => null as unknown as ScenarioDoc } };
    expect(migrate({ format: 'faultline/0' }, nothing).ok).toBe(false);
    const loop = {
      'faultline/0': { to: 'faultline/0.5', up: (d: ScenarioDoc) => d },
      'faultline/0.5': { to: 'faultline/0', up: (d: ScenarioDoc) => d },
    };
    expect(migrate({ format: 'faultline/0' }, loop)).toEqual({
      ok: false,
      errors: [{ path: 'format', message: "format 'faultline/0' could not be upgraded: the migrations go round in a loop" }],
    });
  });
});
