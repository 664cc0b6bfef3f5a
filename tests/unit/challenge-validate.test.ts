import { describe, expect, it } from 'vitest';
import { parseChallenge, validateChallenge } from '../../src/scenario/challenge/validate';
import { BUILT_IN_CHALLENGES } from '../../src/scenario/challenge/library';
import { metricPathProblem, measure, meets, requirementText } from '../../src/scenario/challenge/metrics';
import { SMALL_CHALLENGE, smallLoaded } from './helpers/challenges';

function errorsOf(doc: unknown): string[] {
  const r = validateChallenge(doc);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map((e) => e.message);
}

describe('the challenge validator', () => {
  it('accepts every built-in challenge, with its scenario resolved and its seeds listed', () => {
    expect(BUILT_IN_CHALLENGES.length).toBeGreaterThanOrEqual(8);
    for (const c of BUILT_IN_CHALLENGES) {
      const r = validateChallenge(c.document);
      expect(r.ok, `${c.id}: ${r.ok ? '' : r.errors.map((e) => e.message).join('; ')}`).toBe(true);
      if (r.ok) {
        expect(r.loaded.seeds).toHaveLength(20);
        expect(r.loaded.scenario.nodes.length).toBeGreaterThan(0);
      }
    }
    expect(new Set(BUILT_IN_CHALLENGES.map((c) => c.kind))).toEqual(new Set(['fix-it', 'break-it']));
  });

  it('names a built-in scenario by its id, and refuses one that does not exist', () => {
    const ok = validateChallenge({ ...SMALL_CHALLENGE, scenario: 'async-failover', allow: { set: { db2: ['replication'] } } });
    expect(ok.ok && ok.loaded.scenarioId).toBe('async-failover');
    expect(errorsOf({ ...SMALL_CHALLENGE, scenario: 'no-such' })[0]).toMatch(/^scenario names 'no-such', which is not a built-in scenario/);
  });

  it("reports the scenario's own errors with their paths under scenario", () => {
    const bad = { ...SMALL_CHALLENGE.scenario, nodes: [...SMALL_CHALLENGE.scenario.nodes.slice(0, 1), { ...SMALL_CHALLENGE.scenario.nodes[1], replicateFrom: 'db9' }, SMALL_CHALLENGE.scenario.nodes[2]] };
    const errors = validateChallenge({ ...SMALL_CHALLENGE, scenario: bad });
    expect(errors.ok).toBe(false);
    if (!errors.ok) {
      const e = errors.errors.find((x) => x.path === 'scenario.nodes[1].replicateFrom');
      expect(e?.message).toBe("scenario.nodes[1].replicateFrom names 'db9', which is not a node");
    }
  });

  it('says what is wrong with allow, goal and hints, each at its path', () => {
    const errors = errorsOf({
      ...SMALL_CHALLENGE,
      allow: { set: { db9: ['applyMs'], db2: ['id', 7, { field: 'applyMs', min: 5, max: 1 }] }, addFaults: { kinds: ['meteor'], max: 0 }, removeFaults: ['nope'], sets: {} },
      goal: { seeds: '5..1', require: [{ anomaly: 'lost-writes', atMost: 0 }, { metric: 'writes.latency.p99', atMost: 1 }, { metric: 'queues.db1.maxLagMs', atMost: 1 }, { anomaly: 'stale-read' }] },
      hints: ['', 3],
    });
    const expected = [
      /^allow\.sets is not something a challenge can allow/,
      /^allow\.set\.db9 names 'db9', which is not a node of the scenario/,
      /^allow\.set\.db2\[0\] names 'id', which says which node this is/,
      /^allow\.set\.db2\[1\] must be a field name/,
      /^allow\.set\.db2\[2\]\.max must not be below min/,
      /^allow\.addFaults\.kinds\[0\] must be a fault kind/,
      /^allow\.addFaults\.max must be an integer from 1 to/,
      /^allow\.removeFaults\[0\] names 'nope', which is not the id of one of the scenario's faults/,
      /^goal\.seeds is '5\.\.1', which is empty/,
      /^goal\.require\[0\]\.anomaly must be one of lost-write, /,
      /^goal\.require\[1\]\.metric names 'writes\.latency\.p99', but writes\.latency has no 'p99' \(p50Ms, p99Ms, maxMs\)/,
      /^goal\.require\[2\]\.metric names 'queues\.db1\.maxLagMs', but 'db1' is not a queue of the scenario/,
      /^goal\.require\[3\] sets no bound/,
      /^hints\[0\] must not be empty/,
      /^hints\[1\] must be a hint in words/,
    ];
    for (const re of expected) expect(errors.some((e) => re.test(e)), `${re} in\n${errors.join('\n')}`).toBe(true);
  });

  it("takes '*' for every node, with fields some kinds have, and refuses a field no node has", () => {
    expect(validateChallenge({ ...SMALL_CHALLENGE, allow: { set: { '*': ['timeoutMs', 'applyMs'] } } }).ok).toBe(true);
    expect(errorsOf({ ...SMALL_CHALLENGE, allow: { set: { '*': ['warpDrive'], db2: ['readTarget'] } } })).toEqual([
      "allow.set.*[0] names 'warpDrive', which is not a field of any node of the scenario",
      "allow.set.db2[0] names 'readTarget', which is not a field of db2 (database)",
    ]);
  });

  it('refuses a newer format, bad JSON with its line and column, and anything nested absurdly deep', () => {
    expect(errorsOf({ ...SMALL_CHALLENGE, format: 'faultline-challenge/2' })[0]).toMatch(/^format is 'faultline-challenge\/2', made for a newer version/);
    const notJson = parseChallenge('{\n  "format": "faultline-challenge/1",\n  "id": x\n}');
    expect(!notJson.ok && notJson.errors[0].message).toMatch(/^the challenge is not valid JSON: at line 3, column 9/);
    const deep = parseChallenge('['.repeat(5000));
    expect(!deep.ok && deep.errors[0].message).toMatch(/^the challenge nests deeper than/);
    expect(errorsOf({ ...SMALL_CHALLENGE, __proto__: null, constructor: 1 }).some((e) => /^constructor is not allowed as a key/.test(e))).toBe(true);
  });

  it('keeps fields it does not know, and the text it shows as written', () => {
    const r = validateChallenge({ ...SMALL_CHALLENGE, course: { week: 3 }, brief: '<b>not markup</b>' });
    expect(r.ok && r.loaded.challenge.course).toEqual({ week: 3 });
    expect(r.ok && r.loaded.challenge.brief).toBe('<b>not markup</b>');
  });
});

