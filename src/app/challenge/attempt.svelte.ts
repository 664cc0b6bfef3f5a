// A learner's attempt at a challenge, as the app holds it while the challenge is open: the
// challenge (its brief, goal, hints), what it lets them change (the inspector, the palette and
// the editor ask here; the document asks `guard` before every change), the check over N seeds,
// the failing seed being replayed, and the answer link to hand in. The attempt is saved under
// the challenges' own key (progress.ts), never over the learner's saved work.

import { encodeShareLink } from '../../scenario/share-link';
import { answerBases, challengeBaseId, checkAnswer } from '../../scenario/challenge/grade';
import { fieldPermission } from '../../scenario/challenge/compare';
import { fieldFacts } from '../../scenario/challenge/fields';
import type { AllowedField, GradeOutput, LoadedChallenge } from '../../scenario/challenge/types';
import type { Scenario } from '../../scenario/types';
import type { NodeSpec } from '../../sim/spec';
import type { ScenarioDoc } from '../scenario-doc';
import { faultUi } from '../faults';
import { pageUrl } from '../routes';
import { ChallengeCheck } from './check.svelte';
import { readProgress, updateAttempt, type Attempt } from './progress';
import { goalWords } from './words';

/** Disallowed changes named in one refusal at most (the rest are counted). */
const MAX_NAMED = 3;

export function asScenario(doc: ScenarioDoc): Scenario {
  return { format: 'faultline/1', ...doc } as unknown as Scenario;
}

export class ChallengeAttempt {
  readonly check: ChallengeCheck;
  /** The learner's answer as it stands (what is on the stage, unless a seed is being replayed). */
  answer = $state.raw<ScenarioDoc>(null as unknown as ScenarioDoc);
  hintsShown = $state(0);
  /** How many of the goal's seeds "Check" runs (the goal needs all of them). */
  seedCount = $state(0);
  /** The seed of the checked answer being replayed on the stage, or null. */
  replaying = $state<number | null>(null);
  /** The answer the last check ran on, for its replays and to say when it has changed since. */
  checked = $state.raw<ScenarioDoc | null>(null);
  /** The answer link from the last Submit (a full address), or null. */
  submitted = $state<string | null>(null);
  /** Why the attempt could not be saved in this browser, or null. */
  saveProblem = $state<string | null>(null);
  /** The last full check's verdict as saved (from an earlier visit too). */
  saved = $state.raw<Attempt | null>(null);

  constructor(
    readonly loaded: LoadedChallenge,
    answer: ScenarioDoc,
    /** Opened from an answer link (someone's submission), not from the learner's own progress. */
    readonly fromLink: boolean,
    check: ChallengeCheck = new ChallengeCheck(),
  ) {
    this.check = check;
    this.answer = answer;
    this.seedCount = loaded.seeds.length;
    this.saved = readProgress()[this.id] ?? null;
    this.hintsShown = Math.min(this.saved?.hintsShown ?? 0, this.hints.length);
  }

  get id(): string {
    return this.loaded.challenge.id;
  }

  get hints(): readonly string[] {
    return this.loaded.challenge.hints ?? [];
  }

  /** The address of this challenge in the app. */
  get hash(): string {
    return `#challenge=${encodeURIComponent(this.id)}`;
  }

  /** The goal's requirements, in words. */
  get requirements(): string[] {
    return goalWords(this.loaded).requirements;
  }

  /** How many runs must pass, in words ("all 20 runs", "18 of 20 runs"). */
  get runsWords(): string {
    return goalWords(this.loaded).runs;
  }

  /** What the learner may change, one sentence each. */
  get allowedWords(): string[] {
    const allow = this.loaded.challenge.allow;
    const out: string[] = [];
    const nodes = this.loaded.scenario.nodes;
    for (const [id, fields] of Object.entries(allow.set ?? {})) {
      const kinds = id === '*' ? [...new Set(nodes.map((n) => n.kind))] : [nodes.find((n) => n.id === id)?.kind].filter((k) => k !== undefined);
      const names = fields.map((f) => fieldWords(f, kinds[0]));
      out.push(`${id === '*' ? 'Every node' : id}: ${names.join(', ')}`);
    }
    if (allow.setMax !== undefined) out.push(`At most ${allow.setMax} ${allow.setMax === 1 ? 'setting' : 'settings'} changed in all`);
    if (allow.addFaults && allow.addFaults.max > 0) {
      const from = allow.addFaults.fromMs !== undefined ? `, from ${allow.addFaults.fromMs / 1000} s on` : '';
      out.push(`Add up to ${allow.addFaults.max} of: ${allow.addFaults.kinds.join(', ')}${from}`);
    }
    if (allow.removeFaults === true) out.push("Remove any of the scenario's faults");
    else if (Array.isArray(allow.removeFaults) && allow.removeFaults.length) out.push(`Remove the scenario's ${allow.removeFaults.join(', ')}`);
    if (allow.addNodes && allow.addNodes.max > 0) out.push(`Add up to ${allow.addNodes.max} nodes: ${allow.addNodes.kinds.join(', ')}`);
    if (!out.length) out.push('Nothing but where nodes are drawn');
    return out;
  }

