import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Mark } from '../../src/sim/kernel/component';
import type { WorldSpec } from '../../src/sim/spec';
import { CheckerSet, CHECKERS, type Anomaly } from '../../src/sim/checks';
import { lostWrite } from '../../src/sim/checks/lost-write';
import { staleRead } from '../../src/sim/checks/stale-read';
import { splitBrain } from '../../src/sim/checks/split-brain';
import { undetectedOutage } from '../../src/sim/checks/undetected-outage';
import { writeRejected } from '../../src/sim/checks/write-rejected';

// Checkers judge records, not the model: hand-made histories test their rules directly.
const S = 1_000_000;
const spec: WorldSpec = {
  seed: 1,
  durationMs: 200_000,
  sites: [{ id: 'dc' }],
  links: [],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
    { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1' },
  ],
  faults: [],
};

let n = 0;
function op(f: 'read' | 'write', key: string, value: number | null, invokeUs: number, endUs: number, end: Partial<HistoryEntry> = {}): HistoryEntry[] {
  const id = `app#${++n}`;
  return [
    { op: id, client: 'app', type: 'invoke', f, key, value: f === 'write' ? value : null, atUs: invokeUs },
    { op: id, client: 'app', type: 'ok', f, key, value, atUs: endUs, node: 'db1', invokedUs: invokeUs, ...end },
  ];
}

function check(factory: (s: WorldSpec) => ReturnType<typeof lostWrite>, history: HistoryEntry[], marks: Mark[], nowUs = 200 * S): Anomaly[] {
  const sorted = [...history].sort((a, b) => a.atUs - b.atUs);
  const c = factory(spec);
  c.feed(sorted, marks);
  return c.anomalies(nowUs);
}

const primary = (node: string, atUs: number, epoch: number, lsn: number, epochs: [number, number, string][]): Mark => ({ atUs, node, kind: 'role', data: { role: 'primary', epoch, lsn, epochs } });

describe('lost-write', () => {
  const db1Start = primary('db1', 0, 1, 0, [[1, 1, 'db1']]);
  const db2Takes = primary('db2', 50 * S, 2, 5, [[1, 1, 'db1'], [2, 6, 'db2']]);
  const writes = (node: string, epoch: number, lsns: number[], atUs: number) =>
    lsns.flatMap((lsn, i) => op('write', `k${lsn}`, lsn * 100 + epoch, atUs + i, atUs + i + 10, { node, lsn, epoch }));

  it('reports the acknowledged writes past the point where the new lineage forked, and only those', () => {
    const h = [...writes('db1', 1, [1, 2, 3, 4, 5, 6, 7, 8], 10 * S), ...writes('db2', 2, [6, 7], 60 * S)];
    const [a, ...rest] = check(lostWrite, h, [db1Start, db2Takes]);
    expect(rest).toEqual([]);
    expect(a.count).toBe(3);
    expect(a.ops).toHaveLength(3);
    expect(a.atUs).toBe(50 * S);
    expect(a.explanation).toContain('lsn 6 to 8');
    expect(a.explanation).toContain('db2 was promoted at 50.000 s holding the log only up to lsn 5');
  });

  it('reports nothing while the original lineage still stands', () => {
    expect(check(lostWrite, writes('db1', 1, [1, 2, 3], 10 * S), [db1Start])).toEqual([]);
  });

  it('a node whose epoch never joined the surviving lineage lost everything it acknowledged in it', () => {
    const rogue = primary('db2', 20 * S, 2, 3, [[1, 1, 'db1'], [2, 4, 'db2']]);
    const winner = primary('db1', 30 * S, 3, 3, [[1, 1, 'db1'], [3, 4, 'db1']]);
    const h = [...writes('db1', 1, [1, 2, 3], 10 * S), ...writes('db2', 2, [4, 5], 21 * S), ...writes('db1', 3, [4], 31 * S)];
    const lost = check(lostWrite, h, [db1Start, rogue, winner]);
    expect(lost.map((a) => [a.nodes[0], a.count])).toEqual([['db2', 2]]);
  });
});

