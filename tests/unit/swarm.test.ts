// The swarm test, bounded for CI: seeds draw whole worlds (src/cli/swarm/world.ts) that run
// twice with the checkers on and are held to the invariants (src/cli/swarm/check.ts).
// `npm run swarm -- --minutes 30` runs it for as long as asked, on every core.
//
// Seeds that break an invariant for a known, not yet fixed reason are listed in KNOWN with
// the invariant and the diagnosis: the test checks they still break it, so the entry is
// removed (and the seed joins the passing ones) when the bug is fixed.

import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate';
import { checkSeed, type Invariant } from '../../src/cli/swarm/check';
import { drawWorld } from '../../src/cli/swarm/world';
import { runCli } from '../cli';

const CI_SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

const KNOWN: Record<number, { invariant: Invariant; why: string }> = {
  1: {
    invariant: 'converges',
    why:
      'replication to c0-db2 never resumes after a partition cut it off (17.0 to 32.6 s) when the primary has a small ' +
      'replicationWindowEntries (40): the window fills with entries lost in the partition, the primary only sends ' +
      'keepalives, which keep the follower from subscribing again, and nothing is ever resent (src/sim/components/database.ts)',
  },
};

describe('swarm', () => {
  it('every drawn world passes the one validator (seeds 1..300)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const res = validateScenario(drawWorld(seed).doc);
      expect(res.ok ? [] : res.errors.map((e) => `seed ${seed}: ${e.path} ${e.message}`)).toEqual([]);
    }
  });

  it('a seed draws the same world every time, and different seeds draw different worlds', () => {
    expect(JSON.stringify(drawWorld(7).doc)).toBe(JSON.stringify(drawWorld(7).doc));
    expect(JSON.stringify(drawWorld(7).doc)).not.toBe(JSON.stringify(drawWorld(8).doc));
  });

  for (const seed of CI_SEEDS) {
    const known = KNOWN[seed];
    it(`seed ${seed} holds every invariant${known ? ` except a known bug (${known.invariant})` : ''}`, () => {
      const r = checkSeed(seed);
      const broken = r.violations.map((v) => `${v.invariant}: ${v.detail}`);
      if (!known) expect(broken).toEqual([]);
      else {
        expect(r.violations.map((v) => v.invariant), `seed ${seed} no longer breaks ${known.invariant}: remove it from KNOWN`).toContain(known.invariant);
        expect(r.violations.filter((v) => v.invariant !== known.invariant)).toEqual([]);
      }
      expect(r.events).toBeGreaterThan(0);
    });
  }
});

describe('npm run swarm', () => {
  it('prints a failing seed with the invariant it broke and a share link that replays its world', () => {
    const r = runCli('swarm', ['--seeds', '1..2', '--jobs', '2']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^seed 1: 1 invariant broken$/m);
    expect(r.out).toMatch(/^ {2}converges: c0-db2 is at lsn \d+/m);
    expect(r.out).toMatch(/swarm: 2 seeds \(1\.\.2\) in \d+ s, 1 broke an invariant: converges 1/);
    const link = /replay: npm run sim -- (fl1\.[A-Za-z0-9_-]+)/.exec(r.out)?.[1];
    expect(link).toBeDefined();
    const replay = runCli('sim', [link!, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out).trace).toBe(checkSeed(1).trace);
  });

  it('refuses bad arguments with a sentence', () => {
    const r = runCli('swarm', ['--minutes', 'lots']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--minutes must be a number of minutes/);
    expect(runCli('swarm', []).code).toBe(2);
  });
});
