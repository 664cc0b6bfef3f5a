import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/world';
import { NOTABLE_MARKS } from '../../src/app/session/notable';
import { loadDoc as load } from './helpers/scenarios';
import { restartDuringRestore } from '../fixtures/restart-during-restore';

// "Next event" (N) stops at the next failure, detection, role change or what the system did
// about one: the marks it stops at are NOTABLE_MARKS. A database that refuses to start (a
// restart while a backup is being restored onto it) is as notable as one that starts.

const world = restartDuringRestore;

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
