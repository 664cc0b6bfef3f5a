// What the page holds of a run: the latest frame, and the bounded journals the frames bring
// piece by piece (log lines, marks, metric samples, per-second operation statistics). Raw
// state, replaced whole: a frame of thousands of messages must not become thousands of proxies.

import type { Frame, OpStat, RunAhead } from '../../sim/host';
import type { LogEntry, Mark, MetricSample } from '../../sim/kernel/component';

/** Log lines the page keeps; older ones scroll away. */
export const MAX_LOG = 500;
/** Marks kept for the timeline and "next notable event". */
export const MAX_MARKS = 5_000;
/** Metric samples kept for the charts (50 nodes x 10 minutes). */
export const MAX_SAMPLES = 30_000;
/** Seconds of per-second operation statistics kept for the charts. */
export const MAX_OP_SECONDS = 600;

export class RunBuffers {
  frame = $state.raw<Frame | null>(null);
  /** How far the run is known ahead (the timeline's buffered bar): the worker's figure, never a guess. */
  runAhead = $state.raw<RunAhead | null>(null);
  log = $state.raw<LogEntry[]>([]);
  marks = $state.raw<Mark[]>([]);
  samples = $state.raw<MetricSample[]>([]);
  ops = $state.raw<OpStat[]>([]);
  /** Wall time the latest frame arrived, for interpolating between frames. */
  frameWallMs = 0;

  /** Take in a frame: a full one (after a load or a seek) replaces what was kept. */
  apply(f: Frame): void {
    this.frame = f;
    this.frameWallMs = performance.now();
    this.log = bounded(f.full ? f.log : this.log.concat(f.log), MAX_LOG);
    if (f.full || f.marks.length) this.marks = bounded(f.full ? f.marks : this.marks.concat(f.marks), MAX_MARKS);
    if (f.full || f.samples.length) this.samples = bounded(f.full ? f.samples : this.samples.concat(f.samples), MAX_SAMPLES);
    if (f.full || f.ops.length) this.ops = mergeOps(f.full ? [] : this.ops, f.ops);
  }

  get nowUs(): number {
    return this.frame?.nowUs ?? 0;
  }
}

function bounded<T>(xs: T[], max: number): T[] {
  return xs.length > max ? xs.slice(xs.length - max) : xs;
}

/** Merge per-second buckets by their start time (a resent bucket replaces the old one). */
function mergeOps(old: OpStat[], fresh: OpStat[]): OpStat[] {
  if (!fresh.length) return old;
  const byUs = new Map<number, OpStat>();
  for (const b of old) byUs.set(b.atUs, b);
  for (const b of fresh) byUs.set(b.atUs, b);
  const out = [...byUs.values()].sort((a, b) => a.atUs - b.atUs);
  return bounded(out, MAX_OP_SECONDS);
}
