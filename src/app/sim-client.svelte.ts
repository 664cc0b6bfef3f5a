// The UI's handle on the simulation worker. It owns the worker, keeps at most one request
// outstanding (a newer wish for a frame replaces an older one that has not been sent:
// superseded requests are dropped, never applied late), and exposes the latest frame as raw
// state (replaced whole, never deeply proxied: a frame of thousands of messages must not
// become thousands of proxies).
//
// Playback maps wall time to virtual time here (target = previous + wall elapsed x speed);
// the worker never paces itself by the wall clock.
//
// The scenario document the page shows is held here too. A learner's action is data: a
// fault dropped on a node is added to the document's fault timeline through the worker (so a
// rewind replays it), a dragged node's position is written into the document, and an edited
// parameter reloads the document and seeks back to where the learner was.

import * as Comlink from 'comlink';
import type { FaultsResult, Frame, LoadResult, OpStat, Pending, RunAhead, SimApi, ValidationIssue } from '../sim/host';
import type { FaultSpec, NodeSpec } from '../sim/spec';
import type { LogEntry, Mark, MetricSample } from '../sim/kernel/component';
import { SPEEDS_X, DEFAULT_SPEED_INDEX } from './speeds';
import type { FaultDraft, ScenarioDoc } from './scenario-doc';

/** Log lines the page keeps; older ones scroll away. */
const MAX_LOG = 500;
/** Marks kept for the timeline and "next notable event". */
const MAX_MARKS = 5_000;
/** Metric samples kept for the charts (50 nodes x 10 minutes). */
const MAX_SAMPLES = 30_000;
/** Seconds of per-second operation statistics kept for the charts. */
const MAX_OP_SECONDS = 600;
/** A request the worker has not answered by then is taken for a hang: the worker is replaced. */
const WORKER_TIMEOUT_MS = 30_000;
/** A request outstanding this long is shown as work in progress, with a way to stop it. */
const SLOW_CALL_MS = 1_000;
/** Worker round-trip times kept for the benchmark. */
const MAX_TIMINGS = 10_000;
/**
 * While playing faster than the worker can simulate, each request's event budget is tuned so
 * that a round trip (simulate, build and clone the frame, deliver it) takes about this long:
 * frames keep coming a few dozen times a second, and the display interpolates in between.
 */
const TARGET_ROUND_TRIP_MS = 30;
/** Events per call, at least (a heavy frame still moves) and at most (the host's own cap). */
const MIN_CALL_EVENTS = 2_000;
const MAX_CALL_EVENTS = 400_000;
/** How far virtual time may run ahead of the last frame, in wall time at the playing speed. */
const MAX_LEAD_WALL_MS = 100;
/**
 * "Next notable event" scans forward at most this many events before it stops where it got to:
 * a count, not a time, so that it lands at the same place on every machine however busy.
 */
const NOTABLE_SCAN_EVENTS = 10_000_000;
/** While the run-ahead grows and no frames are coming (paused), how often to ask how far it got. */
const PROGRESS_POLL_MS = 200;

export type { Narration, ScenarioDoc } from './scenario-doc';

/** Marks worth stopping at: failures, their detection, and what the system did about them. */
export const NOTABLE_MARKS: ReadonlySet<string> = new Set([
  'crash',
  'restart',
  'pause',
  'resume',
  'fault:apply',
  'fault:revert',
  'failover',
  'failover-impossible',
  'detected-down',
  'node-back',
  'role',
  'endpoint',
  'repoint',
  'alert',
  'fenced',
  'demote',
  'managed-failover',
  'disk-full',
  'overloaded',
  'lease-lost',
  'semi-sync-off',
]);

/** A request for a frame; `pending` (a seek the run has not reached yet) asks again unless a newer wish came. */
type FrameJob = (api: Comlink.Remote<SimApi>) => Promise<Frame | Pending | null>;
type Mutation = (api: Comlink.Remote<SimApi>) => Promise<void>;

/** The request the worker is working on: what it is doing, in words, and since when (wall ms). */
export interface WorkInProgress {
  what: string;
  sinceMs: number;
}

