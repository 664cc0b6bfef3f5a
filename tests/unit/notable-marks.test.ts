import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { NOTABLE_MARKS } from '../../src/app/session/notable';
import { loadDoc as load } from './helpers/scenarios';

// "Next event" (N) stops at the next failure, detection, role change or what the system did
// about one: the marks it stops at are NOTABLE_MARKS. A database that refuses to start (a
// restart while a backup is being restored onto it) is as notable as one that starts.

const world = {
  format: 'faultline/1',
  seed: 1,
  durationMs: 40_000,
  sites: [{ id: 'dc' }],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary' },
    { id: 'db2', kind: 'database', site: 'dc', role: 'replica', replicateFrom: 'db1' },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 50, readsPerSec: 50, keys: 200 },
  ],
  faults: [
    { atMs: 20_000, untilMs: 30_000, kind: 'restore-backup', target: 'db2', from: 'db1' },
    { atMs: 22_000, kind: 'restart', target: 'db2' },
  ],
};

describe('the marks "next event" stops at', () => {
  it('include a database refusing to start, as they include its crash and its restart', () => {
    const sim = createSim(load(world), { checkpoints: false });
    sim.advanceTo(40_000_000);
    const db2 = sim.journals.marks.items.filter((m) => m.node === 'db2' && ['crash', 'restart', 'start-refused'].includes(m.kind));
    // Down for the restore at 20 s, refused at 22 s, started with the backup's data at 30 s.
    expect(db2.map((m) => [m.kind, m.atUs / 1e6])).toEqual([
      ['crash', 20],
      ['start-refused', 22],
      ['restart', 30],
    ]);
    expect(db2.filter((m) => !NOTABLE_MARKS.has(m.kind)).map((m) => m.kind)).toEqual([]);
  });
});
