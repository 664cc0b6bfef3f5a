import { describe, expect, it } from 'vitest';
import { checkAnswer, gradeHere, loadAnswer, answerBases } from '../../src/scenario/challenge/grade';
import { encodeShareLink } from '../../src/scenario/share-link';
import { BUILT_INS } from '../../src/scenario/library';
import { answer, builtInLoaded, smallLoaded, SMALL_PASS } from './helpers/challenges';

const loaded = smallLoaded();
const messages = (changes: Parameters<typeof answer>[1], l = loaded) => checkAnswer(l, answer(l, changes)).map((d) => d.message);

describe('an answer against its challenge', () => {
  it('allows what allow names, and where a node is drawn or what it is called', () => {
    expect(messages(SMALL_PASS)).toEqual([]);
    expect(messages([{ node: 'db1', set: { position: { x: 5, y: 9 }, label: 'the primary' } }])).toEqual([]);
  });

  it('lists every disallowed node change with its path and a sentence', () => {
    expect(messages([{ node: 'db1', set: { site: 'dc', cores: 8 } }])).toEqual(['nodes[db1].cores (Cores) may not be set in this challenge (nothing on db1 may change)']);
    expect(messages([{ node: 'app', set: { writesPerSec: 0 } }])).toEqual([
      "nodes[app].writesPerSec (Writes per second) may not be changed in this challenge (it allows app's readTarget)",
    ]);
    expect(messages([{ node: 'db2', set: { replication: null } }])).toEqual([
      "nodes[db2].replication (Replication (ack rule)) may not be removed in this challenge (it allows db2's applyMs)",
    ]);
  });

  it('counts changed fields against setMax', () => {
    const three = smallLoaded({ allow: { set: { app: ['readTarget', 'timeoutMs'], db2: ['applyMs'] }, setMax: 2 } });
    expect(messages([...SMALL_PASS, { node: 'app', set: { timeoutMs: 50 } }], three)).toEqual([
      'nodes have 3 fields changed (nodes[db2].applyMs, nodes[app].readTarget, nodes[app].timeoutMs); this challenge allows changing at most 2',
    ]);
  });

  it('keeps allowed values within the bounds the challenge sets', () => {
    const bounded = smallLoaded({ allow: { set: { db2: [{ field: 'applyMs', min: 1, max: 10 }, { field: 'replication', values: ['async', 'semi-sync'] }] } } });
    expect(messages([{ node: 'db2', set: { applyMs: 5, replication: 'semi-sync' } }], bounded)).toEqual([]);
    expect(messages([{ node: 'db2', set: { applyMs: 50, replication: 'sync' } }], bounded)).toEqual([
      'nodes[db2].replication (Replication (ack rule)) may be set to "async" or "semi-sync" in this challenge; found "sync"',
      'nodes[db2].applyMs (Apply time per entry) may be set from 1 to 10 in this challenge; found 50 ms',
    ]);
  });

  it('refuses removed nodes, added nodes of kinds not allowed, and top-level changes', () => {
    const l = loaded;
    const noReplica = { ...l.scenario, nodes: l.scenario.nodes.filter((n) => n.id !== 'db2'), faults: [] };
    expect(checkAnswer(l, noReplica).map((d) => d.path)).toEqual(['nodes[db2]', 'faults[blip]']);
    const extra = { ...l.scenario, seed: 99, durationMs: 1e6, nodes: [...l.scenario.nodes, { id: 'm', kind: 'monitor' as const, site: 'dc', rules: [] }] };
    expect(checkAnswer(l, extra).map((d) => d.message)).toEqual([
      'seed may not be changed in this challenge',
      'durationMs may not be changed in this challenge',
      'nodes[m] is a new monitor; this challenge does not allow adding nodes',
    ]);
    const withMonitor = smallLoaded({ allow: { addNodes: { kinds: ['monitor'], max: 1 } } });
    expect(checkAnswer(withMonitor, { ...l.scenario, nodes: extra.nodes })).toEqual([]);
  });

  it('compares faults one by one: the scenario\'s are fixed unless allowed, added ones must be of the kinds and number allowed', () => {
    const l = smallLoaded({ allow: { addFaults: { kinds: ['crash', 'partition'], max: 1, fromMs: 2000 }, removeFaults: ['blip'] } });
    expect(messages([{ removeFault: 'blip' }], l)).toEqual([]);
    expect(messages([{ addFault: { id: 'x', atMs: 3000, kind: 'crash', target: 'db1' } }], l)).toEqual([]);
    expect(messages([{ addFault: { id: 'x', atMs: 3000, kind: 'promote', target: 'db2' } }], l)).toEqual([
      'faults[x] adds a promote of db2 at 3 s; this challenge allows adding only crash and partition',
    ]);
    expect(messages([{ addFault: { id: 'x', atMs: 1000, kind: 'crash', target: 'db1' } }], l)).toEqual([
      'faults[x].atMs is 1 s; this challenge allows adding faults and actions only from 2 s on',
    ]);
    expect(messages([{ addFault: { id: 'x', atMs: 3000, kind: 'crash', target: 'db1' } }, { addFault: { id: 'y', atMs: 4000, kind: 'crash', target: 'db2' } }], l)).toEqual([
      'faults include 2 added faults or actions; this challenge allows adding at most 1',
    ]);
    const moved = { ...l.scenario, faults: [{ ...l.scenario.faults[0], atMs: 1000 }] };
    expect(checkAnswer(l, moved).map((d) => d.message)).toEqual(['faults[blip].atMs may not be changed in this challenge (a pause of db2 at 8 s is part of the scenario)']);
    // A fault the challenge wrote without an id matches by its content, whatever id the app gave it.
    const noId = smallLoaded({ scenario: { ...loaded.challenge.scenario as object, faults: [{ atMs: 8000, untilMs: 9000, kind: 'pause', target: 'db2' }] } });
    expect(checkAnswer(noId, { ...noId.scenario, faults: [{ id: 'f1', atMs: 8000, untilMs: 9000, kind: 'pause', target: 'db2' }] })).toEqual([]);
    expect(checkAnswer(noId, { ...noId.scenario, faults: [] }).map((d) => d.message)).toEqual([
      "faults[0] (a pause of db2 at 8 s) was removed or changed; this challenge does not allow removing or changing the scenario's faults",
    ]);
  });
});

