// The swarm test, bounded for CI: seeds draw whole worlds (src/cli/swarm/world.ts) that run
// twice with the checkers on and are held to the invariants (src/cli/swarm/check.ts).
// `npm run swarm -- --minutes 30` runs it for as long as asked, on every core.
//
// Seeds that break an invariant for a known, not yet fixed reason are listed in KNOWN with
// the invariant and the diagnosis: the test checks they still break it, so the entry is
// removed (and the seed joins the passing ones) when the bug is fixed.

import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate';
import { createSim } from '../../src/sim/world';
import { checkSeed, type Invariant } from '../../src/cli/swarm/check';
import { drawWorld } from '../../src/cli/swarm/world';
import { runCli } from '../cli';
import { formatFailure } from '../../src/cli/swarm/report';
import { encodeShareLink } from '../../src/scenario/share-link';

const CI_SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

const KNOWN: Record<number, { invariant: Invariant; why: string }> = {};

describe('swarm', () => {
  it('every drawn world passes the one validator (seeds 1..300)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const res = validateScenario(drawWorld(seed).doc);
      expect(res.ok ? [] : res.errors.map((e) => `seed ${seed}: ${e.path} ${e.message}`)).toEqual([]);
    }
  });

  it('a failover before any fault, on a lossy link, explains the refused writes after it (seed 1401)', () => {
    // A phi detector declares a live primary down after one heartbeat lost on the link with
    // loss, 6 s before the first fault: the deposed primary's refusals are its consequence, as
    // a lease lapsing on that link would be, not something only a fault could cause.
    const world = drawWorld(1401);
    expect((world.doc.links as { lossRate?: number }[]).some((l) => (l.lossRate ?? 0) > 0)).toBe(true);
    const firstFaultMs = Math.min(...world.doc.faults.map((f) => f.atMs));
    const res = validateScenario(world.doc);
    if (!res.ok) throw new Error('invalid');
    const sim = createSim(res.scenario, { checkpoints: false });
    sim.advanceTo(firstFaultMs * 1000);
    expect(sim.journals.marks.items.some((m) => m.kind === 'failover')).toBe(true);
    const r = checkSeed(1401, world);
    expect(r.anomalies['write-rejected']).toBeGreaterThan(0);
    expect(r.violations).toEqual([]);
  });

  it('seed 2452 converges: an orchestrator waits for the primary it chose to answer before it settles two primaries of one epoch', () => {
    // It failed over into epoch 3 while the replica it had replaced was being restored into
    // epoch 3 too; the restored one answered first, and the orchestrator, its chosen primary's
    // answer still on the way, took it for the only primary and demoted the other, whose
    // claim then landed on the role endpoint: writes refused to the end.
    expect(checkSeed(2452).violations).toEqual([]);
  });

  it('a failover whose promotion is lost on a lossy link is not counted as one (seed 4481)', () => {
    // The orchestrator declared the slowed primary down, chose a replica and sent it the
    // promotion over a link losing a fifth of its messages; it never arrived, nor did the
    // next one: two decisions in the log, no node ever changed role, so no failover happened.
    const world = drawWorld(4481);
    const res = validateScenario(world.doc);
    if (!res.ok) throw new Error('invalid');
    const sim = createSim(res.scenario, { checkpoints: false });
    sim.advanceTo(world.doc.durationMs * 1000);
    const marks = sim.journals.marks.items;
    expect(marks.filter((m) => m.kind === 'failover').length).toBeGreaterThan(0);
    expect(marks.filter((m) => m.kind === 'role' && m.atUs > 0)).toEqual([]);
    const r = checkSeed(4481, world);
    expect(r.violations).toEqual([]);
  });

  it('a daemon insert lost in a failover and made again is not a duplicate effect (seed 3869)', () => {
    // The insert was acknowledged by the old primary and lost with its unreplicated tail; the
    // job was taken again and inserted once on the new primary: lost-write reports the loss,
    // and no world without a racy worker may show a check-then-act race.
    const r = checkSeed(3869);
    expect(r.anomalies['lost-write']).toBeGreaterThan(0);
    expect(r.anomalies['duplicate-effect'] ?? 0).toBe(0);
    expect(r.violations).toEqual([]);
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
  it('runs seeds on worker threads and sums them up; exit 0 when every seed held', () => {
    const r = runCli('swarm', ['--seeds', '2..3', '--jobs', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^swarm: 2 seeds \(2\.\.3\) in \d+ s, 0 broke an invariant$/m);
  });

  it('a failing seed is printed with its invariant and a share link that replays its world', async () => {
    // Today no drawn world in the CI range fails: the line is checked on seed 3's world with a
    // broken invariant written in, and its link run through the CLI.
    const world = drawWorld(3);
    const link = await encodeShareLink(world.doc);
    const text = formatFailure({ ...checkSeed(3, world), violations: [{ invariant: 'converges', detail: 'two primaries\u001b[2J at the end' }], link });
    expect(text.split('\n')).toEqual(['seed 3: 1 invariant broken', '  converges: two primaries at the end', `  replay: npm run sim -- ${link}`]);
    const replay = runCli('sim', [link, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out).trace).toBe(checkSeed(3).trace);
  });

  it('refuses bad arguments with a sentence', () => {
    const r = runCli('swarm', ['--minutes', 'lots']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--minutes must be a number of minutes/);
    expect(runCli('swarm', []).code).toBe(2);
  });
});