describe('requirements', () => {
  const loaded = smallLoaded();

  it('checks metric paths against the report and the scenario', () => {
    const s = loaded.scenario;
    expect(metricPathProblem('writes.latency.p99Ms', s)).toBeNull();
    expect(metricPathProblem('alerting.longestUndetectedMs', s)).toBeNull();
    expect(metricPathProblem('catchup.db2.maxBehind', s)).toBeNull();
    expect(metricPathProblem('failures.timeout', s)).toBeNull();
    expect(metricPathProblem('writes', s)).toMatch(/not a number but a group/);
    expect(metricPathProblem('catchup.app.maxBehind', s)).toMatch(/'app' is not a database/);
    expect(metricPathProblem('alerts.0', s)).toMatch(/metrics have no 'alerts'/);
  });

  it('counts an anomaly that did not occur as 0, and fails a metric that is absent', () => {
    const run = { anomalies: [], metrics: { writes: { acked: 5 } } } as never;
    expect(measure({ anomaly: 'lost-write', atMost: 0 }, run)).toBe(0);
    expect(meets({ anomaly: 'lost-write', atMost: 0 }, 0)).toBe(true);
    expect(measure({ metric: 'firstFailoverAtMs', atMost: 1 }, run)).toBeNull();
    expect(meets({ metric: 'firstFailoverAtMs', atMost: 1 }, null)).toBe(false);
    expect(requirementText({ metric: 'firstFailoverAtMs', atLeast: 170000, atMost: 175000 })).toBe('firstFailoverAtMs at least 170000 and at most 175000');
    expect(requirementText({ anomaly: 'lost-write', atMost: 0 })).toBe('lost-write at most 0');
  });
});