describe('stale-read', () => {
  it('flags a read older than a write acknowledged before it began, not one concurrent with it', () => {
    n = 0;
    const h = [
      ...op('write', 'a', 1, 0, 10),
      ...op('write', 'a', 2, 20, 30),
      ...op('read', 'a', 1, 40, 45, { node: 'db2' }), // stale: write 2 was acked at 30
      ...op('read', 'a', 2, 50, 55, { node: 'db2' }), // fresh
      ...op('read', 'a', 1, 25, 60, { node: 'db2' }), // began while write 2 was in flight: fine
    ];
    const a = check(staleRead, h, []);
    expect(a).toHaveLength(1);
    expect(a[0].count).toBe(1);
    expect(a[0].ops).toEqual(['app#3']);
  });

  it('a read of nothing after an acknowledged write is stale; a write of unknown outcome proves nothing', () => {
    n = 0;
    const unknownWrite: HistoryEntry[] = [
      { op: 'app#50', client: 'app', type: 'invoke', f: 'write', key: 'b', value: 9, atUs: 0 },
      { op: 'app#50', client: 'app', type: 'info', f: 'write', key: 'b', value: 9, atUs: 10, error: 'timeout', invokedUs: 0 },
    ];
    const h = [...op('write', 'a', 1, 0, 10), ...op('read', 'a', null, 20, 25, { node: 'db2' }), ...unknownWrite, ...op('read', 'b', null, 30, 35, { node: 'db2' })];
    const a = check(staleRead, h, []);
    expect(a.map((x) => x.ops)).toEqual([['app#2']]);
  });
});

describe('split-brain', () => {
  const marks = [primary('db1', 0, 1, 0, [[1, 1, 'db1']]), primary('db2', 10 * S, 2, 5, [[1, 1, 'db1'], [2, 6, 'db2']])];
  it('two primaries acknowledging writes at the same time', () => {
    n = 0;
    const h = [...op('write', 'a', 1, 11 * S, 11 * S + 5, { node: 'db2' }), ...op('write', 'a', 2, 12 * S, 12 * S + 5, { node: 'db1' })];
    const [a] = check(splitBrain, h, marks);
    expect(a.nodes).toEqual(['db1', 'db2']);
    expect(a.count).toBe(2);
  });

  it('none when the old primary was fenced before the new one took over', () => {
    n = 0;
    const fenced: Mark = { atUs: 9 * S, node: 'db1', kind: 'fenced' };
    const h = [...op('write', 'a', 1, 5 * S, 5 * S + 5, { node: 'db1' }), ...op('write', 'a', 2, 12 * S, 12 * S + 5, { node: 'db2' })];
    expect(check(splitBrain, h, [...marks, fenced])).toEqual([]);
  });
});

describe('write-rejected and undetected-outage', () => {
  const refused = (fromS: number, toS: number) =>
    Array.from({ length: toS - fromS }, (_, i): HistoryEntry[] => [
      { op: `app#${1000 + fromS + i}`, client: 'app', type: 'invoke', f: 'write', key: 'a', value: i, atUs: (fromS + i) * S },
      { op: `app#${1000 + fromS + i}`, client: 'app', type: 'fail', f: 'write', key: 'a', value: i, atUs: (fromS + i) * S + 100, node: 'db1', error: 'read-only' },
    ]).flat();

  it('groups refused writes into one episode per client and node', () => {
    const [a, ...rest] = check(writeRejected, refused(10, 110), []);
    expect(rest).toEqual([]);
    expect(a.count).toBe(100);
    expect(a.explanation).toContain('read-only');
  });

  it('an outage is undetected except while an alert fires; short remainders are not outages', () => {
    const alert = (atS: number, state: string): Mark => ({ atUs: atS * S, node: 'mon', kind: 'alert', data: { rule: 'errors', node: 'app', state } });
    const gaps = check(undetectedOutage, refused(0, 101), [alert(40, 'firing'), alert(50, 'resolved')]);
    expect(gaps.map((a) => [Math.round(a.atUs / S), Math.round(a.endUs! / S)])).toEqual([[0, 40], [50, 100]]);
    // With the alert firing from 20 s to the end, only 20 s are undetected: under the 30 s floor.
    expect(check(undetectedOutage, refused(0, 101), [alert(20, 'firing')])).toEqual([]);
  });
});

describe('the checker set', () => {
  it('streams: feeding in pieces finds what one pass finds, and a shorter record resets it', () => {
    n = 0;
    const h = [...op('write', 'a', 1, 0, 10), ...op('write', 'a', 2, 20, 30), ...op('read', 'a', 1, 40, 45, { node: 'db2' })];
    const marks = [primary('db1', 0, 1, 0, [[1, 1, 'db1']])];
    const oneGo = new CheckerSet(spec, CHECKERS).update({ length: h.length, get: (i) => h[i] }, marks, 100);
    const set = new CheckerSet(spec, CHECKERS);
    for (let k = 1; k <= h.length; k++) set.update({ length: k, get: (i) => h[i] }, marks, 100);
    expect(set.update({ length: h.length, get: (i) => h[i] }, marks, 100)).toEqual(oneGo);
    expect(oneGo.map((a) => a.kind)).toEqual(['stale-read']);
    expect(set.update({ length: 2, get: (i) => h[i] }, marks, 100)).toEqual([]);
  });
});
