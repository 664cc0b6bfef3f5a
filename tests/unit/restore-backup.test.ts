import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import type { DbPersisted } from '../../src/sim/components/database';
import { validateScenario } from '../../src/scenario/validate';
import { anomaliesOf } from '../../src/sim/report';
import { loadDoc as load, seeds } from './helpers/scenarios';

// `restore-backup`: a database rebuilt from a backup of another. What it is for (a new,
// bigger machine; a replica too far behind to replay its log) and what it costs (a primary
// restored from an old copy forgets what it acknowledged since) both follow from the data
// the backup holds; nothing here is told what to find.

const S = 1_000_000;

const world = (seed: number, faults: unknown[]) => ({
  format: 'faultline/1',
  seed,
  durationMs: 60_000,
  sites: [{ id: 'dc' }],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
    { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
    { id: 'db3', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1', provisioned: false },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 50, readsPerSec: 50, keys: 200 },
  ],
  faults,
});

function runWorld(seed: number, faults: unknown[], untilMs = 60_000) {
  const sim = createSim(load(world(seed, faults)), { checkpoints: false });
  sim.advanceTo(untilMs * 1000);
  const db = (id: string) => sim.state.nodes[sim.index(id)].p as DbPersisted;
  return { sim, db, anomalies: anomaliesOf(sim), marks: sim.journals.marks.items };
}

describe('restoring a database from a backup', () => {
  it.each(seeds(3))('seed %i: onto a spare, it starts at the backup and replays the rest: the same data as the primary, no anomaly', (seed) => {
    const faults = [{ atMs: 20_000, untilMs: 30_000, kind: 'restore-backup', target: 'db3', from: 'db2' }];
    const mid = runWorld(seed, faults, 25_000);
    // While the backup loads, the new machine holds nothing.
    expect(mid.db('db3').spare).toBe(true);
    expect(mid.db('db3').restoring!.lsn).toBeGreaterThan(500);

    const r = runWorld(seed, faults);
    const taken = r.marks.find((m) => m.kind === 'restore')!;
    const loaded = r.marks.find((m) => m.kind === 'restored')!;
    expect(taken.atUs).toBe(20 * S);
    expect(loaded.atUs).toBe(30 * S);
    // The backup is as of 20 s: about 20 s of writes at 50 a second, not what db1 has at 30 s.
    expect(loaded.data!.lsn).toBe(taken.data!.lsn);
    expect(taken.data!.lsn).toBeGreaterThan(800);
    expect(taken.data!.lsn).toBeLessThan(1200);
    expect(r.db('db3').spare).toBeUndefined();
    // Then it follows db1 and replays everything since: at the end it is db1's copy.
    expect(Math.abs(r.db('db3').lsn - r.db('db1').lsn)).toBeLessThanOrEqual(5);
    expect(r.db('db3').lsn).toBeGreaterThan(2500);
    expect(r.anomalies).toEqual([]);
  });

  it.each(seeds(3))('seed %i: a primary restored from a stale copy forgets the writes it acknowledged since, and the checker says so', (seed) => {
    // db2 is cut off from db1 at 5 s: its copy stops there. db1 is rebuilt from it at 20 s.
    const r = runWorld(seed, [
      { atMs: 5_000, kind: 'partition', sides: [['db2'], ['db1']] },
      { atMs: 20_000, untilMs: 25_000, kind: 'restore-backup', target: 'db1', from: 'db2' },
    ]);
    const taken = r.marks.find((m) => m.kind === 'restore')!;
    expect(taken.data!.lsn).toBeLessThan(400);
    const lost = r.anomalies.filter((a) => a.kind === 'lost-write');
    const count = lost.reduce((n, a) => n + a.count, 0);
    // Roughly 15 s of acknowledged writes at 50 a second, less those overwritten since.
    expect(count, `seed ${seed}`).toBeGreaterThan(100);
    expect(lost[0].nodes).toContain('db1');
    expect(lost[0].explanation).toContain(`db1 was restored at 25.000 s from a backup of db2 that ended at lsn ${taken.data!.lsn}`);
  });

  // Found by the swarm (seed 781): a restart in the middle of a restore brought the server
  // up on its old data, and the backup then loaded under the running process. A server does
  // not start on a data directory being restored: it stays down, says why, and starts when
  // the restore is done, with the backup's data.
  it.each([
    ['a restart', [{ atMs: 22_000, kind: 'restart', target: 'db2' }]],
    ['the end of a crash', [{ atMs: 15_000, untilMs: 22_000, kind: 'crash', target: 'db2' }]],
    ['the end of a machine move', [{ atMs: 21_000, untilMs: 23_000, kind: 'move-machine', target: 'db2' }]],
  ])('%s during a restore does not start the database before the restore is done', (_, more) => {
    const faults = [{ atMs: 20_000, untilMs: 30_000, kind: 'restore-backup', target: 'db2', from: 'db1' }, ...more];
    const mid = runWorld(1, faults, 25_000);
    const at = (sim: typeof mid.sim) => sim.view(sim.index('db2'));
    expect(at(mid.sim).status).toBe('down');
    const refused = mid.marks.filter((m) => m.node === 'db2' && m.kind === 'start-refused');
    expect(refused.map((m) => m.atUs)).toEqual([22_000_000 + (more[0].kind === 'move-machine' ? 1_000_000 : 0)]);
    expect(mid.sim.journals.log.items.some((l) => l.node === 'db2' && /does not start: a backup of db1 is still being restored onto it/.test(l.text))).toBe(true);

    const r = runWorld(1, faults);
    const db2 = r.marks.filter((m) => m.node === 'db2' && m.atUs >= 20 * S);
    // Down from the restore's start to its end; the backup loaded, then the server started.
    expect(db2.filter((m) => m.kind === 'restart').map((m) => m.atUs)).toEqual([30 * S]);
    expect(db2.findIndex((m) => m.kind === 'restored')).toBeLessThan(db2.findIndex((m) => m.kind === 'restart'));
    expect(at(r.sim).status).toBe('up');
    expect(Math.abs(r.db('db2').lsn - r.db('db1').lsn)).toBeLessThanOrEqual(5);
    expect(r.anomalies).toEqual([]);
  });

  it('the validator names what a restore needs', () => {
    const errorsOf = (f: Record<string, unknown>) => {
      const res = validateScenario(world(1, [{ atMs: 1000, kind: 'restore-backup', ...f }]));
      return res.ok ? [] : res.errors.map((e) => e.message);
    };
    expect(errorsOf({ target: 'db3', from: 'db1', untilMs: 2000 })).toEqual([]);
    expect(errorsOf({ target: 'db3', untilMs: 2000 }).join('\n')).toMatch(/faults\[0\]\.from.*database the backup is taken from/);
    expect(errorsOf({ target: 'db3', from: 'db3', untilMs: 2000 }).join('\n')).toMatch(/faults\[0\]\.from must be another database/);
    expect(errorsOf({ target: 'db3', from: 'app', untilMs: 2000 }).join('\n')).toMatch(/faults\[0\]\.from/);
    expect(errorsOf({ target: 'db3', from: 'db1' }).join('\n')).toMatch(/faults\[0\]\.untilMs/);
  });
});
