// The playground as the app runs it: what is shown (the library, a scenario, a bad link),
// the session on the stage and its clock, a comparison beside it, the learner's selection,
// undo and redo, autosave, the guided tour and the linearizability check. Every way of
// opening a scenario (the address, the Scenario menu, a link, pasted JSON, a file, a new
// blank one) goes through one `open`. App.svelte lays this out; components read it from
// context (context.ts).
//
// The learner's changes (faults, edits, positions, what-ifs) are recorded for undo and
// autosaved; opening anything never overwrites that, and a bad link loads nothing.

import { BUILT_INS, builtIn } from '../scenario/library';
import { encodeShareLink, type LinkView } from '../scenario/share-link';
import { readLinkOffThread } from './link-reader';
import { abandonEarly, adoptRead, type EarlyStart } from './boot';
import { applyWhatIf, whatIfsOf, type WhatIf } from '../scenario/what-if';
import type { Comparison as ComparisonSpec } from '../scenario/compare';
import type { ValidationIssue } from '../sim/host';
import type { Anomaly } from '../sim/checks/checker';
import { SimSession } from './session/session.svelte';
import { Playback } from './session/playback.svelte';
import { Comparison } from './compare/comparison.svelte';
import { PendingSave, readWork, writeWork, type SavedWork } from './autosave';
import { EditHistory } from './history.svelte';
import { Tour } from './tour.svelte';
import { LinCheck } from './lincheck.svelte';
import type { EditResult } from './edit-doc';
import type { FaultDraft, ScenarioDoc } from './scenario-doc';
import type { StageTarget } from './stage/layout';
import type { Route } from './routes';
import { loadBuiltInChallenge } from '../scenario/challenge/library';
import type { LoadedChallenge } from '../scenario/challenge/types';
import { ChallengeAttempt, asScenario } from './challenge/attempt.svelte';
import { readProgress } from './challenge/progress';
import { challengeOfBase } from './challenge/words';

/** Autosave waits this long after the last change (a drag makes many). */
export const AUTOSAVE_DELAY_MS = 400;

/** Anything the playground can open. */
export type OpenSource =
  | Route
  /** A document the learner brought (pasted, or a file's text): their own work from now on. */
  | { kind: 'text'; text: string }
  /** A new, nearly empty scenario to build on in editor mode. */
  | { kind: 'blank' };

export type View = 'library' | 'play' | 'bad-link';

const BLANK = {
  format: 'faultline/1',
  title: 'My scenario',
  seed: 1,
  durationMs: 60000,
  sites: [{ id: 'site1' }],
  nodes: [
    { id: 'db1', kind: 'database', site: 'site1', role: 'primary' },
    { id: 'app1', kind: 'client', site: 'site1', target: 'db1', writesPerSec: 10, readsPerSec: 10 },
  ],
  faults: [],
};

export class Playground {
  readonly playback = new Playback();
  readonly main: SimSession;
  readonly tour: Tour;
  readonly lincheck: LinCheck;
  readonly history = new EditHistory<ScenarioDoc>();
  readonly autosave = new PendingSave(AUTOSAVE_DELAY_MS);
  /** The challenge being attempted, if one is open (its changes are saved as its attempt, not as #mine). */
  challenge = $state.raw<ChallengeAttempt | null>(null);
  /** The comparison beside the run, if one is open. */
  compare = $state.raw<Comparison | null>(null);
  view = $state<View>('library');
  /** The part of the library asked for (#challenges), to bring into view; null for its top. */
  librarySection = $state<'challenges' | null>(null);
  /** The built-in shown as written, or '' (the learner's own scenario). */
  chosen = $state('');
  selected = $state<string | null>(null);
  selectedAnomaly = $state.raw<Anomaly | null>(null);
  selectedFault = $state<string | null>(null);
  /** Where a failure being dragged from the palette would land. */
  dropTarget = $state.raw<StageTarget | null>(null);
  editing = $state(false);
  work = $state.raw<SavedWork | null>(readWork());
  saveProblem = $state<string | null>(null);
  /** Why the link (or built-in) in the address could not be opened. */
  linkErrors = $state.raw<ValidationIssue[]>([]);
  /** Why a pasted or imported document could not be opened. */
  importErrors = $state.raw<ValidationIssue[]>([]);
  /** How to take back each what-if applied in this session. */
  reverts = $state.raw<Map<string, WhatIf>>(new Map());
  /** What is being read (a link, the saved work), or null. */
  opening = $state<string | null>(null);
  private openGen = 0;
  /** What the page's entry started for the address (boot.ts): the first open of its link adopts the read. */
  private early: EarlyStart | null;

