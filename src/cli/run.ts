// Running one scenario headless, as the CLI and its seed-sweep workers do; and two versions of
// one scenario side by side, in lock-step, to find where they part.

import type { Scenario } from '../scenario/types';
import { createSim } from '../sim/world';
import type { Sim } from '../sim/kernel/sim';
import { summarize, type RunSummary } from '../sim/report';
import { lockstep } from '../sim/compare';

export interface RunOutput extends RunSummary {
  format: 'faultline/1';
  scenario: string;
  seed: number;
  untilMs: number;
}

export interface RunRequest {
  scenario: Scenario;
  seed?: number;
  untilMs?: number;
  maxEvents?: number;
}

/** What `--compare` prints: both runs whole, and the first moment they differ (see src/sim/compare.ts). */
export interface CompareOutput {
  a: RunOutput;
  b: RunOutput;
  divergedAtMs: number | null;
}

function start(req: RunRequest, scenario: Scenario): { sim: Sim; seed: number; untilMs: number } {
  const seed = req.seed ?? req.scenario.seed;
  // Never past the end: the CLI refuses a later --until, and other callers get the whole run.
  const untilMs = Math.min(req.untilMs ?? req.scenario.durationMs, req.scenario.durationMs);
  const sim = createSim(
    { ...scenario, seed },
    // Checkpoints serve seeking; a headless run only goes forward.
    { checkpoints: false, limits: req.maxEvents !== undefined ? { maxEvents: req.maxEvents } : undefined },
  );
  return { sim, seed, untilMs };
}

function output(scenario: Scenario, seed: number, untilMs: number, sim: Sim): RunOutput {
  return { format: 'faultline/1', scenario: scenario.title ?? 'Untitled scenario', seed, untilMs, ...summarize(sim) };
}

export function runScenario(req: RunRequest): RunOutput {
  const { sim, seed, untilMs } = start(req, req.scenario);
  sim.advanceTo(Math.round(untilMs * 1000));
  return output(req.scenario, seed, untilMs, sim);
}

/**
 * `req.scenario` and `other` (the same scenario with some changes) with the same seed, stepped
 * in lock-step to where they part, then each run on to the end.
 */
export function compareScenarios(req: RunRequest, other: Scenario): CompareOutput {
  const a = start(req, req.scenario);
  const b = start(req, other);
  const untilUs = Math.round(a.untilMs * 1000);
  const { divergedAtUs } = lockstep(a.sim, b.sim, untilUs)!;
  a.sim.advanceTo(untilUs);
  b.sim.advanceTo(untilUs);
  return {
    a: output(req.scenario, a.seed, a.untilMs, a.sim),
    b: output(other, b.seed, b.untilMs, b.sim),
    divergedAtMs: divergedAtUs === null ? null : divergedAtUs / 1000,
  };
}
