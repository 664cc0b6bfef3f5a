// A comparison on the page: a second session (run B: the learner's document with a few
// what-if changes) on the playground's clock, so both stages show the same moment; the first
// moment the runs part (computed in a worker of its own); and the difference between them so
// far, read from both runs' summaries ("36 lost writes -> 0").

import type { RunSummary } from '../../sim/report';
import { applyWhatIf, type WhatIfChange } from '../../scenario/what-if';
import { diffSummaries, type DiffRow } from '../../scenario/compare';
import type { ScenarioDoc } from '../scenario-doc';
import { SimSession } from '../session/session.svelte';
import type { Playback } from '../session/playback.svelte';
import { divergence } from './divergence';

/** While playing, the difference is read again at most this often (wall ms): each reading asks both workers for a summary. */
const REFRESH_PLAYING_MS = 1_000;
/** After a seek or a pause, it waits this long for the moment to settle. */
const REFRESH_SETTLE_MS = 150;

export class Comparison {
  readonly session: SimSession;
  title = $state('');
  changes = $state.raw<WhatIfChange[]>([]);
  /** The first moment the runs differ (µs); null: they never do; undefined: not known yet. */
  divergedAtUs = $state<number | null | undefined>(undefined);
  divergenceError = $state<string | null>(null);
  /** The difference so far (both runs at `rowsAtUs`), every row. */
  rows = $state.raw<DiffRow[]>([]);
  rowsAtUs = $state<number | null>(null);
  private abort = new AbortController();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRefreshMs = 0;
  private refreshGen = 0;

  constructor(
    readonly main: SimSession,
    playback: Playback,
  ) {
    this.session = new SimSession(playback);
  }

  /**
   * Show B for `doc` (A's document) with `changes`, at A's moment. A change to A (an edit, an
   * undo) calls this again: B is always A with the changes.
   */
  async follow(doc: ScenarioDoc, title: string, changes: WhatIfChange[]): Promise<boolean> {
    this.title = title;
    this.changes = changes;
    const b = applyWhatIf(doc, { id: 'compare', title, changes });
    const ok = await this.session.document.load({ ...b, format: 'faultline/1' }, { atUs: this.main.head.positionUs, sameWork: true });
    if (!ok) return false;
    this.divergedAtUs = undefined;
    this.divergenceError = null;
    this.abort.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    divergence(doc, this.session.document.doc!, signal).then(
      (us) => {
        if (!signal.aborted) this.divergedAtUs = us;
      },
      (e: unknown) => {
        if (!signal.aborted) this.divergenceError = e instanceof Error ? e.message : String(e);
      },
    );
    this.scheduleRefresh(false);
    return true;
  }

  /** Read the difference again soon (both runs have moved). */
  scheduleRefresh(playing: boolean): void {
    clearTimeout(this.refreshTimer);
    const waitMs = playing ? Math.max(0, this.lastRefreshMs + REFRESH_PLAYING_MS - performance.now()) : REFRESH_SETTLE_MS;
    this.refreshTimer = setTimeout(() => void this.refresh(), waitMs);
  }

  /** Both runs' summaries as they stand, and the rows that compare them. */
  async refresh(): Promise<void> {
    const gen = ++this.refreshGen;
    this.lastRefreshMs = performance.now();
    try {
      const [a, b] = await Promise.all([this.main.query((api) => api.summary()), this.session.query((api) => api.summary())]);
      if (gen !== this.refreshGen || !a || !b) return;
      this.rows = diffSummaries(a as RunSummary, b as RunSummary);
      this.rowsAtUs = Math.min(this.main.run.nowUs, this.session.run.nowUs);
    } catch {
      // A worker that died is replaced and reloaded; the next reading will do.
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.abort.abort();
    this.session.dispose();
  }
}