  /**
   * `early`: the worker, link read and load the page's entry started (boot.ts). `first`: the
   * route the page opens with; a scenario's page shows its layout at once (the link is read
   * meanwhile), not the library first.
   */
  constructor(early: EarlyStart | null = null, first?: Route) {
    this.early = early;
    this.main = new SimSession(this.playback, early);
    this.tour = new Tour(this.main, this.playback);
    this.lincheck = new LinCheck(this.main, this.playback);
    if (first && first.kind !== 'library') this.view = 'play';
    // Every change the learner makes: recorded for undo, and saved as their own work.
    this.main.document.onedit = (before, label) => {
      this.history.push(before, label);
      this.touched();
    };
  }

  get doc(): ScenarioDoc | null {
    return this.main.document.doc;
  }

  /**
   * The scenario's what-ifs, to apply or to compare with: none in a challenge, whose scenario's
   * what-ifs could hand out the answer (the what-if panel and Compare… both read them here).
   */
  get whatIfs(): WhatIf[] {
    return this.challenge ? [] : whatIfsOf(this.doc);
  }

  /** The nodes to ring: the selected anomaly's, or the narration's focus. */
  get highlight(): ReadonlySet<string> {
    return new Set(this.selectedAnomaly ? this.selectedAnomaly.nodes : (this.tour.current?.focus ?? []));
  }

  get highlightOps(): ReadonlySet<string> {
    return new Set(this.selectedAnomaly?.ops ?? []);
  }

  // ---- opening --------------------------------------------------------------------------------

