// Running one scenario headless, as the CLI and its seed-sweep workers do.

import type { Scenario } from '../scenario/types';
import { createSim } from '../sim/world';
import { summarize, type RunSummary } from '../sim/report';

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

export function runScenario(req: RunRequest): RunOutput {
  const seed = req.seed ?? req.scenario.seed;
  // Never past the end: the CLI refuses a later --until, and other callers get the whole run.
  const untilMs = Math.min(req.untilMs ?? req.scenario.durationMs, req.scenario.durationMs);
  const sim = createSim(
    { ...req.scenario, seed },
    // Checkpoints serve seeking; a headless run only goes forward.
    { checkpoints: false, limits: req.maxEvents !== undefined ? { maxEvents: req.maxEvents } : undefined },
  );
  sim.advanceTo(Math.round(untilMs * 1000));
  return { format: 'faultline/1', scenario: req.scenario.title ?? 'Untitled scenario', seed, untilMs, ...summarize(sim) };
}
