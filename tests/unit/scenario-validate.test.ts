// What a person loading a scenario sees: a valid document comes back whole (unknown fields
// included), and every kind of broken input comes back as errors that point at the field.

import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parseScenario, validateScenario } from '../../src/scenario/validate';
import type { ValidationError, ValidationResult } from '../../src/scenario/types';
import { BUILT_INS } from '../../src/scenario/library';
import { FAULT_KIND_NAMES } from '../../src/sim/world';

const EXAMPLE_TEXT = readFileSync(new URL('./fixtures/scenario-format-example.json', import.meta.url), 'utf8');

/** The example from SCENARIO-FORMAT.md, fresh for each test to change. */
function example(): any {
  return JSON.parse(EXAMPLE_TEXT);
}

function errorsOf(result: ValidationResult): ValidationError[] {
  if (result.ok) throw new Error('expected the scenario to be rejected, but it validated');
  return result.errors;
}

/** The one error at `path`, failing the test with the whole list when there is none. */
function errorAt(result: ValidationResult, path: string): ValidationError {
  const errors = errorsOf(result);
  const found = errors.find((e) => e.path === path);
  if (!found) throw new Error(`no error at '${path}'; errors were:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  return found;
}

function withChange(change: (doc: any) => void): ValidationResult {
  const doc = example();
  change(doc);
  return validateScenario(doc);
}

describe('a valid scenario', () => {
  it('the example in SCENARIO-FORMAT.md validates', () => {
    const result = parseScenario(EXAMPLE_TEXT);
    expect(result).toEqual({ ok: true, scenario: example() });
  });

  it('every built-in scenario validates', () => {
    expect(BUILT_INS.length).toBeGreaterThan(0);
    for (const b of BUILT_INS) {
      const result = validateScenario(b.document);
      expect(result.ok ? [] : result.errors, b.id).toEqual([]);
    }
  });

  it('fills in the optional lists the simulation expects', () => {
    const result = withChange((doc) => {
      delete doc.links;
      delete doc.faults;
    });
    expect(result.ok && result.scenario.links).toEqual([]);
    expect(result.ok && result.scenario.faults).toEqual([]);
  });

  it('keeps unknown fields at every level', () => {
    const result = withChange((doc) => {
      doc.teaser = 'from a newer editor';
      doc.ui = { zoom: 1.5, panels: ['log', { open: true }] };
      doc.sites[0].colour = '#c33';
      doc.links[0].note = 'transatlantic';
      doc.nodes[0].disk = { kind: 'ssd', fsyncMs: 0.5 };
      doc.nodes[0].position = { x: 10, y: -20.5, pinned: true };
      doc.faults[0].reason = 'power cut';
      doc.narration[0].style = 'aside';
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const s = result.scenario as any;
    expect(s.teaser).toBe('from a newer editor');
    expect(s.ui).toEqual({ zoom: 1.5, panels: ['log', { open: true }] });
    expect(s.sites[0].colour).toBe('#c33');
    expect(s.links[0].note).toBe('transatlantic');
    expect(s.nodes[0].disk).toEqual({ kind: 'ssd', fsyncMs: 0.5 });
    expect(s.nodes[0].position).toEqual({ x: 10, y: -20.5, pinned: true });
    expect(s.faults[0].reason).toBe('power cut');
    expect(s.narration[0].style).toBe('aside');
  });

  it('round-trips: the JSON of a validated scenario validates to the same scenario', () => {
    const first = withChange((doc) => {
      doc.extra = { nested: [1, 'two', null, { three: 3 }] };
      delete doc.links;
    });
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    const again = parseScenario(JSON.stringify(first.scenario));
    expect(again).toEqual(first);
    expect(validateScenario(first.scenario)).toEqual(first);
  });

  it('returns a copy: later changes to the input do not reach the scenario', () => {
    const doc = example();
    const result = validateScenario(doc);
    doc.nodes[0].role = 'replica';
    doc.sites.push({ id: 'late' });
    expect(result.ok && result.scenario.nodes[0]).toMatchObject({ role: 'primary' });
    expect(result.ok && result.scenario.sites).toHaveLength(2);
  });

  it('keeps narration text exactly as written, markup included', () => {
    const text = '<img src=x onerror="alert(1)"> & {{ db1 }} ${title}';
    const result = withChange((doc) => (doc.narration[0].text = text));
    expect(result.ok && result.scenario.narration?.[0].text).toBe(text);
  });

  it('accepts fractional times, negative seeds, a byte-order mark and properties set to undefined', () => {
    const doc = example();
    doc.seed = -42;
    doc.faults[0].atMs = 30000.25;
    doc.title = undefined;
    expect(parseScenario(`\uFEFF${JSON.stringify(doc)}`).ok).toBe(true);
    expect(validateScenario(doc).ok).toBe(true);
  });
});

describe('text that is not JSON', () => {
  it.each([
    ['{"format": "faultline/1",}', 'line 1, column 26', 'property name in double quotes'],
    ["{'format': 'faultline/1'}", 'line 1, column 2', 'double quotes'],
    ['{\n  "seed": 7\n  "durationMs": 1\n}', 'line 3, column 3', "expected ',' or '}'"],
    ['[1, 2,]', 'line 1, column 7', 'comma'],
    ['{"seed": 07}', 'line 1, column 10', 'leading zeros'],
    ['{"title": "unterminated', 'line 1, column 11', 'never closed'],
    ['{"seed": NaN}', 'line 1, column 10', "found 'N'"],
    ['', 'line 1, column 1', 'empty'],
    ['{"seed": 7} trailing', 'line 1, column 13', 'end of the text'],
    ['{"seed":', 'line 1, column 9', 'ends where a value should be'],
  ])('%j is reported with its position and problem', (text, where, problem) => {
    const errors = errorsOf(parseScenario(text));
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('');
    expect(errors[0].message).toContain('is not valid JSON');
    expect(errors[0].message).toContain(where);
    expect(errors[0].message).toContain(problem);
  });
});

describe('wrong types and values', () => {
  it.each([
    ['seed', (d: any) => (d.seed = '7'), 'seed must be an integer; found a string'],
    ['seed', (d: any) => (d.seed = 1.5), 'seed must be an integer; found 1.5'],
    ['durationMs', (d: any) => (d.durationMs = 0), 'durationMs must be a number greater than 0 and at most 604,800,000 (7 days); found 0'],
    ['durationMs', (d: any) => (d.durationMs = 604_800_001), 'found 604800001'],
    ['title', (d: any) => (d.title = 'x'.repeat(201)), 'title is 201 characters long; the limit is 200'],
    ['sites', (d: any) => (d.sites = {}), 'sites must be a list of 1 to 50 sites; found an object'],
    ['sites', (d: any) => (d.sites = []), 'sites must not be empty'],
    ['nodes[0]', (d: any) => (d.nodes[0] = 'db1'), 'nodes[0] must be an object'],
    ['nodes[0].role', (d: any) => (d.nodes[0].role = 'leader'), "nodes[0].role must be one of primary, replica, standby; found 'leader'"],
    ['nodes[1].replication', (d: any) => (d.nodes[1].replication = 'eventual'), "must be one of async, semi-sync, sync; found 'eventual'"],
    ['nodes[2].fencing', (d: any) => (d.nodes[2].fencing = 'yes'), "nodes[2].fencing must be true or false; found 'yes'"],
    ['nodes[2].detector', (d: any) => delete d.nodes[2].detector, 'nodes[2].detector is missing; it must be one of timeout, phi'],
    ['nodes[2].phiThreshold', (d: any) => (d.nodes[2].phiThreshold = 101), 'greater than 0 and at most 100; found 101'],
    ['nodes[4].writesPerSec', (d: any) => (d.nodes[4].writesPerSec = 100_001), 'from 0 to 100,000; found 100001'],
    ['nodes[4].keys', (d: any) => (d.nodes[4].keys = 2.5), 'nodes[4].keys must be an integer from 1 to 1,000,000; found 2.5'],
    ['nodes[3].ttlMs', (d: any) => (d.nodes[3].ttlMs = -1), 'from 0 to 86,400,000; found -1'],
    ['nodes[0].id', (d: any) => (d.nodes[0].id = 'db 1'), "nodes[0].id 'db 1' is not a valid id"],
    ['nodes[0].position.x', (d: any) => (d.nodes[0].position = { x: 'left', y: 0 }), 'nodes[0].position.x must be a number; found a string'],
    ['nodes[0].site', (d: any) => delete d.nodes[0].site, 'nodes[0].site is missing'],
    ['links[0].lossRate', (d: any) => (d.links[0].lossRate = 1.5), 'from 0 to 1; found 1.5'],
    ['links[0].latencyMs', (d: any) => delete d.links[0].latencyMs, 'links[0].latencyMs is missing'],
    ['faults[0].kind', (d: any) => (d.faults[0].kind = 'meteor'), `faults[0].kind must be one of ${FAULT_KIND_NAMES.join(', ')}; found 'meteor'`],
    ['narration[0].text', (d: any) => (d.narration[0].text = ''), 'narration[0].text must not be empty'],
    ['narration[0].text', (d: any) => (d.narration[0].text = 'x'.repeat(2001)), 'is 2,001 characters long; the limit is 2,000'],
    ['limits.maxEvents', (d: any) => (d.limits = { maxEvents: 0 }), 'limits.maxEvents must be an integer from 1 to 200,000,000; found 0'],
  ])('%s: %s', (path, change, fragment) => {
    expect(errorAt(withChange(change), path).message).toContain(fragment);
  });

  it('every node kind v1 names is simulated, and each checks its own fields', () => {
    const result = withChange((d) => d.nodes.push({ id: 'c1', kind: 'cache', site: 'dc-a' }));
    expect(errorAt(result, 'nodes[5].backend').message).toBe(
      'nodes[5].backend is missing; it must be an endpoint id, a database id, a cache or balancer id or node:<database id>',
    );
  });

  it('an unknown node kind lists the valid ones', () => {
    const result = withChange((d) => (d.nodes[0].kind = 'mainframe'));
    expect(errorAt(result, 'nodes[0].kind').message).toBe(
      "nodes[0].kind must be one of database, client, endpoint, orchestrator, cache, balancer, monitor, queue, worker, autoscaler; found 'mainframe'",
    );
  });

  it('a primary may not follow anyone, and a replica must', () => {
    const result = withChange((d) => {
      d.nodes[0].replicateFrom = 'db2';
      delete d.nodes[1].replicateFrom;
    });
    expect(errorAt(result, 'nodes[0].replicateFrom').message).toContain('a primary follows no one');
    expect(errorAt(result, 'nodes[1].replicateFrom').message).toContain('nodes[1].replicateFrom is missing');
  });

  it('an endpoint names a database with node:, and a client may not use role:primary', () => {
    const result = withChange((d) => {
      d.nodes[3].resolvesTo = 'db1';
      d.nodes[4].target = 'role:primary';
    });
    expect(errorAt(result, 'nodes[3].resolvesTo').message).toContain("(write 'node:db1' to name that database)");
    expect(errorAt(result, 'nodes[4].target').message).toContain("'role:primary' is only for endpoints");
  });

  it('fault kinds check their own fields', () => {
    const result = withChange((d) => {
      d.faults = [
        { atMs: 1, kind: 'pause', target: 'db1' },
        { atMs: 1, kind: 'promote', target: 'app' },
        { atMs: 1, kind: 'partition', sides: [['db1']] },
        { atMs: 1, kind: 'partition', sides: [['db1'], []], oneWay: 'yes' },
        { atMs: 1, kind: 'repoint', target: 'primary', to: 'role:primary' },
        { atMs: 1, kind: 'repoint', target: 'app', to: 'role:primary' },
        { atMs: 1, kind: 'degrade-link', between: ['dc-a', 'dc-a'] },
        { atMs: 1, kind: 'degrade-link', between: ['dc-b', 'dc-a'], lossRate: 0.5 },
      ];
    });
    expect(errorAt(result, 'faults[0].untilMs').message).toContain('is missing');
    expect(errorAt(result, 'faults[1].target').message).toBe("faults[1].target names 'app', which is a client, not a database");
    expect(errorAt(result, 'faults[2].sides').message).toContain('found 1 entries');
    expect(errorAt(result, 'faults[3].sides[1]').message).toContain('must not be empty');
    expect(errorAt(result, 'faults[3].oneWay').message).toContain('true or false');
    expect(errorAt(result, 'faults[5].to').message).toContain("'role:primary' is only for endpoints");
    expect(errorAt(result, 'faults[6]').message).toContain('neither addLatencyMs nor lossRate');
    // An endpoint may be repointed to follow the primary; a link's sites may be named in either order.
    expect(errorsOf(result).map((e) => e.path)).not.toContain('faults[4].to');
    expect(errorsOf(result).some((e) => e.path.startsWith('faults[7]'))).toBe(false);
  });

  it('every message starts with its path', () => {
    const result = withChange((d) => {
      d.seed = null;
      d.sites[0] = { id: 7, lanLatencyMs: -1 };
      d.nodes[1].replicateFrom = 'nowhere';
      d.faults.push({ atMs: 'soon', kind: 'crash' });
    });
    const errors = errorsOf(result);
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const e of errors) expect(e.message.startsWith(e.path === '' ? 'the scenario' : e.path)).toBe(true);
  });

  it('values JSON cannot carry are errors when handed over as objects', () => {
    const result = withChange((d) => {
      d.nodes[0].createdAt = new Date(0);
      d.nodes[0].onCrash = () => 1;
      d.nodes[0].lookup = new Map();
      d.extra = [undefined, 10n];
    });
    expect(errorAt(result, 'nodes[0].createdAt').message).toContain('must be plain JSON data; found a Date object');
    expect(errorAt(result, 'nodes[0].onCrash').message).toContain('is a function, which JSON cannot carry');
    expect(errorAt(result, 'nodes[0].lookup').message).toContain('found a Map object');
    expect(errorAt(result, 'extra[0]').message).toContain('is undefined');
    expect(errorAt(result, 'extra[1]').message).toContain('is a bigint');
  });

  it('a value that throws when read becomes an error, not an exception', () => {
    const doc = example();
    Object.defineProperty(doc.nodes[0], 'role', { enumerable: true, get: () => { throw new Error('boom'); } });
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); } });
    for (const value of [doc, hostile]) {
      const errors = errorsOf(validateScenario(value));
      expect(errors).toHaveLength(1);
      expect(errors[0].path).toBe('');
      expect(errors[0].message).toMatch(/^the scenario could not be checked because of an unexpected error: (boom|no keys for you)$/);
    }
  });
});

describe('dangling references', () => {
  it('a replica following a node that does not exist names the missing id at the field', () => {
    const result = withChange((d) => (d.nodes[1].replicateFrom = 'db9'));
    expect(errorsOf(result)).toEqual([
      { path: 'nodes[1].replicateFrom', message: "nodes[1].replicateFrom names 'db9', which is not a node" },
    ]);
  });

  it('references are checked wherever they appear', () => {
    const result = withChange((d) => {
      d.links[0].between = ['dc-a', 'dc-z'];
      d.nodes[0].site = 'db2';
      d.nodes[2].watches = ['db1', 'app', 'ghost'];
      d.nodes[3].resolvesTo = 'node:ghost';
      d.nodes[4].target = 'orch';
      d.nodes[4].readTarget = 'node:app';
      d.faults.push({ atMs: 1, kind: 'crash', target: 'dc-a' });
      d.faults.push({ atMs: 1, kind: 'partition', sides: [['db1', 'dc-b'], ['nobody']] });
      d.faults.push({ atMs: 1, kind: 'degrade-link', between: ['dc-a', 'dc-c'], addLatencyMs: 5 });
      d.narration[0].focus = ['db1', 'db7'];
    });
    const messages = Object.fromEntries(errorsOf(result).map((e) => [e.path, e.message]));
    expect(messages).toMatchObject({
      'links[0].between[1]': "links[0].between[1] names 'dc-z', which is not a site",
      'nodes[0].site': "nodes[0].site names 'db2', which is a node, not a site",
      'nodes[2].watches[1]': "nodes[2].watches[1] names 'app', which is a client, not a database",
      'nodes[2].watches[2]': "nodes[2].watches[2] names 'ghost', which is not a node",
      'nodes[3].resolvesTo': "nodes[3].resolvesTo names 'node:ghost', but 'ghost' is not a node",
      'nodes[4].target': "nodes[4].target names 'orch', which is an orchestrator, not an endpoint, a database, a cache or a balancer",
      'nodes[4].readTarget': "nodes[4].readTarget names 'node:app', but 'app' is a client, not a database",
      'faults[1].target': "faults[1].target names 'dc-a', which is a site, not a node",
      'faults[2].sides[1][0]': "faults[2].sides[1][0] names 'nobody', which is neither a node nor a site",
      'faults[3].between[1]': "faults[3].between[1] names 'dc-c', which is not a site",
      'narration[0].focus[1]': "narration[0].focus[1] names 'db7', which is not a node",
    });
  });

  it('a degrade-link must name two sites that a link joins', () => {
    const result = withChange((d) => {
      d.sites.push({ id: 'dc-c' });
      d.faults.push({ atMs: 1, kind: 'degrade-link', between: ['dc-a', 'dc-c'], addLatencyMs: 5 });
    });
    expect(errorAt(result, 'faults[1].between').message).toContain("names 'dc-a' and 'dc-c', which no link joins");
  });

  it('a cycle of followers is named', () => {
    const result = withChange((d) => {
      d.nodes.push({ id: 'db3', kind: 'database', site: 'dc-b', role: 'replica', replicateFrom: 'db4' });
      d.nodes.push({ id: 'db4', kind: 'database', site: 'dc-b', role: 'standby', replicateFrom: 'db5' });
      d.nodes.push({ id: 'db5', kind: 'database', site: 'dc-b', role: 'replica', replicateFrom: 'db3' });
    });
    expect(errorsOf(result)).toEqual([{
      path: 'nodes[5].replicateFrom',
      message: 'nodes[5].replicateFrom makes a cycle: db3 follows db4 follows db5 follows db3; a chain of followers must lead to a primary',
    }]);
  });

  it('with fencing, a lease no longer than a heartbeat is refused: it would run out before the next renews it', () => {
    // Half the timeout (the default lease) against the heartbeat.
    const byTimeout = withChange((d) => Object.assign(d.nodes[2], { fencing: true, timeoutMs: 1600, heartbeatMs: 1000 }));
    expect(errorsOf(byTimeout)).toEqual([{
      path: 'nodes[2].timeoutMs',
      message: "nodes[2].timeoutMs (1,600 ms) gives a lease of half of it (800 ms), no longer than heartbeatMs (1,000 ms): with fencing the primary's lease would run out before the next heartbeat renews it, and it would refuse writes with nothing wrong; make the timeout more than twice the heartbeat, or set leaseMs",
    }]);
    // The default heartbeat (1 s) counts too, and a lease set outright is named as such.
    const bySetting = withChange((d) => Object.assign(d.nodes[2], { fencing: true, leaseMs: 1000 }));
    expect(errorsOf(bySetting).map((e) => e.message)).toEqual([
      "nodes[2].leaseMs (1,000 ms) is no longer than heartbeatMs (1,000 ms): with fencing the primary's lease would run out before the next heartbeat renews it, and it would refuse writes with nothing wrong; make the lease longer than a heartbeat",
    ]);
    // Allowed: a longer lease, no fencing (no lease at all), phi's lease of 1.5 heartbeats.
    expect(withChange((d) => Object.assign(d.nodes[2], { fencing: true, timeoutMs: 1600, heartbeatMs: 1000, leaseMs: 1200 })).ok).toBe(true);
    expect(withChange((d) => Object.assign(d.nodes[2], { fencing: false, timeoutMs: 1600, heartbeatMs: 1000 })).ok).toBe(true);
    expect(withChange((d) => Object.assign(d.nodes[2], { fencing: true, detector: 'phi', timeoutMs: 1600, heartbeatMs: 1000 })).ok).toBe(true);
  });

  it('a partition whose sides overlap is refused, naming a node on both sides and how it got there', () => {
    const bySite = withChange((d) => d.faults.push({ atMs: 1, kind: 'partition', sides: [['dc-a'], ['db1', 'primary']] }));
    expect(errorsOf(bySite)).toEqual([{
      path: 'faults[1].sides',
      message: "faults[1].sides puts 'db1' on both sides (in site 'dc-a', named in sides[0]; named in sides[1]); a partition separates two sets of nodes that do not overlap",
    }]);
    const byName = withChange((d) => d.faults.push({ atMs: 1, kind: 'partition', sides: [['db1', 'db2', 'app'], ['app', 'db2']] }));
    expect(errorAt(byName, 'faults[1].sides').message).toContain("puts 'db2' (and 'app') on both sides (named in sides[0]; named in sides[1])");
    // Disjoint sides are fine, a site with nothing in it included.
    expect(withChange((d) => d.faults.push({ atMs: 1, kind: 'partition', sides: [['dc-a'], ['dc-b']] })).ok).toBe(true);
  });

  it('a database following itself is named once', () => {
    const result = withChange((d) => (d.nodes[1].replicateFrom = 'db2'));
    expect(errorsOf(result)).toEqual([
      { path: 'nodes[1].replicateFrom', message: 'nodes[1].replicateFrom names the node itself; a replica follows another database' },
    ]);
  });
});

describe('duplicate ids', () => {
  it('sites, nodes, faults, links and node-site clashes are each reported at the second one', () => {
    const result = withChange((d) => {
      d.sites.push({ id: 'dc-a' });
      d.links.push({ between: ['dc-b', 'dc-a'], latencyMs: 5 });
      d.nodes.push({ id: 'db1', kind: 'database', site: 'dc-a', role: 'primary' });
      d.nodes.push({ id: 'dc-b', kind: 'database', site: 'dc-a', role: 'primary' });
      d.faults = [{ id: 'f1', atMs: 1, kind: 'crash', target: 'db1' }, { id: 'f1', atMs: 2, kind: 'restart', target: 'db1' }];
      d.nodes[2].watches = ['db1', 'db2', 'db1'];
    });
    const messages = Object.fromEntries(errorsOf(result).map((e) => [e.path, e.message]));
    expect(messages).toMatchObject({
      'sites[2].id': "sites[2].id 'dc-a' is already the id of sites[0]; site ids must be unique",
      'links[1].between': "links[1].between joins 'dc-b' and 'dc-a', which links[0] already joins; one link per pair of sites",
      'nodes[5].id': "nodes[5].id 'db1' is already the id of nodes[0]; node ids must be unique",
      'nodes[6].id': "nodes[6].id 'dc-b' is also a site id; partitions name both nodes and sites, so their ids must differ",
      'faults[1].id': "faults[1].id 'f1' is already the id of faults[0]; fault ids must be unique",
      'nodes[2].watches[2]': "nodes[2].watches[2] repeats 'db1', already at index 0",
    });
  });
});

describe('negative or NaN times', () => {
  it.each([
    ['faults[0].atMs', (d: any) => (d.faults[0].atMs = -1), 'faults[0].atMs must be a number from 0 to 120,000 (the run\'s durationMs); found -1'],
    ['faults[0].atMs', (d: any) => (d.faults[0].atMs = NaN), 'found NaN'],
    ['faults[0].atMs', (d: any) => (d.faults[0].atMs = 120_001), 'found 120001'],
    ['faults[0].untilMs', (d: any) => (d.faults[0].untilMs = 30_000), 'faults[0].untilMs must be later than atMs (30,000); found 30000'],
    ['faults[0].untilMs', (d: any) => (d.faults[0].untilMs = Infinity), 'found Infinity'],
    ['narration[0].atMs', (d: any) => (d.narration[0].atMs = -0.5), 'narration[0].atMs must be a number from 0 to 604,800,000 (7 days, the longest run); found -0.5'],
    ['durationMs', (d: any) => (d.durationMs = -5), 'found -5'],
    ['nodes[0].serviceMs', (d: any) => (d.nodes[0].serviceMs = NaN), 'from 0.001 to 60,000; found NaN'],
  ])('%s: %s', (path, change, fragment) => {
    expect(errorAt(withChange(change), path).message).toContain(fragment);
  });

  it('NaN in a field the rules do not know is still refused, since JSON would turn it into null', () => {
    const result = withChange((d) => (d.nodes[0].weight = NaN));
    expect(errorAt(result, 'nodes[0].weight').message).toContain('must be a finite number');
  });
});

describe('keys that could pollute prototypes', () => {
  // JSON.parse makes `"__proto__"` an own key, which is how such documents arrive for real.
  function documentWith(place: (d: any) => void, key: string): string {
    const doc = example();
    place(doc);
    return JSON.stringify(doc).replace('"PLACEHOLDER":1', `"${key}":{"prototype":{"polluted":"yes"},"polluted":"yes"}`);
  }

  it.each([
    ['__proto__', (d: any) => (d.PLACEHOLDER = 1), '__proto__'],
    ['nodes[0].__proto__', (d: any) => (d.nodes[0].PLACEHOLDER = 1), '__proto__'],
    ['faults[0].constructor', (d: any) => (d.faults[0].PLACEHOLDER = 1), 'constructor'],
    ['constructor', (d: any) => (d.PLACEHOLDER = 1), 'constructor'],
    ['narration[0].prototype', (d: any) => (d.narration[0].PLACEHOLDER = 1), 'prototype'],
  ])('%s is refused at its path and pollutes nothing', (path, place, key) => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const text = documentWith(place, key);
    expect(text).toContain(`"${key}"`);
    for (const result of [parseScenario(text), validateScenario(JSON.parse(text))]) {
      expect(errorsOf(result)).toEqual([{
        path,
        message: `${path} is not allowed as a key: '${key}' can change how every object in the program behaves`,
      }]);
    }
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('inputs too big to be a scenario', () => {
  it('a 50 MB document gets a clear error without being parsed', () => {
    const text = `{"format": "faultline/1", "padding": "${'x'.repeat(50_000_000)}"}`;
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const errors = errorsOf(parseScenario(text));
      expect(errors).toEqual([{
        path: '',
        message: 'the scenario is 50.0 MB (50,000,040 characters); the limit is 5 MB (5,000,000 characters)',
      }]);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('text nested 100,000 levels deep gets a clear error and no stack overflow', () => {
    const depth = 100_000;
    const errors = errorsOf(parseScenario(`{"format": "faultline/1", "x": ${'['.repeat(depth)}${']'.repeat(depth)}}`));
    expect(errors).toEqual([{ path: '', message: 'the scenario nests deeper than 32 levels (at line 1, column 63); a scenario needs only a few' }]);
  });

  it('brackets inside strings do not count as nesting', () => {
    const doc = example();
    doc.nodes[0].label = '[{'.repeat(40);
    expect(parseScenario(JSON.stringify(doc)).ok).toBe(true);
  });

  it('a value nested 100,000 levels deep gets a clear error and no stack overflow', () => {
    const doc = example();
    let deep: unknown[] = [];
    doc.extra = deep;
    for (let i = 0; i < 100_000; i++) {
      const inner: unknown[] = [];
      deep.push(inner);
      deep = inner;
    }
    const errors = errorsOf(validateScenario(doc));
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe(`extra${'[0]'.repeat(31)}`);
    expect(errors[0].message).toBe(`extra${'[0]'.repeat(31)} nests deeper than 32 levels; a scenario needs only a few`);
  });

  it('a document with more than 200,000 values is refused', () => {
    const doc = example();
    doc.extra = new Array(300_000).fill(0);
    expect(errorsOf(validateScenario(doc))).toEqual([
      { path: '', message: 'the scenario holds more than 200,000 values; even a large scenario needs far fewer' },
    ]);
  });

  it('lists over their limits are reported with the limit', () => {
    const result = withChange((d) => {
      for (let i = 0; i < 50; i++) d.sites.push({ id: `s${i}` });
      for (let i = 0; i < 10_000; i++) d.faults.push({ atMs: i, kind: 'crash', target: 'db1' });
    });
    expect(errorAt(result, 'sites').message).toBe('sites has 52 entries; the limit is 50');
    expect(errorAt(result, 'faults').message).toBe('faults has 10,001 entries; the limit is 10,000');
  });

  it('stops at 100 errors and says there are more', () => {
    const result = withChange((d) => {
      for (let i = 0; i < 500; i++) d.faults.push({ atMs: -1, kind: 'crash', target: 'db1' });
    });
    const errors = errorsOf(result);
    expect(errors).toHaveLength(100);
    expect(errors[98].path).toBe('faults[99].atMs');
    expect(errors[99]).toEqual({ path: '', message: 'the scenario has more than 99 errors; fix these and check again to see the rest' });
  });
});

describe('values built in code', () => {
  it('a cyclic value is refused as too deep rather than looping', () => {
    const doc = example();
    doc.nodes[0].self = doc.nodes[0];
    const errors = errorsOf(validateScenario(doc));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^nodes\[0\](\.self)+ nests deeper than 32 levels/);
  });
});