  /** Open anything; the one way in. Resolves to false when it could not be opened (nothing changed then). */
  async open(source: OpenSource): Promise<boolean> {
    const gen = ++this.openGen;
    this.opening = null;
    // Anything but the address's link, opened first: the entry's read of it is not loaded.
    if (source.kind !== 'link' && source.kind !== 'mine') this.dropEarly();
    // The last edit is saved now, before anything else is opened (and #mine reads it back).
    if (this.autosave.pending) {
      await this.autosave.flush();
      if (gen !== this.openGen) return false;
    }
    if (source.kind !== 'text') this.linkErrors = [];
    if (source.kind === 'library') {
      this.tour.leave();
      this.playback.pause();
      this.view = 'library';
      this.librarySection = source.section ?? null;
      return true;
    }
    let document: unknown;
    let view: LinkView = {};
    let chosen = '';
    let own = false;
    let challenge: LoadedChallenge | null = null;
    let fromLink = false;
    let notice: string | null = null;
    if (source.kind === 'builtin') {
      const b = builtIn(source.id);
      if (!b) return this.refuse([{ path: '', message: `there is no built-in scenario '${source.id}' in this version of Faultline` }]);
      document = b.document;
      chosen = b.id;
    } else if (source.kind === 'challenge') {
      challenge = loadBuiltInChallenge(source.id) ?? null;
      if (!challenge) return this.refuse([{ path: '', message: `there is no built-in challenge '${source.id}' in this version of Faultline` }]);
      document = challenge.scenario;
      // The learner's attempt, kept under the challenges' own key, if they made one.
      const saved = readProgress()[challenge.challenge.id]?.link;
      if (saved !== undefined) {
        this.opening = 'your attempt';
        const u = await readLinkOffThread(saved).finally(() => gen === this.openGen && (this.opening = null));
        if (gen !== this.openGen) return false;
        if (u.ok) document = u.document;
        else notice = `Your saved attempt could not be opened (${u.errors[0]?.message ?? 'unknown'}), so the challenge starts as written. Your next change replaces the saved attempt.`;
      }
    } else if (source.kind === 'mine' || source.kind === 'link') {
      const link = source.kind === 'mine' ? readWork()?.link : source.link;
      if (link === undefined) {
        this.view = 'library';
        this.main.notice = 'There is no saved work in this browser yet: pick a scenario to start from.';
        return false;
      }
      // Read in a worker of its own: no link, however large or hostile, blocks the page. The
      // page's entry may have started reading it already (and loading it).
      this.opening = source.kind === 'mine' ? 'your work' : 'the link';
      const early = adoptRead(this.early, link);
      if (early) this.early = null;
      else this.dropEarly();
      const u = await (early ?? readLinkOffThread(link)).finally(() => gen === this.openGen && (this.opening = null));
      if (gen !== this.openGen) return false;
      if (!u.ok) return this.refuse(u.errors);
      document = u.document;
      view = u.view;
      // An answer to a built-in challenge (a link built on `challenge:<id>`) opens as that challenge.
      const id = challengeOfBase(u.base);
      if (id !== null) {
        challenge = loadBuiltInChallenge(id) ?? null;
        fromLink = true;
      }
    } else if (source.kind === 'text') {
      document = source.text;
      own = true;
    } else {
      document = BLANK;
      own = true;
    }
    if (own) void this.autosave.flush();
    // A document the learner brought replaces what is shown only once it loads; anything else
    // takes the stage at once (a bad link then shows what is wrong instead).
    if (source.kind !== 'text') {
      this.reset(source.kind === 'blank');
      this.chosen = chosen;
    }
    const ok = await this.main.document.load(document, { atUs: view.atMs !== undefined ? Math.round(view.atMs * 1000) : undefined });
    if (gen !== this.openGen) return false;
    if (!ok) {
      // Overtaken by a newer load (or the worker failed, which says so itself): nothing is
      // wrong with this document, and whatever overtook it is what the stage shows now.
      if (this.main.errors.length === 0) return false;
      // Through the validator like any document: say what is wrong, load nothing.
      const errors = this.main.errors;
      this.main.errors = [];
      if (source.kind !== 'text') return this.refuse(errors);
      this.importErrors = errors;
      return false;
    }
    if (source.kind === 'text') {
      this.importErrors = [];
      this.reset(false);
    }
    this.chosen = chosen;
    if (challenge && this.doc) this.setChallenge(new ChallengeAttempt(challenge, this.doc, fromLink));
    if (notice) this.main.notice = notice;
    if (view.selected && this.doc?.nodes.some((n) => n.id === view.selected)) this.selected = view.selected;
    if (view.compare) await this.openCompareFromLink(view.compare);
    if (own) this.touched();
    return true;
  }

  /** The entry's start is the first open's only: later ones read and load afresh. */
  private dropEarly(): void {
    abandonEarly(this.early);
    this.early = null;
  }

  /** The address's fragment changed (or the page opened): show what it asks for. */
  route(r: Route): Promise<boolean> {
    return this.open(r);
  }

  /** Another scenario takes the stage: nothing of the last one's selection, history or comparison stays. */
  private reset(editing: boolean): void {
    this.view = 'play';
    this.setChallenge(null);
    this.closeCompare();
    this.resetSelection();
    this.tour.leave();
    this.history.clear();
    if (editing) this.editing = true;
  }

  /** The challenge being attempted (null: none); the document asks it before each change. */
  private setChallenge(a: ChallengeAttempt | null): void {
    this.challenge?.dispose();
    this.challenge = a;
    this.main.document.guard = a ? (next) => a.guard(next) : null;
  }

