// Found by the swarm (seeds 423 and 1073): a follower whose acks were lost (a one-way
// partition from it to its primary, entries still flowing the other way) received all the
// primary sent, and the primary, believing them unconfirmed, filled its window and sent
// nothing more. The follower had everything it was told of, so keepalives kept it from
// subscribing again, and it never acked again: it stayed behind for good. A keepalive now
// asks a follower silent for a whole beat with entries unconfirmed for an ack.

import { describe, expect, it } from 'vitest';
import { node, run } from './helpers/scenarios';

describe('a follower whose acks are lost', () => {
  it('catches up once they get through again, its window no longer held full', () => {
    const r = run('async-failover', 1, (d) => {
      node(d, 'db1', { replicationWindowEntries: 40 });
      d.faults = [{ atMs: 10_000, untilMs: 20_000, kind: 'partition', sides: [['db2'], ['db1']], oneWay: true }];
    }, 40_000);
    const lsn = (id: string) => r.db(id).lsn;
    expect(lsn('db1')).toBeGreaterThan(9000); // 300 writes a second for 40 s
    expect(lsn('db1') - lsn('db2')).toBeLessThan(100);
  });
});
