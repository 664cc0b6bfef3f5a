import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Mark } from '../../src/sim/kernel/component';
import type { WorldSpec } from '../../src/sim/spec';
import { duplicateEffect } from '../../src/sim/checks/duplicate-effect';
import { CHECKERS } from '../../src/sim/checks';

// duplicate-effect judges the history alone: hand-made histories test its rule directly.
const S = 1_000_000;
const spec: WorldSpec = { seed: 1, durationMs: 100_000, sites: [{ id: 'dc' }], links: [], nodes: [], faults: [] };

let n = 0;
/** One operation of worker `w`: an invocation, then its completion. */
function op(w: string, type: HistoryEntry['type'], f: 'read' | 'write', key: string, value: number | null, invokeUs: number, endUs: number): HistoryEntry[] {
  const id = `${w}#${++n}`;
  return [
    { op: id, client: w, type: 'invoke', f, key, value: f === 'write' ? value : null, atUs: invokeUs },
    { op: id, client: w, type, f, key, value, atUs: endUs, node: 'db1', invokedUs: invokeUs, ...(type === 'ok' ? { lsn: n, epoch: 1 } : { error: 'timeout' }) },
  ];
}

/** A daemon's job: the check (found nothing), then the insert, both acknowledged. */
function job(w: string, key: string, checkUs: number, insertUs: number): HistoryEntry[] {
  return [...op(w, 'ok', 'read', key, null, checkUs, checkUs + 1000), ...op(w, 'ok', 'write', key, n + 1000, insertUs, insertUs + 1000)];
}

function check(history: HistoryEntry[], marks: Mark[] = []) {
  const c = duplicateEffect(spec);
  c.feed([...history].sort((a, b) => a.atUs - b.atUs), marks);
  return c.anomalies(100 * S);
}

/** A daemon's insert acknowledged by `node` in `epoch` at `lsn` (its check found nothing just before). */
function insertAt(w: string, key: string, atUs: number, node: string, epoch: number, lsn: number): HistoryEntry[] {
  const [inv, ok] = op(w, 'ok', 'write', key, 7, atUs, atUs + 1000);
  return [...op(w, 'ok', 'read', key, null, atUs - 2000, atUs - 1000), inv, { ...ok, node, epoch, lsn }];
}

/** db2 promoted at 20 s into epoch 2, holding db1's epoch-1 log up to lsn 100. */
const failover: Mark[] = [
  { atUs: 20 * S, node: 'db2', kind: 'role', data: { role: 'primary', epoch: 2, lsn: 100, epochs: [[1, 0, 'db1'], [2, 101, 'db2']] } },
];