  /** Show one seed of the checked answer on the stage (a failing one, say); nothing can change until the learner goes back. */
  async replaySeed(seed: number): Promise<boolean> {
    const ch = this.challenge;
    const doc = ch?.checked;
    if (!ch || !doc) return false;
    await this.autosave.flush();
    this.playback.pause();
    this.closeCompare();
    // The same nodes in another run: the selected node stays, what happened in the last run does not.
    this.selectedAnomaly = null;
    this.selectedFault = null;
    this.history.clear();
    ch.replaying = seed;
    const ok = await this.main.document.load(asScenario({ ...doc, seed }));
    if (!ok) {
      ch.replaying = null;
      this.main.notice = `Seed ${seed} could not be replayed: ${this.main.errors.map((e) => e.message).join('; ')}`;
      this.main.errors = [];
      await this.main.document.load(asScenario(ch.answer));
    }
    return ok;
  }

  /** Back from a replay to the learner's answer, as they left it. */
  async backToAnswer(): Promise<boolean> {
    const ch = this.challenge;
    if (!ch) return false;
    ch.replaying = null;
    this.selectedAnomaly = null;
    this.selectedFault = null;
    return this.main.document.load(asScenario(ch.answer));
  }

  private refuse(errors: ValidationIssue[]): false {
    this.linkErrors = errors;
    this.view = 'bad-link';
    return false;
  }

  private resetSelection(): void {
    this.selected = null;
    this.selectedAnomaly = null;
    this.selectedFault = null;
    this.reverts = new Map();
    this.lincheck.reset();
  }

  // ---- the learner's work -----------------------------------------------------------------------

  /** A change to the document: the address says it is the learner's own work, and it is saved soon. */
  touched(): void {
    const ch = this.challenge;
    if (!ch && location.hash !== '#mine') window.history.replaceState(null, '', '#mine');
    this.chosen = '';
    // What is saved is what was edited, as it is now: not whatever is loaded when the save runs.
    const doc = this.doc;
    if (!doc) return;
    const c = this.compare;
    const view: LinkView = { atMs: this.playback.positionUs / 1000, selected: this.selected ?? undefined, ...(c && { compare: { title: c.title, changes: c.changes } }) };
    // A challenge's attempt is kept apart from the learner's own work, never over it.
    if (ch) ch.changed(doc, (job) => this.autosave.schedule(job));
    else this.autosave.schedule(() => this.save(doc, view));
    // B is always A with the comparison's changes.
    if (c) void c.follow(doc, c.title, c.changes);
  }

  private async save(doc: ScenarioDoc, view: LinkView): Promise<void> {
    try {
      const link = await encodeShareLink({ format: 'faultline/1', ...doc }, view, BUILT_INS);
      this.saveProblem = writeWork({ link, title: doc.title ?? 'Untitled scenario' });
    } catch (e) {
      this.saveProblem = `Your work could not be saved: ${e instanceof Error ? e.message : String(e)}. Export it as a JSON file.`;
    }
    if (!this.saveProblem) this.work = readWork();
  }

  addFault(draft: FaultDraft): Promise<boolean> {
    return this.main.document.addFault(draft);
  }

  /** An editor change: load the new document at the current moment; undoable. */
  async edit(r: EditResult, label: string): Promise<boolean> {
    if (!r.ok) {
      this.main.notice = r.error;
      return false;
    }
    const before = this.doc;
    if (!before) return false;
    const ok = await this.main.document.replace(r.doc);
    if (ok) {
      this.history.push(before, label);
      this.touched();
    }
    return ok;
  }

  async applyFix(w: WhatIf): Promise<boolean> {
    const doc = this.doc;
    if (!doc) return false;
    const inverse = inverseOf(doc, w);
    const ok = await this.edit({ ok: true, doc: applyWhatIf(doc, w) }, `what if: ${w.title}`);
    if (ok) this.reverts = new Map(this.reverts).set(w.id, inverse);
    return ok;
  }

  async revertFix(w: WhatIf): Promise<boolean> {
    const inv = this.reverts.get(w.id);
    const doc = this.doc;
    if (!inv || !doc) return false;
    const ok = await this.edit({ ok: true, doc: applyWhatIf(doc, inv) }, `take back: ${w.title}`);
    if (ok) {
      const next = new Map(this.reverts);
      next.delete(w.id);
      this.reverts = next;
    }
    return ok;
  }

