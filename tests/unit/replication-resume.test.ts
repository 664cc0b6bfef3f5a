// Found by the swarm (seed 1): a standby cut off by a partition while its primary shipped
// through a small window (replicationWindowEntries 40) never caught up. The window filled
// with entries the partition dropped; the primary then sent only keepalives, which kept the
// follower from subscribing again, and nothing was resent. A keepalive now says how far the
// primary has sent, and a follower missing some of that subscribes again from what it has.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';

const doc = JSON.parse(readFileSync(new URL('./fixtures/swarm-lost-window.json', import.meta.url), 'utf8'));

describe('replication after a partition', () => {
  it('a follower cut off while the window was full catches up once the partition heals', () => {
    const res = validateScenario(doc);
    if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
    const sim = createSim(res.scenario, { checkpoints: false });
    const lsn = (id: string) => (sim.view(sim.index(id)).detail as { lsn: number }).lsn;
    // The partition cuts c0-db2 off from 17.0 s to 32.6 s; the primary keeps writing.
    sim.advanceTo(32_000_000);
    const behind = lsn('c0-db0') - lsn('c0-db2');
    expect(behind).toBeGreaterThan(40);
    sim.advanceTo(res.scenario.durationMs * 1000);
    expect(lsn('c0-db0')).toBeGreaterThan(3000);
    expect(lsn('c0-db0') - lsn('c0-db2')).toBeLessThan(50);
  });
});