/** Why a request ended without an answer: the learner stopped it (the worker was replaced). */
export class StoppedError extends Error {}

function seconds(us: number): string {
  return `${(us / 1e6).toFixed(1)} s`;
}

export class SimClient {
  frame = $state.raw<Frame | null>(null);
  /** How far the run is known ahead (the timeline's buffered bar): the worker's figure, never a guess. */
  runAhead = $state.raw<RunAhead | null>(null);
  doc = $state.raw<ScenarioDoc | null>(null);
  log = $state.raw<LogEntry[]>([]);
  marks = $state.raw<Mark[]>([]);
  samples = $state.raw<MetricSample[]>([]);
  ops = $state.raw<OpStat[]>([]);
  title = $state('');
  durationMs = $state(0);
  seed = $state(0);
  playing = $state(false);
  speedIndex = $state(DEFAULT_SPEED_INDEX);
  /** Virtual seconds per wall second. */
  speedX = $derived(SPEEDS_X[this.speedIndex]);
  errors = $state.raw<ValidationIssue[]>([]);
  failure = $state<string | null>(null);
  /** A sentence about the last action that could not be done (a refused fault, ...). */
  notice = $state<string | null>(null);
  /** True while a long request (a seek, a reload, a scan) is being worked on. */
  busy = $state(false);
  /**
   * A request the worker has been working on for over a second (a heavy replay, a stuck
   * computation), or null: the page shows it, with a Stop that ends it (`stop`).
   */
  slow = $state.raw<WorkInProgress | null>(null);
  /** A seek asked for and not yet shown: where the learner is, as far as edits are concerned. */
  private pendingSeekUs: number | null = null;
  /** Where playback stops by itself (a narration entry on a guided tour), or null: the end. */
  stopAtUs = $state<number | null>(null);

  /**
   * Called after each change the learner makes to the document through this client (a fault
   * added, moved or removed, a node dragged or edited) with the document it replaced: the
   * page keeps undo history and autosaves from here. Plain loads do not call it.
   */
  onedit: ((before: ScenarioDoc, label: string) => void) | null = null;
  /**
   * Asked before each change the learner makes to the document's system (a parameter, a fault,
   * an editor change; not where a node is drawn): a sentence saying why it may not be made, or
   * null. A challenge allows only some changes; a refused one changes nothing and the sentence
   * becomes the notice.
   */
  guard: ((next: ScenarioDoc) => string | null) | null = null;

  /** Wall time the latest frame arrived, for interpolating between frames. */
  frameWallMs = 0;
  /**
   * Frames asked for while playing since play was pressed: how many were inside the known
   * range, and how many fell short of their target (the simulation could not keep up), inside
   * it and beyond it. Read by tests.
   */
  playback = { frames: 0, known: 0, knownShort: 0, short: 0 };
  /** Request-to-frame times of recent worker calls, in ms (read by the benchmark). */
  readonly workerMs: number[] = [];

  private worker!: Worker;
  private api!: Comlink.Remote<SimApi>;
  private running = false;
  private next: FrameJob | null = null;
  private mutations: Mutation[] = [];
  /** Callers of `query` still waiting: a dead worker never answers them, so they are told. */
  private askers = new Set<(e: Error) => void>();
  /** Bumped by a load or a restart: answers to older requests are not applied. */
  private generation = 0;
  /**
   * Bumped when another document is opened (not by an edit's reload): a change the learner
   * made to the previous one and still on its way is dropped, never applied to this one.
   */
  private workGen = 0;
  /** Bumped by any new wish of the learner: a running "next notable" scan stops. */
  private scanGen = 0;
  /** Identifies the one loop sending requests; a restart orphans the old one. */
  private drainToken = 0;
  private targetUs = 0;
  private lastWallMs = 0;
  private rafId = 0;
  private watchdog = 0;
  /** How long a request may take before the worker is taken for hung (a test may lengthen it). */
  watchdogMs = WORKER_TIMEOUT_MS;
  private slowTimer = 0;
  private current: WorkInProgress | null = null;
  /** Rejects the request in progress: a stopped or crashed worker never answers it. */
  private abortCurrent: ((e: Error) => void) | null = null;
  /** What the frame request waiting to be sent does, in words. */
  private nextWhat = '';
  /** The work a pending seek's repeated calls belong to (see `drain`), and the last call's. */
  private chain: WorkInProgress | null = null;
  private lastWork: WorkInProgress | null = null;
  private lastDocument: unknown = null;
  /** A load is on its way to the worker: a seek asked for meanwhile waits for it (ms). */
  private loading = false;
  private seekAfterLoadMs: number | null = null;
  /** Events a playing request may run (tuned by round-trip time). */
  private budgetEvents = 10_000;
  private progressTimer = 0;
  /** Virtual time the last playing frame advanced: the display may run on that far, no further. */
  private lastAdvanceUs = 0;

