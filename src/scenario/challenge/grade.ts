// Grading: the one module the CLI (`npm run grade`) and the app ("Check over N seeds") both
// use. Pure: no DOM, no Node APIs, no clock. The seed runs (`runSeed`) are what a worker
// thread or a web worker executes; everything else is bookkeeping around them.
//
//   answer text (a scenario document or a share link)
//     -> loadAnswer: the one validator, links decoded against the built-ins and the
//        challenge's own scenario
//     -> disallowedChanges (compare.ts): an answer with any is not run
//     -> runSeed for each of the goal's seeds: the learner's scenario with that seed, run to
//        its end, measured as the CLI's --json measures it (src/sim/report.ts)
//     -> gradeOutput: the verdict in the `faultline-grade/1` shape

import { createSim } from '../../sim/world';
import { summarize } from '../../sim/report';
import { BUILT_INS } from '../library';
import { decodeShareLink, looksLikeLink, type LinkBase } from '../share-link';
import type { Scenario, ValidationError } from '../types';
import { parseScenario } from '../validate';
import { disallowedChanges } from './compare';
import { measure, meets, requirementText } from './metrics';
import { GRADE_FORMAT, type Disallowed, type GradeOutput, type LoadedChallenge, type Requirement, type SeedOutcome } from './types';

/** The id a share link uses for a challenge's scenario as the document it builds on. */
export function challengeBaseId(challengeId: string): string {
  return `challenge:${challengeId}`;
}

/** What an answer's link may build on: every built-in scenario, and the challenge's own. */
export function answerBases(loaded: LoadedChallenge): LinkBase[] {
  return [...BUILT_INS, { id: challengeBaseId(loaded.challenge.id), document: loaded.scenario }];
}

export type AnswerResult = { ok: true; scenario: Scenario } | { ok: false; errors: ValidationError[] };

/** A learner's answer (a scenario document as JSON text, or a share link, or an address holding one), through the one validator. */
export async function loadAnswer(text: string, loaded: LoadedChallenge): Promise<AnswerResult> {
  const bases = answerBases(loaded);
  const res = looksLikeLink(text) ? await decodeShareLink(text, (id) => bases.find((b) => b.id === id)) : parseScenario(text);
  if (res.ok) return { ok: true, scenario: res.scenario };
  return { ok: false, errors: res.errors.map((e) => ({ path: e.path, message: `answer: ${e.message}` })) };
}

/** Every change of the answer that the challenge does not allow (empty: it may be run). */
export function checkAnswer(loaded: LoadedChallenge, answer: Scenario): Disallowed[] {
  return disallowedChanges(loaded.scenario, answer, loaded.challenge.allow);
}

/** What a worker needs to run one seed: plain data, sent once per answer. */
export interface SeedJob {
  scenario: Scenario;
  requirements: Requirement[];
}

/**
 * One run of the learner's scenario with `seed`, judged against every requirement. Never
 * throws: a run that stops early (a limit, an internal error) fails every requirement and
 * says why.
 */
export function runSeed(job: SeedJob, seed: number): SeedOutcome {
  const texts = job.requirements.map(requirementText);
  try {
    const sim = createSim({ ...job.scenario, seed }, { checkpoints: false });
    sim.advanceTo(Math.round(job.scenario.durationMs * 1000));
    const summary = summarize(sim);
    const values = job.requirements.map((r) => measure(r, summary));
    const aborted = summary.aborted?.reason;
    const failed = aborted !== undefined ? texts : texts.filter((_, i) => !meets(job.requirements[i], values[i]));
    return { seed, passed: failed.length === 0, failed, values, trace: summary.trace, events: summary.events, ...(aborted !== undefined && { aborted }) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { seed, passed: false, failed: texts, values: texts.map(() => null), trace: '', events: 0, aborted: `the run failed: ${why}` };
  }
}

/** How many passing runs the goal needs. */
export function runsNeeded(loaded: LoadedChallenge): number {
  return loaded.challenge.goal.inAtLeast ?? loaded.seeds.length;
}

/** Whether the outcomes so far settle the verdict: enough passed, or too many failed to reach it. */
export function decided(loaded: LoadedChallenge, outcomes: readonly SeedOutcome[]): boolean {
  const passed = outcomes.filter((o) => o.passed).length;
  const failed = outcomes.length - passed;
  return passed >= runsNeeded(loaded) || failed > loaded.seeds.length - runsNeeded(loaded);
}

/** The verdict in the `faultline-grade/1` shape, from the runs done (in the goal's seed order). */
export function gradeOutput(loaded: LoadedChallenge, outcomes: readonly SeedOutcome[], disallowed: readonly Disallowed[] = []): GradeOutput {
  const reqs = loaded.challenge.goal.require;
  const texts = reqs.map(requirementText);
  const order = new Map(loaded.seeds.map((s, i) => [s, i]));
  const runs = [...outcomes].sort((a, b) => (order.get(a.seed) ?? 0) - (order.get(b.seed) ?? 0));
  const passedRuns = runs.filter((o) => o.passed).length;
  return {
    format: GRADE_FORMAT,
    challenge: loaded.challenge.id,
    passed: disallowed.length === 0 && passedRuns >= runsNeeded(loaded),
    runs: runs.length,
    passedRuns,
    disallowed: disallowed.map((d) => d.message),
    requirements: texts.map((text) => ({ text, passedRuns: runs.filter((o) => !o.failed.includes(text)).length })),
    seeds: runs.map((o) => ({ seed: o.seed, passed: o.passed, failed: o.failed, values: o.values, trace: o.trace, ...(o.aborted !== undefined && { aborted: o.aborted }) })),
  };
}

/** The output for an answer that could not be graded at all (not a scenario, a bad link). */
export function unreadableOutput(loaded: LoadedChallenge, errors: readonly ValidationError[]): GradeOutput {
  return { ...gradeOutput(loaded, []), errors: errors.map((e) => e.message) };
}

/**
 * Grade an answer in this thread, one seed after another (tests, small scripts; the CLI and
 * the app spread the seeds over workers). With `stopWhenDecided`, stop as soon as the
 * verdict is settled: the output then lists only the runs done.
 */
export function gradeHere(loaded: LoadedChallenge, answer: Scenario, options: { stopWhenDecided?: boolean } = {}): GradeOutput {
  const disallowed = checkAnswer(loaded, answer);
  if (disallowed.length > 0) return gradeOutput(loaded, [], disallowed);
  const job: SeedJob = { scenario: answer, requirements: loaded.challenge.goal.require };
  const outcomes: SeedOutcome[] = [];
  for (const seed of loaded.seeds) {
    outcomes.push(runSeed(job, seed));
    if (options.stopWhenDecided && decided(loaded, outcomes)) break;
  }
  return gradeOutput(loaded, outcomes);
}
