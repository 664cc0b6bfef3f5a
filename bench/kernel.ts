// Kernel throughput: simulated events per second on a large world, against a bare event
// loop over the same kind of queue doing no work; and what checkpoints and seeks cost.

import { createSim } from '../src/sim/world';
import { fmt, msSince, type BenchSection } from './report';
import { syntheticWorld } from './worlds';
import { bareLoopMs } from './bare';
import { echoSim } from './floor';

const REPEATS = 3;
/** Virtual seconds of the echo world (about 80,000 events each). */
const FLOOR_SECONDS = 20;

function best<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

export async function benchKernel(): Promise<BenchSection> {
  const rows: BenchSection['rows'] = [];
  const world = syntheticWorld(12, 6, 60_000);
  rows.push(['world', `${world.nodes.length} nodes in ${world.sites.length} sites, ${world.nodes.filter((n) => n.kind === 'client').length} clients, 60 s of virtual time`]);

  // Straight run, no checkpoints: the simulation's own speed.
  const runs = Array.from({ length: REPEATS }, () => {
    const sim = createSim(world, { checkpoints: false });
    let pendingSum = 0;
    let samples = 0;
    const t0 = performance.now();
    for (let t = 1; t <= 60; t++) {
      sim.advanceTo(t * 1_000_000);
      pendingSum += sim.pendingEvents;
      samples++;
    }
    return { ms: msSince(t0), events: sim.state.executed, pending: Math.round(pendingSum / samples), trace: sim.traceHex() };
  });
  const run = best(runs);
  const simRate = run.events / (run.ms / 1000);
  rows.push(['simulated events', `${fmt(run.events)} (mean queue ${fmt(run.pending)} pending)`]);
  rows.push(['simulation speed', `${fmt(simRate)} events/s (best of ${REPEATS}: ${fmt(run.ms)} ms)`]);

  const bare = best(Array.from({ length: REPEATS }, () => ({ ms: bareLoopMs(run.events, run.pending) })));
  const bareRate = run.events / (bare.ms / 1000);
  rows.push(['bare event loop', `${fmt(bareRate)} events/s (same queue size, no work)`]);
  rows.push(['ratio to bare loop', fmt(simRate / bareRate, 2)]);

  // The kernel's floor (bench/floor.ts): the same kernel, network and queue size, nodes that
  // only bounce messages. What any event costs before a component does anything; a
  // yardstick beside the target's figure above, not a replacement for it.
  const floorRuns = Array.from({ length: REPEATS }, () => {
    const sim = echoSim();
    let pendingSum = 0;
    const t0 = performance.now();
    for (let t = 1; t <= FLOOR_SECONDS; t++) {
      sim.advanceTo(t * 1_000_000);
      pendingSum += sim.pendingEvents;
    }
    return { ms: msSince(t0), events: sim.state.executed, pending: Math.round(pendingSum / FLOOR_SECONDS) };
  });
  const floor = best(floorRuns);
  const floorRate = floor.events / (floor.ms / 1000);
  const floorBare = best(Array.from({ length: REPEATS }, () => ({ ms: bareLoopMs(floor.events, floor.pending) })));
  const floorRatio = floorRate / (floor.events / (floorBare.ms / 1000));
  rows.push(['kernel alone (echo world)', `${fmt(floorRate)} events/s, ${fmt(floorRatio, 2)} of the bare loop (${fmt(floor.events)} events, mean queue ${fmt(floor.pending)}; nodes that only bounce messages: the floor under every event, not the target)`]);

  // With checkpoints on, as in the browser.
  const withCp = best(
    Array.from({ length: REPEATS }, () => {
      const sim = createSim(world);
      const t0 = performance.now();
      sim.advanceTo(60_000_000);
      return { ms: msSince(t0), sim };
    }),
  );
  const cpRate = withCp.sim.state.executed / (withCp.ms / 1000);
  const store = withCp.sim.checkpoints!;
  rows.push(['with checkpoints', `${fmt(cpRate)} events/s; ${store.count} checkpoints kept, ${fmt(store.bytes / 1048576, 1)} MiB, every ${fmt(store.everyEvents)} events`]);

  const sim = withCp.sim;
  const snaps = Array.from({ length: REPEATS }, () => {
    const t0 = performance.now();
    const cp = sim.snapshot();
    return { ms: msSince(t0), cp };
  });
  const snap = best(snaps);
  rows.push(['checkpoint (take)', `${fmt(snap.ms, 1)} ms, ${fmt(snap.cp.ownBytes / 1024)} KiB of its own (${fmt(store.sharedBytes / 1048576, 1)} MiB shared by all) at the end of the run`]);
  const restore = best(
    Array.from({ length: REPEATS }, () => {
      const t0 = performance.now();
      sim.restore(snap.cp);
      return { ms: msSince(t0) };
    }),
  );
  rows.push(['checkpoint (restore)', `${fmt(restore.ms, 1)} ms`]);

  // Seek to the end of the long run from its start, and back to the middle.
  const seeks = Array.from({ length: REPEATS }, () => {
    sim.seek(0);
    const before = sim.state.executed;
    const t0 = performance.now();
    sim.seek(60_000_000);
    const ms = msSince(t0);
    return { ms, replayed: sim.state.executed - store.latestAtOrBefore(60_000_000)!.executed, before };
  });
  const seekEnd = best(seeks);
  rows.push(['seek start -> end', `${fmt(seekEnd.ms, 1)} ms (restore the newest checkpoint, replay ${fmt(seekEnd.replayed)} events)`]);
  const seekMid = best(
    Array.from({ length: REPEATS }, () => {
      sim.seek(60_000_000);
      const t0 = performance.now();
      sim.seek(30_000_000);
      return { ms: msSince(t0) };
    }),
  );
  rows.push(['seek end -> middle', `${fmt(seekMid.ms, 1)} ms`]);
  if (sim.traceHex() === '' || runs.some((r) => r.trace !== run.trace)) rows.push(['WARNING', 'runs of the same world gave different traces']);
  return {
    title: 'Kernel (npm run bench)',
    rows,
    data: { events: run.events, pending: run.pending, eventsPerSec: simRate, bareEventsPerSec: bareRate, ratio: simRate / bareRate, floorEventsPerSec: floorRate, floorRatio, checkpointTakeMs: snap.ms, checkpointRestoreMs: restore.ms, seekEndToMiddleMs: seekMid.ms },
  };
}
