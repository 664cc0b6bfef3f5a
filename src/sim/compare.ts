// Two runs in lock-step, and the first moment they part.
//
// The trace of a run at virtual time t is its trace hash after every event and fault action
// at or before t (what a frame at t shows). Two runs are the same run up to t when their
// traces at t are equal. The trace mixes every step's time, kind and target, and every outcome
// it records, so once two traces differ they stay different: "the same run" holds for a
// prefix of time, and the divergence is where that prefix ends:
//
//   divergedAtUs = the least t at which trace_A(t) != trace_B(t), or null if there is none
//                  up to the end of the run.
//
// Before it, the two are the same run (the same trace at every moment before, so the same
// messages, outcomes and anomalies); at it, at least one of them does something the other
// does not. Found exactly by stepping both worlds one step (an event or a fault action) at a
// time and comparing the hash after each step: the first step that differs, in time or in
// what it did, is at min(its time in A, its time in B), and every earlier step is equal in
// both, time included. The cost is that of running both to the divergence (or the end),
// plus a comparison of two integers per step.

import type { Sim } from './kernel/sim';
import type { WorldSpec } from './spec';
import { createSim } from './world';

export interface LockstepResult {
  /** The first moment the two runs differ (see above), or null: the same run to `untilUs`. */
  divergedAtUs: number | null;
  /** Steps found equal in both before the divergence (or the end). */
  stepsCompared: number;
}

/**
 * Step `a` and `b` (fresh or equally advanced worlds of two versions of one scenario) in
 * lock-step until their traces differ or both have nothing left to do by `untilUs`. Both are
 * left just past the divergence (or at their last step); advance them on to finish the runs.
 * `maxSteps` bounds the work: when it runs out the answer is `undefined` (not known yet), and
 * a later call carries on.
 */
export function lockstep(a: Sim, b: Sim, untilUs: number, maxSteps = Infinity): LockstepResult | undefined {
  let steps = 0;
  for (;;) {
    const ta = a.aborted ? Infinity : a.nextEventUs();
    const tb = b.aborted ? Infinity : b.nextEventUs();
    const hasA = ta <= untilUs;
    const hasB = tb <= untilUs;
    if (!hasA && !hasB) {
      // Nothing more to do in either. One may have stopped early (a limit) where the other
      // went on: that is a difference at the moment it stopped.
      if (!sameTrace(a, b) || (a.aborted === null) !== (b.aborted === null)) return { divergedAtUs: Math.min(stopUs(a), stopUs(b)), stepsCompared: steps };
      return { divergedAtUs: null, stepsCompared: steps };
    }
    if (ta !== tb) return { divergedAtUs: Math.min(ta, tb), stepsCompared: steps };
    if (steps >= maxSteps) return undefined;
    a.step();
    b.step();
    if (!sameTrace(a, b) || (a.aborted === null) !== (b.aborted === null)) return { divergedAtUs: ta, stepsCompared: steps };
    steps++;
  }
}

function sameTrace(a: Sim, b: Sim): boolean {
  return a.state.trace[0] === b.state.trace[0] && a.state.trace[1] === b.state.trace[1];
}

function stopUs(s: Sim): number {
  return s.aborted ? s.aborted.atUs : s.nowUs;
}

/**
 * Where the runs of two worlds (a scenario and a changed copy of it, with the same seed)
 * first differ, up to the end of the shorter: run both in lock-step from the start.
 */
export function divergenceOf(a: WorldSpec, b: WorldSpec): number | null {
  const untilUs = Math.round(Math.min(a.durationMs, b.durationMs) * 1000);
  return lockstep(createSim(a, { checkpoints: false }), createSim(b, { checkpoints: false }), untilUs)!.divergedAtUs;
}
