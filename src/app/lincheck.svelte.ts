// The linearizability check as the page runs it: in the worker (the page never holds the
// history), on the run as it stands, with the verdict, its explanation and the operations of
// its counterexample kept here for the history view, the narration and the test hook. A
// result belongs to the run it was computed on: any change to the scenario (a fault, an
// edit, a what-if, another scenario) makes it stale, and it is dropped; moving a node is not
// a change to the run.

import type { HistoryWindow } from '../sim/host';
import type { LinearizabilityResult } from '../sim/checks/linearizability';
import type { ScenarioDoc } from './scenario-doc';
import type { SimSession } from './session/session.svelte';
import type { Playback } from './session/playback.svelte';
import { explain, spanOf, type Explanation } from './history/explain';

export type CheckState =
  | { status: 'idle' }
  | { status: 'running'; sinceMs: number }
  | {
      status: 'done';
      /** The history's end when checked (virtual time). */
      atUs: number;
      result: LinearizabilityResult;
      explanation: Explanation | null;
      /** The operations on the counterexample's key around its offenders, as recorded. */
      window: HistoryWindow | null;
    }
  | { status: 'error'; message: string };

/** What decides a run: the document without node positions (and without the narration). */
export function runKey(doc: ScenarioDoc | null): string {
  if (!doc) return '';
  const { narration: _n, ...rest } = doc;
  return JSON.stringify({ ...rest, nodes: doc.nodes.map(({ position: _p, ...n }) => n) });
}

export class LinCheck {
  state = $state.raw<CheckState>({ status: 'idle' });
  /** Whether the history view is open (the narration can open it). */
  open = $state(false);
  exporting = $state(false);
  /** For tests: a smaller step budget shows the `unknown` verdict. Undefined: the host's default. */
  budgetSteps: number | undefined = undefined;
  private checkedKey = '';
  private gen = 0;
  /** Recomputed only when the document changes. */
  private readonly docKey: string;

  constructor(
    private readonly session: SimSession,
    private readonly playback: Playback,
  ) {
    this.docKey = $derived(runKey(this.session.document.doc));
  }

  /** The current state, unless it is about another run than the one on screen. */
  get current(): CheckState {
    const s = this.state;
    if ((s.status === 'done' || s.status === 'error') && this.checkedKey !== this.docKey) return { status: 'idle' };
    return s;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  /** Check the history so far. Playback pauses: the verdict is about one moment of the run. */
  async check(): Promise<void> {
    if (this.running || !this.session.document.doc) return;
    this.playback.pause();
    const gen = ++this.gen;
    const key = this.docKey;
    this.state = { status: 'running', sinceMs: performance.now() };
    const budgetSteps = this.budgetSteps;
    try {
      const answer = await this.session.query(async (api) => {
        const result = await api.linearizability(budgetSteps === undefined ? {} : { budgetSteps });
        // The offenders first from the result alone, to know where to look; then the
        // recorded operations there (the nodes that served them), in the same turn, so the
        // run cannot move in between.
        const first = explain(result, []);
        const span = first ? spanOf(first.offenders) : { fromUs: 0, toUs: 0 };
        const window = await api.historyWindow(first ? { ...span, key: first.key } : { fromUs: 0, toUs: 0, maxOps: 1 });
        return { result, window };
      });
      if (gen !== this.gen) return;
      if (!answer) {
        this.state = { status: 'idle' };
        return;
      }
      const { result, window } = answer;
      const explanation = explain(result, window.ops);
      this.checkedKey = key;
      this.state = { status: 'done', atUs: window.nowUs, result, explanation, window: explanation ? window : null };
    } catch (e) {
      if (gen !== this.gen) return;
      this.checkedKey = key;
      this.state = { status: 'error', message: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Forget the result (a new scenario). */
  reset(): void {
    this.gen++;
    this.state = { status: 'idle' };
  }

  /**
   * The history so far as a JSON file for `npm run lincheck`: built in the worker in chunks
   * of text and joined into a Blob, so the page never parses or holds the entries.
   */
  async exportHistory(): Promise<Blob | null> {
    if (this.exporting || !this.session.document.doc) return null;
    this.playback.pause();
    this.exporting = true;
    try {
      const chunks = await this.session.query((api) => api.historyJson());
      return chunks ? new Blob(chunks, { type: 'application/json' }) : null;
    } finally {
      this.exporting = false;
    }
  }
}
