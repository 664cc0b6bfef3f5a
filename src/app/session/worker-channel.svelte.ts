// The page's line to one simulation worker. It keeps at most one request outstanding: a
// newer wish for a frame replaces an older one not yet sent (superseded requests are dropped,
// never applied late), while changes to the scenario and questions about the run are queued
// and never dropped, and go before any waiting frame request. A worker that fails, or does not
// answer in WORKER_TIMEOUT_MS, is replaced; whoever owns the channel is told, to reload.

import * as Comlink from 'comlink';
import type { Frame, LoadResult, Pending, SimApi } from '../../sim/host';
import { adoptLoad, type EarlyStart } from '../boot';
import { spawnSimWorker } from '../sim-worker';

/** A request the worker has not answered by then is taken for a hang: the worker is replaced. */
export const WORKER_TIMEOUT_MS = 30_000;
/** A request outstanding this long is shown as work in progress, with a way to stop it. */
const SLOW_CALL_MS = 1_000;
/** Worker round-trip times kept for the benchmark. */
const MAX_TIMINGS = 10_000;

export type Api = Comlink.Remote<SimApi>;
/**
 * A request for a frame: superseded by a newer one while it waits. Null: nothing to apply.
 * `pending` (a seek the run has not reached yet): asked again unless a newer wish came.
 */
export type FrameJob = (api: Api) => Promise<Frame | Pending | null>;
/** A change or a question: never dropped. */
export type Mutation = (api: Api) => Promise<void>;

/** The request the worker is working on: what it is doing, in words, and since when (wall ms). */
export interface WorkInProgress {
  what: string;
  sinceMs: number;
}

/** Why a request ended without an answer: the learner stopped it (the worker was replaced). */
export class StoppedError extends Error {}

export class WorkerChannel {
  /** Request-to-answer times of recent worker calls, in ms (read by the benchmark). */
  readonly workerMs: number[] = [];
  /** True while the channel works through requests. */
  running = $state(false);
  /**
   * A request the worker has been working on for over a second (a heavy replay, a stuck
   * computation), or null: the page shows it, with a Stop that ends it (`stop`).
   */
  slow = $state.raw<WorkInProgress | null>(null);
  /** How long a request may take before the worker is taken for hung (a test may lengthen it). */
  watchdogMs = WORKER_TIMEOUT_MS;

  private worker!: Worker;
  private api!: Api;
  private next: FrameJob | null = null;
  private mutations: Mutation[] = [];
  /** Callers of `query` still waiting: a dead worker never answers them, so they are told. */
  private askers = new Set<(e: Error) => void>();
  /** Bumped by a load or a restart: answers to older requests are not applied. */
  generation = 0;
  /** Identifies the one loop sending requests; a restart orphans the old one. */
  private drainToken = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;
  private current: WorkInProgress | null = null;
  /** Rejects the request in progress: a stopped or crashed worker never answers it. */
  private abortCurrent: ((e: Error) => void) | null = null;
  /** What the frame request waiting to be sent does, in words. */
  private nextWhat = '';
  /** The work a pending seek's repeated calls belong to (see `drain`), and the last call's. */
  private chain: WorkInProgress | null = null;
  private lastWork: WorkInProgress | null = null;

  /**
   * `onframe` applies a frame a request brought (if its generation is still current);
   * `onrestart` hears that the worker was replaced, and why: a StoppedError when the learner
   * stopped it, any other error when it failed or hung.
   */
  constructor(
    private readonly onframe: (f: Frame) => void,
    private readonly onrestart: (why: Error) => void,
    /** Hears a seek's `pending` answer (how far the run has got), before it is asked again. */
    private readonly onpending: (p: Pending) => void = () => {},
    /** The worker the page's entry started (boot.ts), with a load perhaps on its way: taken over. */
    private early: EarlyStart | null = null,
  ) {
    this.spawn();
  }

  private spawn(): void {
    const early = this.early;
    this.worker = early?.worker ?? spawnSimWorker();
    this.worker.addEventListener('error', (e) => this.crashed(e.message || 'the simulation worker failed'));
    this.api = early?.api ?? Comlink.wrap<SimApi>(this.worker);
    // It failed before this listener was there: replaced at once, as it would have been.
    if (early?.failure) queueMicrotask(() => this.early === early && this.crashed(early.failure!));
  }

  /**
   * Load `document`: the answer to the load the page's entry already asked for, when it is that
   * very document (the link in the address, read), else a new request.
   */
  load(api: Api, document: unknown): Promise<LoadResult> {
    return adoptLoad(this.early, document) ?? api.load(document);
  }

  /** The worker died or hung: replace it and tell the owner. */
  crashed(reason: string): void {
    this.restart(new Error(`the simulation stopped: ${reason}`));
  }

  /**
   * Stop the request the worker is working on (a replay that takes too long, a stuck
   * computation): the worker is replaced by a fresh one. Returns what it was doing, or null
   * when nothing was outstanding.
   */
  stop(): string | null {
    const what = this.current?.what ?? null;
    if (what !== null) this.restart(new StoppedError(`stopped while ${what}`));
    return what;
  }

  /** Replace the worker: whatever was outstanding or waiting is rejected with `why`, never answered. */
  private restart(why: Error): void {
    // Nothing the entry started outlives the worker it started it on.
    this.early = null;
    this.endCall();
    this.abortCurrent?.(why);
    this.abortCurrent = null;
    this.generation++;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
    this.spawn();
    this.running = false;
    this.drainToken++;
    this.next = null;
    this.chain = null;
    this.mutations = [];
    for (const reject of this.askers) reject(why);
    this.askers.clear();
    this.onrestart(why);
  }

