// Found by the swarm (seed 304): a follower too far behind for the retained log gets the whole
// data set (a snapshot), and then nothing more. The primary sent the snapshot without moving
// its place in the stream, so every entry after it waited for an earlier one that would never
// go out, and keepalives kept the follower from asking again. Now the log after a snapshot
// goes out next, and nothing goes out to a follower while its snapshot is being read.

import { describe, expect, it } from 'vitest';
import { node, run } from './helpers/scenarios';

describe('a follower caught up by a snapshot', () => {
  it.each([
    ['sent at once', 0],
    ['read from disk first', 0.01],
  ])('keeps up afterwards (snapshot %s)', (_how, catchupMs) => {
    const r = run('async-failover', 1, (d) => {
      // 300 writes a second: db2's 10 s away are 3,000 entries, more than db1 keeps.
      node(d, 'db1', { logRetainEntries: 1000, catchupMs });
      d.faults = [{ atMs: 10_000, untilMs: 20_000, kind: 'crash', target: 'db2' }];
    }, 40_000);
    expect(r.sim.journals.log.items.some((l) => l.node === 'db1' && l.text.includes('sending a snapshot'))).toBe(true);
    expect(r.db('db1').lsn).toBeGreaterThan(9000);
    expect(r.db('db1').lsn - r.db('db2').lsn).toBeLessThan(100);
  });
});