describe('answers as links and documents', () => {
  it('reads a share link built on the challenge\'s scenario, or on a built-in, and a JSON document', async () => {
    const doc = answer(loaded, SMALL_PASS);
    const link = await encodeShareLink(doc, { atMs: 2000 }, answerBases(loaded));
    expect(link.length).toBeLessThan(200);
    const fromLink = await loadAnswer(`https://example.org/faultline/#${link}`, loaded);
    expect(fromLink.ok && checkAnswer(loaded, fromLink.scenario)).toEqual([]);
    const fromJson = await loadAnswer(JSON.stringify(doc), loaded);
    expect(fromJson.ok && fromJson.scenario.nodes).toEqual(doc.nodes);

    const keep = builtInLoaded('lose-writes-one-parameter');
    const onBuiltIn = await encodeShareLink(answer(keep, [{ node: 'db1', set: { semiSyncTimeoutMs: 100 } }]), {}, [...BUILT_INS, ...answerBases(keep)]);
    const back = await loadAnswer(onBuiltIn, keep);
    expect(back.ok && checkAnswer(keep, back.scenario)).toEqual([]);
  });

  it('says why a bad answer cannot be read, with the path', async () => {
    const cut = await loadAnswer('fl1.eJyrVkrLz1eyUlAqSk3PT', loaded);
    expect(!cut.ok && cut.errors[0].message).toMatch(/^answer: the share link /);
    const bad = await loadAnswer(JSON.stringify({ ...loaded.scenario, seed: 'x' }), loaded);
    expect(!bad.ok && bad.errors.map((e) => e.message)).toContain('answer: seed must be an integer; found a string');
  });
});

describe('grading', () => {
  it('passes an answer that meets the goal in every run, and lists every seed', () => {
    const out = gradeHere(loaded, answer(loaded, SMALL_PASS));
    expect(out).toMatchObject({ format: 'faultline-grade/1', challenge: 'small-stale', passed: true, runs: 4, passedRuns: 4, disallowed: [] });
    expect(out.requirements).toEqual([
      { text: 'stale-read at least 5', passedRuns: 4 },
      { text: 'reads.ok at least 1000', passedRuns: 4 },
    ]);
    expect(out.seeds.map((s) => s.seed)).toEqual([1, 2, 3, 4]);
    expect(out.seeds.every((s) => s.passed && s.failed.length === 0 && (s.values?.[0] ?? 0) >= 5)).toBe(true);
  });

  it('fails an answer that does not, naming the requirement each seed missed', () => {
    const out = gradeHere(loaded, answer(loaded, [{ node: 'app', set: { readTarget: 'db2' } }]));
    expect(out.passed).toBe(false);
    expect(out.passedRuns).toBe(0);
    expect(out.seeds[0].failed).toEqual(['stale-read at least 5']);
    expect(out.requirements[1]).toEqual({ text: 'reads.ok at least 1000', passedRuns: 4 });
  });

  it('does not run an answer with a disallowed change', () => {
    const out = gradeHere(loaded, answer(loaded, [...SMALL_PASS, { node: 'db1', set: { shipIntervalMs: 50 } }]));
    expect(out).toMatchObject({ passed: false, runs: 0, seeds: [] });
    expect(out.disallowed).toEqual(["nodes[db1].shipIntervalMs (Ship the log every) may not be set in this challenge (nothing on db1 may change)"]);
  });

  it('passes with inAtLeast when enough runs pass, and gives the same result every time', () => {
    const some = smallLoaded({ goal: { seeds: '1..4', inAtLeast: 2, require: [{ anomaly: 'stale-read', atLeast: 420 }] } });
    const a = gradeHere(some, answer(some, SMALL_PASS));
    expect(a.passedRuns).toBeGreaterThanOrEqual(1);
    expect(a.passedRuns).toBeLessThan(4);
    expect(a.passed).toBe(a.passedRuns >= 2);
    expect(gradeHere(some, answer(some, SMALL_PASS))).toEqual(a);
  });
});
