// One simulation as the page shows it on one stage: its worker (WorkerChannel), what the page
// holds of its run (RunBuffers), its document and the learner's changes to it (DocumentEdits),
// and where its run is (Playhead), moved by a Playback clock that may drive another session
// in lock-step (a comparison). A worker that dies or hangs is replaced and the document
// reloaded, so the page stays usable.

import type { ValidationIssue } from '../../sim/host';
import { StoppedError, WorkerChannel, type Api, type WorkInProgress } from './worker-channel.svelte';
import { RunBuffers } from './run-buffers.svelte';
import { DocumentEdits } from './document.svelte';
import { Playhead, seconds } from './playhead.svelte';
import type { Playback } from './playback.svelte';
import type { EarlyStart } from '../boot';

export class SimSession {
  readonly run = new RunBuffers();
  readonly channel: WorkerChannel;
  readonly document: DocumentEdits;
  readonly head: Playhead;
  errors = $state.raw<ValidationIssue[]>([]);
  /** A sentence about a run that stopped (a limit, a crashed worker). */
  failure = $state<string | null>(null);
  /** A sentence about the last action that could not be done (a refused fault, ...). */
  notice = $state<string | null>(null);
  /** True while a long request (a reload, a scan) is being worked on. */
  busy = $state(false);

  /** `early`: the worker the page's entry started (boot.ts), taken over by the page's first session. */
  constructor(
    readonly playback: Playback,
    early: EarlyStart | null = null,
  ) {
    this.channel = new WorkerChannel(
      (f) => this.head.apply(f),
      (why) => this.restarted(why),
      (p) => this.head.noteRunAhead(p.runAhead),
      early,
    );
    this.document = new DocumentEdits(this);
    this.head = new Playhead(
      this.channel,
      this.run,
      () => this.document.endUs,
      (b) => (this.busy = b),
      (f) => {
        if (!f.aborted) return;
        this.playback.pause();
        // A limit's sentence says when itself ("... at t = 2.1 s"); an internal error's does not.
        const why = f.aborted.kind === 'limit' ? f.aborted.reason : `at ${(f.aborted.atUs / 1e6).toFixed(3)} s: ${f.aborted.reason}`;
        this.failure = `The run stopped${f.aborted.kind === 'limit' ? ': ' : ' '}${why}. Rewind, or change the scenario.`;
      },
      () => this.playback.playing,
    );
    playback.attach(this);
  }

  get frame() {
    return this.run.frame;
  }

  get doc() {
    return this.document.doc;
  }

  /** Go to `us` (already within the run). */
  seekTo(us: number): void {
    this.head.seek(us);
  }

  /** The document loaded: the clock starts from its first frame. */
  loaded(): void {
    this.playback.sessionLoaded(this);
  }

  /** Ask the worker something about the run (a history window, a check, a summary). */
  query<T>(fn: (api: Api) => Promise<T>): Promise<T | null> {
    return this.channel.query(fn);
  }

  /** What the worker has been working on for over a second, or null (shown with a Stop). */
  get slow(): WorkInProgress | null {
    return this.channel.slow;
  }

  /**
   * Nothing asked of the worker is outstanding or waiting, and no seek is on its way: what the
   * page shows is where it will stay (for tests and tools that wait on a state, not on time).
   */
  get idle(): boolean {
    return this.channel.idle && !this.busy && !this.head.loading && this.head.pendingSeekUs === null;
  }

  /**
   * Stop the request the worker is working on (a replay that takes too long, a stuck
   * computation): the worker is replaced by a fresh one, and the learner's document (their
   * faults, edits and positions) is loaded again at the last moment the page showed. A stuck
   * replay of that moment itself (after an edit, or after a stop) has shown only t = 0 since
   * the reload, so that is where it goes back to.
   */
  stop(): void {
    const atUs = this.run.frame?.nowUs ?? 0;
    this.stopAtUs = atUs;
    const what = this.channel.stop();
    if (what !== null) this.notice = `Stopped ${what}. The run is back at ${seconds(atUs)}, the last moment shown; your scenario is as you left it.`;
  }

  /** Where a stop goes back to (the last moment shown when it was asked). */
  private stopAtUs = 0;

  /** The worker was replaced (stopped, failed or hung): the document is loaded again as the learner left it. */
  private restarted(why: Error): void {
    const stopped = why instanceof StoppedError;
    if (!stopped) this.failure = `The simulation stopped: ${why.message.replace(/^the simulation stopped: /, '')}. It has been restarted from the beginning of the run.`;
    this.playback.pause();
    this.busy = false;
    this.head.loading = false;
    // The document as the learner left it (their faults and positions included); after a
    // failure from t = 0: going back to where it failed could fail the same way.
    const doc = this.document.doc ? { format: 'faultline/1', ...this.document.doc } : this.document.lastDocument;
    if (doc !== null) void this.document.load(doc, { keepFailure: true, sameWork: true, atUs: stopped ? this.stopAtUs : 0 });
  }

  dispose(): void {
    this.playback.detach(this);
    this.head.dispose();
    this.channel.dispose();
  }
}