  constructor() {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(new URL('../../workers/sim.worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('error', (e) => this.crashed(e.message || 'the simulation worker failed'));
    this.api = Comlink.wrap<SimApi>(this.worker);
  }

  /** A worker that died or hung is replaced, and the scenario reloaded, so the page stays usable. */
  private crashed(reason: string): void {
    this.failure = `The simulation stopped: ${reason}. It has been restarted from the beginning of the run.`;
    // From t = 0: going back to where it failed could fail the same way.
    this.restart(new Error(`the simulation stopped: ${reason}`), 0);
  }

  /**
   * Stop the request the worker is working on (a replay that takes too long, a stuck
   * computation): the worker is replaced by a fresh one, and the learner's document (their
   * faults, edits and positions) is loaded again at the last moment the page showed. A stuck
   * replay of that moment itself (after an edit, or after a stop) has shown only t = 0 since
   * the reload, so that is where it goes back to.
   */
  stop(): void {
    const what = this.current?.what;
    if (!what) return;
    const atUs = this.frame?.nowUs ?? 0;
    this.restart(new StoppedError(`stopped while ${what}`), atUs);
    this.notice = `Stopped ${what}. The run is back at ${seconds(atUs)}, the last moment shown; your scenario is as you left it.`;
  }

  private restart(why: Error, atUs: number): void {
    this.pause();
    this.endCall();
    this.abortCurrent?.(why);
    this.abortCurrent = null;
    this.generation++;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
    this.spawn();
    this.running = false;
    this.drainToken++;
    this.busy = false;
    this.loading = false;
    this.next = null;
    this.mutations = [];
    for (const reject of this.askers) reject(why);
    this.askers.clear();
    // The document as the learner left it (their faults and positions included).
    const doc = this.doc ? { format: 'faultline/1', ...this.doc } : this.lastDocument;
    if (doc !== null) void this.load(doc, { keepFailure: true, sameWork: true, atUs });
  }

  /**
   * Load a document; on success the page shows it from t = 0 (or `atUs`). `sameWork`: it is
   * the learner's document again (edited, or reloaded after a crash), not another one.
   */
  async load(document: unknown, opts: { atUs?: number; keepFailure?: boolean; sameWork?: boolean } = {}): Promise<boolean> {
    this.pause();
    this.next = null;
    this.generation++;
    if (!opts.sameWork) this.workGen++;
    const gen = this.generation;
    this.busy = true;
    this.loading = true;
    this.seekAfterLoadMs = null;
    let res;
    try {
      res = await this.call<LoadResult>(() => this.api.load(document), 'loading the scenario');
    } catch (e) {
      if (e instanceof StoppedError) {
        // Stopped by the learner: this document was never loaded (the one before is reloaded).
        this.errors = [{ path: '', message: 'loading it was stopped before it finished' }];
      } else if (gen === this.generation) {
        this.busy = false;
        this.loading = false;
        this.crashed(message(e));
      }
      return false;
    }
    if (gen !== this.generation) return false;
    this.loading = false;
    if (!res.ok) {
      this.busy = false;
      this.errors = res.errors;
      return false;
    }
    this.lastDocument = document;
    this.errors = [];
    if (!opts.keepFailure) {
      this.failure = null;
      this.notice = null;
    }
    this.doc = res.scenario as ScenarioDoc;
    this.title = res.title;
    this.durationMs = res.durationMs;
    this.seed = res.seed;
    this.targetUs = 0;
    this.pendingSeekUs = null;
    this.apply(res.frame);
    // A learner who pressed End (or a key) while it loaded meant the run that was loading.
    const asked = this.seekAfterLoadMs;
    this.seekAfterLoadMs = null;
    this.busy = false;
    if (asked !== null) this.seek(asked);
    else if (opts.atUs !== undefined && opts.atUs > 0) this.seek(opts.atUs / 1000);
    return true;
  }

  /**
   * A request, saying what it does: shown after a second as work in progress (with a Stop),
   * and with a watchdog: a worker that does not answer in time is taken for dead.
   */
  private async call<T>(fn: () => Promise<T> | T, what: string): Promise<T> {
    const t0 = performance.now();
    this.endCall();
    // A seek answered `pending` and asked again is one piece of work since its first call.
    const work = this.chain ?? { what, sinceMs: t0 };
    this.current = work;
    this.lastWork = work;
    this.watchdog = window.setTimeout(() => this.crashed(`no answer in ${Math.round(this.watchdogMs / 1000)} s (a runaway scenario?)`), this.watchdogMs);
    const slowInMs = SLOW_CALL_MS - (t0 - work.sinceMs);
    if (slowInMs <= 0) this.slow = work;
    else this.slowTimer = window.setTimeout(() => (this.slow = work), slowInMs);
    const stopped = new Promise<never>((_, reject) => (this.abortCurrent = reject));
    try {
      return await Promise.race([fn(), stopped]);
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

  /** Queue a frame request; if one is already waiting to be sent, this one replaces it. */
  private request(job: FrameJob, what: string): void {
    this.chain = null;
    this.next = job;
    this.nextWhat = what;
    if (!this.running) void this.drain();
  }

  /**
   * Ask the worker something other than a frame (a history window, a linearizability check,
   * an export), in turn with the frame requests: never dropped, run before any waiting frame
   * request, so it sees the run as the page shows it. Resolves to null when the answer no
   * longer applies (another scenario was loaded meanwhile); rejects if the worker dies.
   */
  query<T>(fn: (api: Comlink.Remote<SimApi>) => Promise<T>, what = 'analysing the run'): Promise<T | null> {
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

  /** Queue a change to the scenario: never dropped, run before any waiting frame request. */
  private mutate(m: Mutation): void {
    this.mutations.push(m);
    if (!this.running) void this.drain();
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
            this.noteRunAhead(f.runAhead);
            if (this.next === null) {
              this.next = job;
              this.chain ??= this.lastWork;
            }
          } else {
            this.chain = null;
            this.apply(f);
          }
        }
      } catch (e) {
        if (token === this.drainToken && !(e instanceof StoppedError)) this.crashed(message(e));
        return;
      }
    }
    if (token === this.drainToken) this.running = false;
  }

  /** The worker's word on how far it has run ahead; while that grows, keep asking (frames say it too). */
  private noteRunAhead(r: RunAhead): void {
    this.runAhead = r;
    if (r.state !== 'running' || this.progressTimer) return;
    this.progressTimer = window.setTimeout(() => {
      this.progressTimer = 0;
      const now = this.runAhead;
      if (now?.state !== 'running') return;
      // Playing, or a request on its way: a frame will say.
      if (this.playing || this.running) return this.noteRunAhead(now);
      // Asked outside the queue of requests: a glance, not work the page waits on.
      const gen = this.generation;
      this.api.progress().then(
        (p) => {
          if (gen === this.generation) this.noteRunAhead(p);
        },
        () => undefined,
      );
    }, PROGRESS_POLL_MS);
  }

  private apply(f: Frame): void {
    if (f.full && f.nowUs === this.pendingSeekUs) this.pendingSeekUs = null;
    this.frame = f;
    this.noteRunAhead(f.runAhead);
    this.frameWallMs = performance.now();
    this.log = bounded(f.full ? f.log : this.log.concat(f.log), MAX_LOG);
    if (f.full || f.marks.length) this.marks = bounded(f.full ? f.marks : this.marks.concat(f.marks), MAX_MARKS);
    if (f.full || f.samples.length) this.samples = bounded(f.full ? f.samples : this.samples.concat(f.samples), MAX_SAMPLES);
    if (f.full || f.ops.length) this.ops = mergeOps(f.full ? [] : this.ops, f.ops);
    if (f.aborted) {
      this.pause();
      // A limit's sentence says when itself ("... at t = 2.1 s"); an internal error's does not.
      const why = f.aborted.kind === 'limit' ? f.aborted.reason : `at ${(f.aborted.atUs / 1e6).toFixed(3)} s: ${f.aborted.reason}`;
      this.failure = `The run stopped${f.aborted.kind === 'limit' ? ': ' : ' '}${why}. Rewind, or change the scenario.`;
    }
  }

  /**
   * Nothing asked of the worker is outstanding or waiting, and no seek is on its way: what the
   * page shows is where it will stay (for tests and tools that wait on a state, not on time).
   */
  get idle(): boolean {
    return !this.running && !this.busy && !this.loading && this.next === null && this.mutations.length === 0 && this.pendingSeekUs === null;
  }

  /** Where the learner is: a seek asked for and not shown yet (an edit's replay), else the frame shown. */
  get positionUs(): number {
    return this.pendingSeekUs ?? this.frame?.nowUs ?? 0;
  }

  get endUs(): number {
    return this.durationMs * 1000;
  }

  /** The virtual time to draw at: between frames, the clock runs on at the playing speed. */
  displayUs(wallMs: number): number {
    const f = this.frame;
    if (!f) return 0;
    if (!this.playing) return f.nowUs;
    const ahead = f.nowUs + (wallMs - this.frameWallMs) * 1000 * this.speedX;
    return Math.max(f.nowUs, Math.min(ahead, f.nowUs + this.lastAdvanceUs, this.targetUs, this.endUs));
  }

  /** Play and stop exactly at `us` (the guided tour's next caption). */
  playUntil(us: number): void {
    this.stopAtUs = Math.max(0, Math.min(this.endUs, Math.round(us)));
    if (this.frame && this.frame.nowUs >= this.stopAtUs) {
      this.stopAtUs = null;
      return;
    }
    this.play();
  }

  /** The time playback runs to: the end, or an earlier stop. */
  private get limitUs(): number {
    return this.stopAtUs === null ? this.endUs : Math.min(this.endUs, this.stopAtUs);
  }

  play(): void {
    this.scanGen++;
    this.pendingSeekUs = null;
    if (this.playing || !this.frame || this.frame.aborted) return;
    if (this.frame.nowUs >= this.limitUs) {
      this.stopAtUs = null;
      if (this.frame.nowUs >= this.endUs) return;
    }
    this.playing = true;
    this.playback = { frames: 0, known: 0, knownShort: 0, short: 0 };
    this.targetUs = this.frame.nowUs;
    this.lastWallMs = performance.now();
    const tick = (wallMs: number) => {
      if (!this.playing) return;
      const endUs = this.limitUs;
      // A long stall (a background tab) must not turn into a huge jump.
      const elapsedMs = Math.min(250, Math.max(0, wallMs - this.lastWallMs));
      this.targetUs = Math.min(endUs, this.targetUs + elapsedMs * 1000 * this.speedX);
      // When the simulation cannot keep up with the speed, playback slows to what it can do
      // rather than falling ever further behind the clock.
      if (this.frame) this.targetUs = Math.min(this.targetUs, this.frame.nowUs + MAX_LEAD_WALL_MS * 1000 * this.speedX);
      this.lastWallMs = wallMs;
      // Ask only when nothing is in flight: the worker answers one frame at a time.
      if (!this.running) {
        const target = Math.round(this.targetUs);
        // Inside the known range a frame costs a restore and a replay shorter than the
        // checkpoints' spacing, whatever the speed: let it land. Beyond, the simulation is
        // the limit, and the budget keeps frames coming.
        const known = target <= (this.runAhead?.knownUs ?? 0);
        const budget = known ? MAX_CALL_EVENTS : this.budgetEvents;
        this.request(async (api) => {
          const fromUs = this.frame?.nowUs ?? 0;
          const t0 = performance.now();
          const f = await api.advanceTo(target, budget);
          const ms = performance.now() - t0;
          // Only a call that used up its budget says the worker is the limit: then grow the
          // budget while round trips are quick, shrink it when they are slow.
          if (!f.reached && !known) {
            if (ms < TARGET_ROUND_TRIP_MS) this.budgetEvents = Math.min(MAX_CALL_EVENTS, Math.round(budget * 1.25));
            else if (ms > TARGET_ROUND_TRIP_MS * 1.5) this.budgetEvents = Math.max(MIN_CALL_EVENTS, Math.round(budget * 0.8));
          }
          this.playback.frames++;
          if (known) this.playback.known++;
          if (!f.reached) this.playback[known ? 'knownShort' : 'short']++;
          this.lastAdvanceUs = Math.max(0, f.nowUs - fromUs);
          return f;
        }, `running the simulation to ${seconds(target)}`);
      }
      if (this.targetUs >= endUs && this.frame && this.frame.nowUs >= endUs) {
        this.pause();
        this.stopAtUs = null;
      } else this.rafId = requestAnimationFrame(tick);
    };
    this.rafId = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.rafId);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Go to `targetMs` (clamped to the run; `Infinity` is its end, whatever the run's length). */
  seek(targetMs: number): void {
    if (this.loading) {
      this.seekAfterLoadMs = targetMs;
      return;
    }
    this.stopAtUs = null;
    const us = Math.round(Math.max(0, Math.min(this.durationMs, targetMs)) * 1000);
    this.pendingSeekUs = us;
    this.scanGen++;
    this.targetUs = us;
    this.request((api) => api.seek(us), `going to ${seconds(us)}`);
  }

  /** Seek by a signed amount of virtual time. */
  seekBy(deltaMs: number): void {
    const nowMs = (this.frame?.nowUs ?? 0) / 1000;
    this.seek(nowMs + deltaMs);
  }

  step(): void {
    this.scanGen++;
    this.pause();
    this.request((api) => api.step(), 'stepping to the next event');
  }

  faster(): void {
    this.speedIndex = Math.min(SPEEDS_X.length - 1, this.speedIndex + 1);
  }

  slower(): void {
    this.speedIndex = Math.max(0, this.speedIndex - 1);
  }

  /**
   * Go to the next failure, detection, role change, alert, fault, narration or anomaly. The
   * future is not known until it is simulated, so this advances in growing chunks until
   * something notable shows up, then lands exactly on it.
   */
  nextNotable(): void {
    const f = this.frame;
    const doc = this.doc;
    if (!f || !doc) return;
    this.pause();
    const fromUs = f.nowUs;
    const known = [
      ...doc.faults.flatMap((x) => [x.atMs, x.untilMs ?? Infinity]),
      ...(doc.narration ?? []).map((n) => n.atMs),
    ]
      .map((ms) => Math.round(ms * 1000))
      .filter((us) => us > fromUs);
    const boundUs = Math.min(this.endUs, ...known);
    const anomaliesBefore = f.anomalies.length;
    const gen = ++this.scanGen;
    this.next = null;
    this.busy = true;
    this.mutate(async (api) => {
      let chunkUs = 500_000;
      let atUs = fromUs;
      let landUs = boundUs;
      let events = f.events;
      while (atUs < boundUs && events - f.events < NOTABLE_SCAN_EVENTS) {
        const fr = await this.call(() => api.advanceTo(Math.min(boundUs, atUs + chunkUs)), 'looking for the next notable event');
        if (gen !== this.scanGen) return void (this.busy = false);
        events = fr.events;
        this.apply(fr);
        const hit = fr.marks.find((m) => m.atUs > fromUs && NOTABLE_MARKS.has(m.kind));
        const anomaly = fr.anomalies.length > anomaliesBefore ? fr.anomalies.slice(anomaliesBefore).find((a) => a.atUs > fromUs) : undefined;
        const hitUs = Math.min(hit?.atUs ?? Infinity, anomaly?.atUs ?? Infinity);
        if (hitUs < Infinity) {
          landUs = hitUs;
          break;
        }
        if (fr.aborted) return void (this.busy = false);
        atUs = fr.nowUs;
        if (fr.reached) chunkUs = Math.min(chunkUs * 2, 60_000_000);
        landUs = fr.nowUs >= boundUs ? boundUs : fr.nowUs;
      }
      if (gen === this.scanGen) {
        // It advanced to there, so the run is known there: the seek lands at once.
        const landed = await this.call<Frame | Pending>(() => api.seek(landUs), `going to ${seconds(landUs)}`);
        if ('pending' in landed) this.seek(landUs / 1000);
        else this.apply(landed);
      }
      // Busy until it has landed: the moment shown before is not the answer.
      this.busy = false;
    });
  }

  /** Add a fault to the timeline; the worker replays to the current time with it. */
  /**
   * A change to the document's faults, in turn with the other requests. It answers false when
   * it did not happen: refused, stopped, or meant for a document no longer open (another was
   * opened meanwhile: it is never applied to that one).
   */
  private changeFaults(body: (api: Comlink.Remote<SimApi>, stale: () => boolean) => Promise<boolean>): Promise<boolean> {
    const work = this.workGen;
    const stale = () => work !== this.workGen;
    return new Promise((resolve) => {
      this.mutate(async (api) => {
        try {
          resolve(!stale() && (await body(api, stale)));
        } catch (e) {
          resolve(false);
          throw e;
        }
      });
    });
  }

  /** Whether the guard refuses `next` (it then says why in the notice). */
  private refused(next: ScenarioDoc | null): boolean {
    const why = next && this.guard ? this.guard(next) : null;
    if (why !== null) this.notice = why;
    return why !== null;
  }

  private withFaults(faults: FaultSpec[]): ScenarioDoc | null {
    return this.doc ? { ...this.doc, faults } : null;
  }

  addFault(fault: FaultDraft): Promise<boolean> {
    if (this.doc && this.refused(this.withFaults([...this.doc.faults, fault as FaultSpec]))) return Promise.resolve(false);
    return this.changeFaults(async (api, stale) => {
      const res = await this.call<FaultsResult>(() => api.addFault(fault), `adding the ${fault.kind} and replaying the run with it`);
      return !stale() && this.applyFaults(res, `add ${fault.kind}`);
    });
  }

  removeFault(id: string): Promise<boolean> {
    if (this.doc && this.refused(this.withFaults(this.doc.faults.filter((f) => f.id !== id)))) return Promise.resolve(false);
    return this.changeFaults(async (api, stale) => {
      const res = await this.call<FaultsResult>(() => api.removeFault(id), 'removing the fault and replaying the run without it');
      return !stale() && this.applyFaults(res, 'remove fault');
    });
  }

  /** Move a fault on the timeline (keeping its duration): remove it, add it back at `atMs`. */
  moveFault(id: string, atMs: number): Promise<boolean> {
    const old = this.doc?.faults.find((f) => f.id === id);
    if (!old) return Promise.resolve(false);
    const clamped = Math.max(0, Math.min(this.durationMs, Math.round(atMs)));
    const moved: FaultSpec = { ...old, atMs: clamped };
    if (old.untilMs !== undefined) moved.untilMs = Math.min(this.durationMs, clamped + (old.untilMs - old.atMs));
    if (moved.untilMs !== undefined && moved.untilMs <= moved.atMs) delete moved.untilMs;
    if (this.doc && this.refused(this.withFaults(this.doc.faults.map((f) => (f.id === id ? moved : f))))) return Promise.resolve(false);
    const before = this.doc;
    return this.changeFaults(async (api, stale) => {
      const removed = await this.call<FaultsResult>(() => api.removeFault(id), 'moving the fault and replaying the run');
      if (stale()) return false;
      if (!removed.ok) return this.applyFaults(removed, null);
      const added = await this.call<FaultsResult>(() => api.addFault(moved), 'moving the fault and replaying the run');
      if (stale()) return false;
      if (added.ok) {
        const ok = this.applyFaults(added, null);
        if (ok && before) this.onedit?.(before, 'move fault');
        return ok;
      }
      // Put it back where it was, so a refused move changes nothing.
      await this.call<FaultsResult>(() => api.addFault(old), 'putting the fault back');
      return this.applyFaults(added, null);
    });
  }

  /** `label`: the change to record for undo, or null when the caller records it. */
  private applyFaults(res: FaultsResult, label: string | null): boolean {
    if (!res.ok) {
      this.notice = res.errors.map((e) => e.message).join('; ');
      return false;
    }
    this.notice = null;
    const before = this.doc;
    if (before) this.doc = { ...before, faults: res.faults };
    // The run was rewound to before the change: until it is back, the page shows where it was.
    if ('pending' in res.frame) {
      this.noteRunAhead(res.frame.runAhead);
      this.seek(res.frame.targetUs / 1000);
    } else this.apply(res.frame);
    if (before && label) this.onedit?.(before, label);
    return true;
  }

  /** Where the stage draws a node: part of the document (no reload: the run does not depend on it). */
  setPositions(positions: Map<string, { x: number; y: number }>): void {
    const doc = this.doc;
    if (!doc) return;
    const nodes = doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    });
    this.doc = { ...doc, nodes };
    this.lastDocument = this.doc;
    this.onedit?.(doc, 'move node');
  }