  // ---- what may change ----------------------------------------------------------------------

  private get replayWords(): string {
    return `This is a replay of seed ${this.replaying} of your checked answer: go back to your answer to change it.`;
  }

  /** Why a node's field is read-only in this challenge, or null when the learner may change it. */
  fieldLock(node: NodeSpec, key: string): string | null {
    if (this.replaying !== null) return this.replayWords;
    const field = key.split('.')[0];
    const p = fieldPermission(this.loaded.scenario, this.loaded.challenge.allow, node, field);
    return p.ok ? null : `Read-only: ${p.why}.`;
  }

  /** Whether the node's field may be shown for the learner to change (fields the player hides included). */
  fieldAllowed(node: NodeSpec, key: string): boolean {
    return this.replaying === null && this.fieldLock(node, key) === null && fieldFacts(node.kind, key.split('.')[0]).learner !== 'always';
  }

  /** What the inspector says above a node's fields: what may change on it, or null (a node the learner added). */
  nodeNote(node: NodeSpec): string | null {
    if (this.replaying !== null) return this.replayWords;
    if (!this.loaded.scenario.nodes.some((n) => n.id === node.id)) return null;
    const allow = this.loaded.challenge.allow.set ?? {};
    const names = [...(allow[node.id] ?? []), ...(allow['*'] ?? [])].map((f) => fieldWords(f, node.kind));
    if (!names.length) return `Nothing on ${node.id} may change in this challenge: its fields are read-only.`;
    return `In this challenge you may change ${node.id}'s ${[...new Set(names)].join(', ')}; the fields marked with a lock are read-only.`;
  }

  /** Why a failure or action of this kind cannot be added now, or null when it can. */
  faultLock(kind: string, doc: ScenarioDoc | null): string | null {
    if (this.replaying !== null) return this.replayWords;
    const add = this.loaded.challenge.allow.addFaults;
    const label = faultUi(kind)?.label ?? kind;
    if (!add || add.max <= 0 || add.kinds.length === 0) return `${label}: this challenge does not let you add failures or actions.`;
    if (!add.kinds.includes(kind)) return `${label}: this challenge lets you add only ${add.kinds.join(', ')}.`;
    const baseIds = new Set(this.loaded.scenario.faults.map((f) => f.id));
    const added = (doc?.faults ?? []).filter((f) => !baseIds.has(f.id)).length;
    if (added >= add.max) return `${label}: you have added the ${add.max === 1 ? 'one' : add.max} this challenge allows; remove one to add another.`;
    return null;
  }

  /** What the palette says: which failures and actions the learner may add. */
  get paletteNote(): string {
    if (this.replaying !== null) return this.replayWords;
    const add = this.loaded.challenge.allow.addFaults;
    if (!add || add.max <= 0 || add.kinds.length === 0) return 'This challenge does not let you add failures or actions.';
    const from = add.fromMs !== undefined ? `, from ${add.fromMs / 1000} s on` : '';
    return `This challenge lets you add ${add.max === 1 ? 'one' : `up to ${add.max}`} of: ${add.kinds.map((k) => faultUi(k)?.label ?? k).join(', ')}${from}.`;
  }

  /** Why the system itself (nodes, sites, links, seed, title, narration) may not be edited, or null. */
  get editorLock(): string | null {
    if (this.replaying !== null) return this.replayWords;
    if (this.loaded.challenge.allow.addNodes && this.loaded.challenge.allow.addNodes.max > 0) return null;
    return 'In this challenge the system itself is fixed: its nodes, sites, links, seed, title and narration may not change. Change what it allows in the inspector and the palette.';
  }