  async undo(): Promise<void> {
    const doc = this.doc;
    if (!doc || this.main.busy) return;
    const step = this.history.undo(doc);
    if (!step) return;
    if (await this.main.document.replace(step.doc)) {
      this.main.notice = `Undone: ${step.label}.`;
      this.touched();
    }
  }

  async redo(): Promise<void> {
    const doc = this.doc;
    if (!doc || this.main.busy) return;
    const step = this.history.redo(doc);
    if (!step) return;
    if (await this.main.document.replace(step.doc)) {
      this.main.notice = `Redone: ${step.label}.`;
      this.touched();
    }
  }

  /** The scenario as a JSON file, named after its title. */
  exportScenario(): void {
    const doc = this.doc;
    if (!doc) return;
    const blob = new Blob([JSON.stringify({ format: 'faultline/1', ...doc }, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    const slug = (doc.title ?? 'scenario').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
    a.download = `${slug}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // ---- looking around ---------------------------------------------------------------------------

  selectAnomaly(a: Anomaly): void {
    this.selectedAnomaly = a;
    this.playback.pause();
    this.playback.seek(a.atUs / 1000);
  }

  /** Take the playground to an operation's moment and select the node that served it. */
  showMoment(atUs: number, node: string | null): void {
    this.playback.pause();
    this.selectedAnomaly = null;
    this.selected = node !== null && this.doc?.nodes.some((n) => n.id === node) ? node : null;
    this.playback.seek(atUs / 1000);
  }

  clearSelection(): void {
    this.selectedAnomaly = null;
    this.selectedFault = null;
    this.selected = null;
  }

  // ---- comparing --------------------------------------------------------------------------------

  /**
   * Show the run beside the same scenario with `spec`'s changes (a what-if, a parameter, an
   * added fault or action), checked by the validator against the document first. Returns the
   * problems, or [] when it is open.
   */
  async openCompare(spec: ComparisonSpec): Promise<string[]> {
    const doc = this.doc;
    if (!doc) return ['there is no scenario to compare'];
    const { validateComparison } = await import('../scenario/validate');
    const res = validateComparison({ ...doc, format: 'faultline/1' }, spec, 'the comparison');
    if (!res.ok) return res.errors.map((e) => e.message);
    this.closeCompare();
    const c = new Comparison(this.main, this.playback);
    this.compare = c;
    this.playback.pause();
    if (!(await c.follow(doc, res.title, res.changes))) {
      const why = c.session.notice ?? c.session.errors.map((e) => e.message).join('; ');
      this.closeCompare();
      return [why || 'the second run could not be loaded'];
    }
    return [];
  }

  private async openCompareFromLink(spec: LinkView['compare'] & object): Promise<void> {
    const problems = await this.openCompare(spec as ComparisonSpec);
    if (problems.length) this.main.notice = `The link's comparison could not be opened: ${problems.join('; ')}`;
  }

  closeCompare(): void {
    const c = this.compare;
    if (!c) return;
    this.compare = null;
    c.dispose();
  }

  dispose(): void {
    this.setChallenge(null);
    this.closeCompare();
    this.main.dispose();
  }
}

/** The changes that undo `w` on `doc`: the fields it sets back as they were, its faults out, removed ones back. */
export function inverseOf(doc: ScenarioDoc, w: WhatIf): WhatIf {
  const changes: WhatIf['changes'] = [];
  for (const c of w.changes) {
    if (c.node !== undefined && c.set) {
      const n = doc.nodes.find((x) => x.id === c.node) as unknown as Record<string, unknown> | undefined;
      if (n) changes.push({ node: c.node, set: Object.fromEntries(Object.keys(c.set).map((k) => [k, n[k] ?? null])) });
    } else if (c.addFault && typeof c.addFault.id === 'string') {
      if (!doc.faults.some((f) => f.id === c.addFault!.id)) changes.push({ removeFault: c.addFault.id });
    } else if (c.removeFault) {
      const f = doc.faults.find((x) => x.id === c.removeFault);
      if (f) changes.push({ addFault: { ...f } as Record<string, unknown> });
    }
  }
  return { id: `undo-${w.id}`, title: w.title, changes };
}