  /** Change one node's parameters: the document is reloaded and the run replayed to now. */
  async editNode(id: string, patch: Record<string, unknown>): Promise<boolean> {
    const doc = this.doc;
    if (!doc) return false;
    const nodes = doc.nodes.map((n) => {
      if (n.id !== id) return n;
      const next: Record<string, unknown> = { ...n, ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined || v === '') delete next[k];
      return next as unknown as NodeSpec;
    });
    const ok = await this.replace({ ...doc, nodes });
    if (ok) this.onedit?.(doc, `edit ${id}`);
    return ok;
  }

  /**
   * Load a changed document and replay it to the current moment. A document the validator
   * refuses changes nothing: its errors become the notice.
   */
  async replace(doc: ScenarioDoc): Promise<boolean> {
    if (this.refused(doc)) return false;
    // A seek still on its way (the one a previous edit's reload asked for) is where the learner is.
    const atUs = this.playing ? (this.frame?.nowUs ?? 0) : (this.pendingSeekUs ?? this.frame?.nowUs ?? 0);
    const ok = await this.load({ ...doc, format: 'faultline/1' }, { atUs: Math.min(atUs, doc.durationMs * 1000), sameWork: true });
    if (!ok) {
      this.notice = this.errors.map((e) => (e.message.startsWith(e.path) ? e.message : `${e.path}: ${e.message}`)).join('; ');
      this.errors = [];
    }
    return ok;
  }