  /** Answers to every request made so far are dropped from now on (a new document). */
  newGeneration(): number {
    this.next = null;
    return ++this.generation;
  }

  /**
   * A request, saying what it does: shown after a second as work in progress (with a Stop),
   * and with a watchdog: a worker that does not answer in time is taken for dead.
   */
  async call<T>(fn: (api: Api) => Promise<T> | T, what: string): Promise<T> {
    const t0 = performance.now();
    this.endCall();
    // A seek answered `pending` and asked again is one piece of work since its first call.
    const work = this.chain ?? { what, sinceMs: t0 };
    this.current = work;
    this.lastWork = work;
    this.watchdog = setTimeout(() => this.crashed(`no answer in ${Math.round(this.watchdogMs / 1000)} s (a runaway scenario?)`), this.watchdogMs);
    const slowInMs = SLOW_CALL_MS - (t0 - work.sinceMs);
    if (slowInMs <= 0) this.slow = work;
    else this.slowTimer = setTimeout(() => (this.slow = work), slowInMs);
    const stopped = new Promise<never>((_, reject) => (this.abortCurrent = reject));
    try {
      return await Promise.race([fn(this.api), stopped]);
    } finally {
      if (this.current === work) {
        this.endCall();
        this.abortCurrent = null;
      }
      if (this.workerMs.length >= MAX_TIMINGS) this.workerMs.splice(0, MAX_TIMINGS / 2);
      this.workerMs.push(performance.now() - t0);
    }
  }

  private endCall(): void {
    clearTimeout(this.watchdog);
    clearTimeout(this.slowTimer);
    this.current = null;
    this.slow = null;
  }

  /** Nothing asked of the worker is outstanding or waiting. */
  get idle(): boolean {
    return !this.running && this.next === null && this.mutations.length === 0;
  }

  /** Queue a frame request (`what` it does, in words); if one is already waiting to be sent, this one replaces it. */
  request(job: FrameJob, what: string): void {
    this.chain = null;
    this.next = job;
    this.nextWhat = what;
    if (!this.running) void this.drain();
  }

  /**
   * Ask the worker outside the queue of requests: a glance (how far the run-ahead got), not
   * work the page waits on. Null when the answer no longer applies or the worker failed.
   */
  glance<T>(fn: (api: Api) => Promise<T>): Promise<T | null> {
    const gen = this.generation;
    return fn(this.api).then(
      (v) => (gen === this.generation ? v : null),
      () => null,
    );
  }

  /** Drop a frame request still waiting to be sent. */
  dropRequest(): void {
    this.next = null;
  }

  /** Queue a change to the scenario: never dropped, run before any waiting frame request. */
  mutate(m: Mutation): void {
    this.mutations.push(m);
    if (!this.running) void this.drain();
  }

  /**
   * Ask the worker something other than a frame (a history window, a linearizability check,
   * a summary), in turn with the frame requests: never dropped, run before any waiting frame
   * request, so it sees the run as the page shows it. Resolves to null when the answer no
   * longer applies (another scenario was loaded meanwhile); rejects if the worker dies.
   */
  query<T>(fn: (api: Api) => Promise<T>, what = 'analysing the run'): Promise<T | null> {
    const gen = this.generation;
    return new Promise<T | null>((resolve, reject) => {
      this.askers.add(reject);
      this.mutate(async (api) => {
        try {
          const v = await this.call(() => fn(api), what);
          resolve(gen === this.generation ? v : null);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        } finally {
          this.askers.delete(reject);
        }
      });
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    const token = ++this.drainToken;
    while (token === this.drainToken && (this.mutations.length || this.next)) {
      const gen = this.generation;
      try {
        const m = this.mutations.shift();
        if (m) {
          await m(this.api);
          continue;
        }
        const job = this.next!;
        this.next = null;
        const f = await this.call(() => job(this.api), this.nextWhat);
        if (f && gen === this.generation) {
          if ('pending' in f) {
            // The run is on its way there: ask again, as one piece of work (its "working"
            // notice and Stop stay up), unless the learner wished for something else meanwhile.
            this.onpending(f);
            if (this.next === null) {
              this.next = job;
              this.chain ??= this.lastWork;
            }
          } else {
            this.chain = null;
            this.onframe(f);
          }
        }
      } catch (e) {
        if (token === this.drainToken && !(e instanceof StoppedError)) this.crashed(e instanceof Error ? e.message : String(e));
        return;
      }
    }
    if (token === this.drainToken) this.running = false;
  }

  /** A request the worker rejects (a method it does not have): tests exercise recovery with it. */
  sendUnanswerable(): void {
    this.request((api) => (api as unknown as { noSuchMethod(): Promise<Frame> }).noSuchMethod(), 'answering a test request');
  }

  /**
   * A frame request on which the worker computes for `ms` without answering, as a runaway
   * replay would: only the test hook (`?testhook`) asks for it.
   */
  sendStuck(ms: number, what: string): void {
    this.request(async (api) => {
      await (api as unknown as { spinForTest(ms: number): Promise<void> }).spinForTest(ms);
      return null;
    }, what);
  }

  dispose(): void {
    this.endCall();
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