  /**
   * Asked before every change to the document: why it is refused, or null. A change is refused
   * when it makes a change the challenge does not allow; what was already so (an answer link
   * opened with one) is not held against the next change, so it can be put right.
   */
  guard(next: ScenarioDoc): string | null {
    if (this.replaying !== null) return this.replayWords;
    const before = new Set(checkAnswer(this.loaded, asScenario(this.answer)).map((d) => d.message));
    const added = checkAnswer(this.loaded, asScenario(next)).filter((d) => !before.has(d.message));
    if (!added.length) return null;
    const named = added.slice(0, MAX_NAMED).map((d) => d.message);
    const more = added.length > MAX_NAMED ? ` (and ${added.length - MAX_NAMED} more)` : '';
    return `Not allowed: ${named.join('; ')}${more}.`;
  }

  // ---- the learner's answer -------------------------------------------------------------------

  /** The answer changed: saved soon (under the challenges' key), and shown at the challenge's address. */
  changed(doc: ScenarioDoc, schedule: (job: () => Promise<void>) => void): void {
    if (this.replaying !== null) return;
    this.answer = doc;
    this.submitted = null;
    if (location.hash !== this.hash) window.history.replaceState(null, '', this.hash);
    schedule(() => this.save(doc));
  }

  private async link(doc: ScenarioDoc): Promise<string> {
    const base = answerBases(this.loaded).filter((b) => b.id === challengeBaseId(this.id));
    return encodeShareLink(asScenario(doc), {}, base, { onBase: true });
  }

  async save(doc: ScenarioDoc): Promise<void> {
    try {
      this.saveProblem = updateAttempt(this.id, { link: await this.link(doc) });
    } catch (e) {
      this.saveProblem = `Your attempt could not be saved: ${e instanceof Error ? e.message : String(e)}.`;
    }
  }

  showHint(): void {
    if (this.hintsShown >= this.hints.length) return;
    this.hintsShown++;
    this.saveProblem = updateAttempt(this.id, { hintsShown: this.hintsShown });
  }

  /** Check the answer over the first `seedCount` of the goal's seeds, off the page's thread. */
  async runCheck(): Promise<GradeOutput | null> {
    const answer = this.answer;
    const n = Math.max(1, Math.min(this.loaded.seeds.length, Math.round(this.seedCount) || this.loaded.seeds.length));
    const full = n === this.loaded.seeds.length;
    // Fewer seeds: the same requirement of every run (a sample never passes the challenge).
    const loaded: LoadedChallenge = full ? this.loaded : { ...this.loaded, seeds: this.loaded.seeds.slice(0, n), challenge: { ...this.loaded.challenge, goal: { ...this.loaded.challenge.goal, inAtLeast: undefined } } };
    this.checked = answer;
    const out = await this.check.start(loaded, asScenario(answer));
    if (out && full) {
      this.saveProblem = updateAttempt(this.id, { passed: out.passed, passedRuns: out.passedRuns, runs: out.runs });
      this.saved = readProgress()[this.id] ?? null;
    }
    return out;
  }

  /** Whether the answer has changed since the last check began. */
  get changedSinceCheck(): boolean {
    return this.checked !== null && this.checked !== this.answer;
  }

  /** The answer link to hand in (an address of this app holding a `challenge:<id>` link), also kept as the attempt. */
  async submit(): Promise<string> {
    const link = await this.link(this.answer);
    this.saveProblem = updateAttempt(this.id, { link });
    this.submitted = pageUrl('', `#${link}`);
    return this.submitted;
  }

  dispose(): void {
    this.check.reset();
  }
}

function fieldWords(f: AllowedField, kind: NodeSpec['kind'] | undefined): string {
  const name = typeof f === 'string' ? f : f.field;
  const facts = kind ? fieldFacts(kind, name) : undefined;
  const label = facts?.label ?? name;
  if (typeof f === 'string') return label;
  const unit = facts?.unit ? ` ${facts.unit}` : '';
  if (f.values) return `${label} (${f.values.map(String).join(' or ')})`;
  if (f.min !== undefined && f.max !== undefined) return `${label} (${f.min} to ${f.max}${unit})`;
  if (f.min !== undefined) return `${label} (at least ${f.min}${unit})`;
  if (f.max !== undefined) return `${label} (at most ${f.max}${unit})`;
  return label;
}