  /** A request the worker rejects (a method it does not have): tests exercise recovery with it. */
  sendUnanswerable(): void {
    this.request((api) => (api as unknown as { noSuchMethod(): Promise<Frame> }).noSuchMethod(), 'answering a test request');
  }

  /**
   * A frame request on which the worker computes for `ms` without answering, as a runaway
   * replay would: only the test hook (`?testhook`) asks for it.
   */
  sendStuck(ms: number): void {
    this.request(async (api) => {
      await (api as unknown as { spinForTest(ms: number): Promise<void> }).spinForTest(ms);
      return null;
    }, `running the simulation to ${seconds(this.frame?.nowUs ?? 0)} and on`);
  }

  dispose(): void {
    this.pause();
    this.endCall();
    clearTimeout(this.progressTimer);
    this.worker.terminate();
  }
}

function bounded<T>(xs: T[], max: number): T[] {
  return xs.length > max ? xs.slice(xs.length - max) : xs;
}

/** Merge per-second buckets by their start time (a resent bucket replaces the old one). */
function mergeOps(old: OpStat[], fresh: OpStat[]): OpStat[] {
  if (!fresh.length) return old;
  const byUs = new Map<number, OpStat>();
  for (const b of old) byUs.set(b.atUs, b);
  for (const b of fresh) byUs.set(b.atUs, b);
  const out = [...byUs.values()].sort((a, b) => a.atUs - b.atUs);
  return bounded(out, MAX_OP_SECONDS);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