describe('duplicate-effect', () => {
  it('is one of the checkers a run is judged by', () => {
    expect(CHECKERS).toContain(duplicateEffect);
  });

  it('reports a second acknowledged insert of a job effect, citing the check that let it through', () => {
    const h = [...job('workers', 'cmd:app#7', 1 * S, 1.1 * S), ...job('workers', 'cmd:app#7', 1.05 * S, 1.3 * S)];
    const [a, ...rest] = check(h);
    expect(rest).toEqual([]);
    expect(a.kind).toBe('duplicate-effect');
    expect(a.count).toBe(1);
    expect(a.atUs).toBe(1.301 * S);
    expect(a.nodes).toEqual(['workers', 'db1']);
    expect(a.ops).toHaveLength(1);
    expect(a.explanation).toContain('cmd:app#7');
    expect(a.explanation).toContain('had checked at 1.050 s and found no command');
    expect(a.explanation).toContain('was not acknowledged yet');
    expect(a.explanation).toContain('check-then-act race');
  });

  it('counts every insert after the first: three daemons on one job are two duplicates', () => {
    const h = [...job('w', 'cmd:j1', 1 * S, 1.1 * S), ...job('w', 'cmd:j1', 1.01 * S, 1.2 * S), ...job('w', 'cmd:j1', 1.02 * S, 1.3 * S)];
    const found = check(h);
    expect(found).toHaveLength(1);
    expect(found[0].count).toBe(2);
  });

  it('ignores effects written once, keys that are not effects, and writes whose outcome is unknown', () => {
    const h = [
      ...job('w', 'cmd:j1', 1 * S, 1.1 * S),
      ...job('w', 'cmd:j2', 2 * S, 2.1 * S),
      // A client overwriting an ordinary key is not a duplicate effect.
      ...op('app', 'ok', 'write', 'k1', 1, 3 * S, 3.1 * S),
      ...op('app', 'ok', 'write', 'k1', 2, 4 * S, 4.1 * S),
      // A timed-out insert may or may not have happened: it proves nothing.
      ...op('w', 'info', 'write', 'cmd:j2', 99, 5 * S, 6 * S),
    ];
    expect(check(h)).toEqual([]);
  });

  it('a daemon whose check found the effect skips it: nothing to report', () => {
    const h = [...job('w', 'cmd:j1', 1 * S, 1.1 * S), ...op('w', 'ok', 'read', 'cmd:j1', 5, 1.2 * S, 1.21 * S)];
    expect(check(h)).toEqual([]);
  });

  it('groups duplicates close in time into one episode per worker, and starts a new one after a quiet spell', () => {
    const h = [
      ...job('w', 'cmd:a', 1 * S, 1.1 * S),
      ...job('w', 'cmd:a', 1.01 * S, 1.2 * S),
      ...job('w', 'cmd:b', 3 * S, 3.1 * S),
      ...job('w', 'cmd:b', 3.01 * S, 3.2 * S),
      ...job('w', 'cmd:c', 60 * S, 60.1 * S),
      ...job('w', 'cmd:c', 60.01 * S, 60.2 * S),
      ...job('other', 'cmd:d', 2 * S, 2.1 * S),
      ...job('other', 'cmd:d', 2.01 * S, 2.2 * S),
    ];
    const found = check(h);
    expect(found.map((a) => [a.nodes[0], a.count])).toEqual([
      ['w', 2],
      ['other', 1],
      ['w', 1],
    ]);
  });

  it('an insert lost in a failover and made again is one effect, not two (lost-write reports the loss)', () => {
    // Acknowledged by db1 at lsn 150, past what db2 held when promoted: not in the surviving data.
    const h = [...insertAt('daemons', 'cmd:j1', 10 * S, 'db1', 1, 150), ...insertAt('daemons', 'cmd:j1', 30 * S, 'db2', 2, 160)];
    expect(check(h, failover)).toEqual([]);
  });

  it('an insert kept through the failover and made again is a duplicate (the second check read a stale replica)', () => {
    // lsn 50 was on db2 when promoted: the second insert writes into a history that has the first.
    const h = [...insertAt('daemons', 'cmd:j1', 10 * S, 'db1', 1, 50), ...insertAt('daemons', 'cmd:j1', 30 * S, 'db2', 2, 160)];
    const found = check(h, failover);
    expect(found).toHaveLength(1);
    expect(found[0].explanation).toContain('inserted by daemons#');
    expect(found[0].count).toBe(1);
  });

  it('after a lost insert, a third insert into the same history as the second is a duplicate of the second', () => {
    const h = [
      ...insertAt('daemons', 'cmd:j1', 10 * S, 'db1', 1, 150),
      ...insertAt('daemons', 'cmd:j1', 30 * S, 'db2', 2, 160),
      ...insertAt('daemons', 'cmd:j1', 31 * S, 'db2', 2, 170),
    ];
    const found = check(h, failover);
    expect(found).toHaveLength(1);
    expect(found[0].count).toBe(1);
    expect(found[0].explanation).toMatch(/inserted by daemons#\d+ at 30\.001 s and again by daemons#\d+ at 31\.001 s/);
  });
});
