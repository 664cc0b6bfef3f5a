// The worker contract: what the UI may ask of a running simulation, and the frames it gets
// back. The worker (workers/sim.worker.ts) exposes a SimHost through comlink; the CLI and
// tests use the same class directly or over a MessageChannel.
//
// Frames are plain structured-clone data and bounded: at most MAX_FRAME_MESSAGES messages,
// MAX_FRAME_LOG log lines, MAX_FRAME_MARKS marks. Journal entries are sent once ("new since
// the last frame"); a frame with `full: true` (after a load or seek) replaces what the UI
// had. Messages in flight travel as columns of typed arrays in one buffer (the worker
// transfers it): thousands of small objects cost more to clone than to simulate.
//
// Run-ahead. The host holds two Sims of the loaded scenario:
// - The runner runs ahead of what is shown, in short slices scheduled between requests
//   (HostOptions.defer), to the end of the scenario, or until what it holds (checkpoints and
//   journals) reaches the run-ahead budget, or until the run stops (a limit, an error). It
//   takes the checkpoints and records the journals; the checkers and the per-second operation
//   statistics are fed from its journals as it goes, once. Between calls it rests at a
//   complete instant: every event at or before `knownUs` has run, none after.
// - The viewer builds the frame for a moment inside the known range: restored from the
//   runner's nearest checkpoint at or before it (or carried on from where it is, when that
//   is closer) and replayed to it. Its journals only count entries; their lengths index the
//   runner's journals, which hold the same entries (the run is deterministic).
// So a frame at t is the same however t was reached (played to, sought, after run-ahead):
// the world state is the one state at t, the journals are the runner's entries up to t,
// and the anomalies are the checkers' answer as of t, which counts only what was recorded
// at or before t. Playback inside the known range costs a restore and a short replay per
// frame at most, whatever the speed.
//
// Beyond the known range, `advanceTo` runs the runner within the call's event budget and
// shows where it got to (`reached: false` if short of the target); `seek` runs it for about
// HostOptions.callBudgetMs and answers `pending` until the target is known, so a long seek
// shows progress instead of holding the worker.
//
// A change to the fault timeline (a learner's action is data) rewinds the runner to its
// last checkpoint before the change: the known range shrinks to there and grows again. A
// changed scenario is a new load.

import type { FaultSpec, WorldSpec } from './spec';
import type { HistoryEntry, LogEntry, Mark, Message, MetricSample, NodeView } from './kernel/component';
import type { Aborted } from './kernel/limits';
import { Sim } from './kernel/sim';
import type { CheckpointPolicy } from './kernel/checkpoints';
import { createSim } from './world';
import { summarize, type HistoryReader, type RunRecord, type RunSummary } from './report';
import { CheckerSet, type Anomaly } from './checks';
import { checkLinearizability, type LinearizabilityResult } from './checks/linearizability';
import { messageClass, messageOp } from './message-class';

/** Events one call runs at most beyond the known range (see `advanceTo`). */
export const EVENTS_PER_CALL = 400_000;
export const MAX_FRAME_MESSAGES = 5_000;
export const MAX_FRAME_LOG = 500;
export const MAX_FRAME_MARKS = 2_000;
export const MAX_FRAME_SAMPLES = 20_000;
/** Per-second operation statistics and metric samples cover at most this window before a full frame's time (the charts'). */
export const OP_STATS_WINDOW_US = 600_000_000;
/** What the run-ahead may hold (checkpoints and journals) before it stops and says so. */
export const RUN_AHEAD_BUDGET_BYTES = 384 * 1024 * 1024;
/** Wall time of one run-ahead slice: the longest a frame request waits behind it. */
export const RUN_AHEAD_SLICE_MS = 6;
/**
 * While the page plays inside the known range (frame requests follow each other, each a
 * replay the run-ahead does not help), a slice lasts about this long, and only one runs
 * between two requests: the run-ahead then takes the worker's spare moments without holding
 * up a frame. Playing beyond it, slices run as when paused: the next frame waits for them.
 */
export const RUN_AHEAD_PLAYING_SLICE_MS = 2;
/** A frame request inside the known range within this long of the last one means the page is playing there. */
export const PLAYING_WITHIN_MS = 100;
/** Events the runner takes at a time within a slice, at most (and a slice without a clock). */
export const RUN_AHEAD_CHUNK_EVENTS = 4_000;
/** ... and at least, however slow the events. */
const RUN_AHEAD_MIN_CHUNK_EVENTS = 250;
/** Wall time a call spends running beyond the known range before it answers (a seek's progress). */
export const CALL_BUDGET_MS = 250;
/**
 * A viewer already before a moment carries on from where it is, unless a checkpoint saves
 * more than this many events of replay (a restore costs about as much as that many events).
 */
export const RESTORE_SAVES_EVENTS = 30_000;
/** Bytes a log line, mark or metric sample holds, about (they are small objects). */
const OBJECT_ENTRY_BYTES = 160;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** A scenario as the host needs it: the world plus the document's own fields. */
export type HostScenario = WorldSpec & { title?: string; [extra: string]: unknown };

export type Validate = (input: unknown) => { ok: true; scenario: HostScenario } | { ok: false; errors: ValidationIssue[] };

/**
 * Messages in flight, as columns: message i is `from[i]`, `to[i]`, ... All columns are views
 * of one ArrayBuffer, so a frame transfers them in one piece.
 */
export interface MessageColumns {
  count: number;
  /**
   * The times below are microseconds after this one (the frame's time; before it when
   * negative), as float32: exact within 16 s of it, to a few microseconds beyond. Drawing
   * needs no more, and it halves what a frame carries.
   */
  baseUs: number;
  /** Sender and receiver, as indices into the scenario's nodes (and `Frame.nodes`). */
  from: Uint16Array;
  to: Uint16Array;
  /** Its kind as the stage draws it: an index into MSG_CLASSES (message-class.ts). */
  cls: Uint8Array;
  sentUs: Float32Array;
  /** When its last byte left the sender's link queue: it waits on the link until then. */
  departUs: Float32Array;
  deliverUs: Float32Array;
  /** The client operation it belongs to (`app#812`): the client's node index (-1: none) and number. */
  opClient: Int32Array;
  opNum: Uint32Array;
}

/** How far the run is known, and why it goes no further. */
export interface RunAhead {
  /** Every moment from 0 to here is simulated and checked: showing one costs a restore and a short replay. */
  knownUs: number;
  /** The scenario's end. */
  endUs: number;
  /**
   * `running`: it grows while the worker is otherwise idle. `end`: it reached the end.
   * `budget`: it holds RUN_AHEAD_BUDGET_BYTES and stopped (playing on still simulates).
   * `stopped`: the run itself stops there (a limit or an error: see `reason`).
   */
  state: 'running' | 'end' | 'budget' | 'stopped';
  /** Bytes held for the known range: checkpoints and journals (an estimate for journals of objects). */
  bytes: number;
  budgetBytes: number;
  reason: string | null;
}

/** A seek whose target is not known yet: the runner is on its way; ask again. */
export interface Pending {
  pending: true;
  targetUs: number;
  runAhead: RunAhead;
}

/**
 * Client operations completed in one virtual second (the history, summed): what the charts
 * need and the samples lack (error causes, latency).
 */
export interface OpStat {
  /** Start of the second. */
  atUs: number;
  reads: number;
  writes: number;
  ok: number;
  /** Failed or unknown completions by cause (`timeout`, `read-only`, `unreachable`, ...). */
  errors: Record<string, number>;
  /** Latency of the completions whose invocation was seen. */
  latencyCount: number;
  latencyUsSum: number;
  latencyUsMax: number;
}

export interface Frame {
  nowUs: number;
  events: number;
  trace: string;
  /** False when the call's event budget ran out before the target time: ask again. */
  reached: boolean;
  /** True after load or seek: replace the log, marks and samples instead of appending. */
  full: boolean;
  nodes: NodeView[];
  messages: MessageColumns;
  /** All messages in flight, of which `messages` holds at most MAX_FRAME_MESSAGES. */
  messagesInFlight: number;
  log: LogEntry[];
  marks: Mark[];
  samples: MetricSample[];
  anomalies: Anomaly[];
  nextEventUs: number | null;
  aborted: Aborted | null;
  /**
   * Per-second operation statistics touched since the last frame (each replaces the UI's
   * bucket with the same `atUs`); after load or seek, the recent window whole.
   */
  ops: OpStat[];
  runAhead: RunAhead;
}

export type LoadResult =
  | { ok: true; title: string; seed: number; durationMs: number; scenario: HostScenario; frame: Frame }
  | { ok: false; errors: ValidationIssue[] };

/** After a change to the fault timeline: the frame at the moment shown, or `pending` if the run must first get back there. */
export type FaultsResult = { ok: true; faults: FaultSpec[]; frame: Frame | Pending } | { ok: false; errors: ValidationIssue[] };

export interface SimApi {
  load(input: unknown): LoadResult;
  /**
   * The frame at `targetUs` (never before the moment shown), running at most `maxEvents`
   * events (at most EVENTS_PER_CALL) to get there: inside the known range, replayed from the
   * nearest checkpoint or from the moment shown; beyond it, run by the runner. Short of the
   * target, the frame shows where it got to (`reached: false`): a UI playing faster than that
   * asks for less per frame so that frames keep coming.
   */
  advanceTo(targetUs: number, maxEvents?: number): Frame;
  /** A full frame at `targetUs`, forwards or backwards; `pending` while the run is not there yet. */
  seek(targetUs: number): Frame | Pending;
  /** Run exactly one more event or fault action after the moment shown. */
  step(): Frame;
  /** How far the run is known (also in every frame). */
  progress(): RunAhead;
  addFault(fault: unknown): FaultsResult;
  removeFault(id: string): FaultsResult;
  summary(): RunSummary;
  history(): HistoryEntry[];
  /**
   * Is the clients' history so far linearizable? Judged from what the clients saw alone (no
   * ground truth), within a step budget and, when the host has a clock, a time budget; an
   * exhausted budget answers `unknown`.
   */
  linearizability(options?: { budgetSteps?: number; budgetMs?: number }): LinearizabilityResult;
  /**
   * The client operations that overlap a stretch of virtual time (optionally on one key),
   * each an invocation paired with its completion: what the history view draws, without
   * sending the page the whole history. Bounded: see MAX_WINDOW_OPS, MAX_WINDOW_SCAN_ENTRIES.
   */
  historyWindow(query: HistoryWindowQuery): HistoryWindow;
  /**
   * The history so far as the JSON file `npm run lincheck` reads (`{ "faultline": {...},
   * "history": [...] }`), in chunks of text to be joined (a Blob on the page): built here
   * so the page never holds the entries as objects, and no single string is huge.
   */
  historyJson(): string[];
  /** Where the worker's time went since the load (or the last reset): see WorkProfile. */
  workProfile(reset?: boolean): WorkProfile;
}

/** One client operation: its invocation paired with its completion, if any. */
export interface HistoryOp {
  op: string;
  client: string;
  f: 'read' | 'write';
  key: string;
  /** The value written, or the value a read returned (null: never written, or no answer). */
  value: number | null;
  invokeUs: number;
  /** When it completed (ok, failed, or gave up as unknown); null: not yet, at the history's end. */
  completeUs: number | null;
  /** `info`: the client gave up (a timeout): it may or may not have taken effect. `pending`: no answer yet. */
  outcome: 'ok' | 'fail' | 'info' | 'pending';
  /** The node that served it, when known. */
  node?: string;
  error?: string;
}

export interface HistoryWindowQuery {
  fromUs: number;
  toUs: number;
  /** Only operations on this key. */
  key?: string;
  /** At most this many operations (and never more than MAX_WINDOW_OPS); the latest are kept. */
  maxOps?: number;
}

export interface HistoryWindow {
  fromUs: number;
  toUs: number;
  /** The history's end: virtual time of the run when asked. */
  nowUs: number;
  /** In order of invocation. */
  ops: HistoryOp[];
  /** Operations found overlapping the window, of which `ops` holds the latest. */
  total: number;
  /** The scan stopped at MAX_WINDOW_SCAN_ENTRIES entries: the window's end is missing. */
  partial: boolean;
}

export interface HostOptions {
  /**
   * A wall clock, given by the worker (the core never reads one): it bounds the
   * linearizability check, a run-ahead slice and a call that runs beyond the known range.
   */
  now?: () => number;
  /**
   * Runs a function soon, after requests already waiting (the worker posts itself a message).
   * With it the host runs ahead by itself between requests; without it, only when
   * `runAheadSlice` is called.
   */
  defer?: (fn: () => void) => void;
  /**
   * Runs a function after `ms` (the worker's setTimeout): the run-ahead, held to a slice per
   * frame request while the page plays, carries on by itself once the requests stop.
   * Without it, slices follow each other as when nothing plays.
   */
  later?: (fn: () => void, ms: number) => void;
  runAheadBudgetBytes?: number;
  /** Wall time a call may spend beyond the known range before answering (needs `now`). */
  callBudgetMs?: number;
  /** The runner's checkpoint policy (tests make it dense, so that frames really come from restores). */
  checkpoints?: Partial<CheckpointPolicy>;
}

/** What one kind of the host's work cost: how often, how long (wall ms), and events run where it runs any. */
export interface WorkFigures {
  count: number;
  ms: number;
  events: number;
}

/**
 * The host's work by kind, since the load or the last reset: where a worker's time goes (the
 * benchmark reads it through the page's test hook). Timed with the host's clock; without
 * one, only counted. Kinds: `run` (the runner simulating), `digest` (checkers and statistics
 * fed), `restore` and `replay` (the viewer), `frame` (building one) and its parts
 * `frame.messages`, `frame.nodes`, `frame.anomalies`, `frame.ops`; `slice` (a run-ahead
 * slice, its run and digest included), `call.<method>` (a request, all of it).
 */
export type WorkProfile = Record<string, WorkFigures>;

/** Budgets for a check run from the page: a few seconds at most, never a frozen worker. */
export const LINEARIZABILITY_BUDGET_STEPS = 20_000_000;
export const LINEARIZABILITY_BUDGET_MS = 10_000;
/** Operations a history window holds at most (what an SVG diagram draws comfortably). */
export const MAX_WINDOW_OPS = 2_000;
/** History entries one window query reads at most (about 0.3 s of the worker's time). */
export const MAX_WINDOW_SCAN_ENTRIES = 1_000_000;
/**
 * How far before a window to look for operations still unanswered at the history's end. A
 * completed operation is found by the longest span any operation took; one still open may
 * be older than that (a dead node's requests, before the first timeout): this covers it.
 */
export const PENDING_LOOKBACK_US = 10_000_000;
/** Entries per chunk of exported JSON (a few MB of text each). */
export const EXPORT_CHUNK_ENTRIES = 20_000;

/** Journal lengths at a moment: indices into the runner's journals. */
interface Lengths {
  history: number;
  log: number;
  marks: number;
  samples: number;
}

function lengthsOf(sim: Sim): Lengths {
  const j = sim.journals;
  return { history: j.history.length, log: j.log.length, marks: j.marks.length, samples: j.samples.length };
}

/** What the last frame showed: everything else the UI asks about (history, summary) is as of then. */
interface Shown {
  atUs: number;
  lengths: Lengths;
  events: number;
  trace: string;
  aborted: Aborted | null;
}

export class SimHost implements SimApi {
  private scenario: HostScenario | null = null;
  /** Runs ahead, takes the checkpoints, records the journals. */
  private runner: Sim | null = null;
  /** Shows moments the runner has passed (created when first needed; dropped when the timeline changes). */
  private viewer: Sim | null = null;
  /** What the run recorded, digested once as the runner goes: anomalies and per-second statistics. */
  private digest: RunDigest | null = null;
  private shown: Shown | null = null;
  /** The viewer stopped after a single event (`step`), inside an instant. */
  private cursor = { log: 0, marks: 0, samples: 0 };
  /** Start of the newest second of operation statistics the UI has. */
  private opsFromUs = 0;
  private state: RunAhead['state'] = 'running';
  private memo = new MessageMemo();
  private pumpScheduled = false;
  private span: { history: RunDigest | null; cursor: number; maxUs: number } = { history: null, cursor: 0, maxUs: 0 };
  private work: WorkProfile = {};
  /** When the last frame request while playing (`advanceTo`) was answered, by the host's clock. */
  private lastPlayMs = -Infinity;
  private resumeScheduled = false;
  /** The runner's recent speed, events per wall ms (0: not measured yet): sizes a slice's chunks. */
  private eventsPerMs = 0;

  constructor(
    private readonly validate: Validate,
    private readonly options: HostOptions = {},
  ) {}

  load(input: unknown): LoadResult {
    const res = this.validate(input);
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    let runner: Sim;
    try {
      runner = createSim(scenario, this.options.checkpoints ? { checkpoints: this.options.checkpoints } : undefined);
    } catch (e) {
      return { ok: false, errors: [{ path: '', message: e instanceof Error ? e.message : String(e) }] };
    }
    this.scenario = scenario;
    this.runner = runner;
    this.work = {};
    this.viewer = null;
    this.memo = new MessageMemo();
    this.digest = new RunDigest(scenario);
    this.digest.feed(runner);
    this.state = 'running';
    const frame = this.frameOf(runner, true, true);
    this.kick();
    return { ok: true, title: scenario.title ?? 'Untitled scenario', seed: scenario.seed, durationMs: scenario.durationMs, scenario, frame };
  }

  advanceTo(targetUs: number, maxEvents?: number): Frame {
    const runner = this.need();
    const target = Math.max(this.shown!.atUs, Math.round(targetUs));
    const budget = maxEvents !== undefined && maxEvents >= 1 ? Math.min(EVENTS_PER_CALL, Math.floor(maxEvents)) : EVENTS_PER_CALL;
    let frame: Frame;
    if (target <= runner.nowUs) {
      // Inside the known range the budget bounds the replay from the nearest checkpoint (or
      // from where the viewer is): with checkpoints closer together than that, every frame
      // lands where asked, at any speed.
      const src = this.at(target, budget);
      frame = this.frameOf(src, false, src.nowUs === target);
      // The page plays inside the known range: the next request follows soon, and the
      // run-ahead is not what it waits for. One short slice may run before it.
      this.lastPlayMs = this.clock();
    } else {
      // Beyond it, the next frame waits for the runner: slices in between are its work.
      this.lastPlayMs = -Infinity;
      this.extend(target, budget);
      frame = this.frameOf(runner, false, runner.nowUs >= target || runner.aborted !== null);
    }
    this.kick();
    return frame;
  }

  seek(targetUs: number): Frame | Pending {
    this.need();
    return this.seekTo(targetUs);
  }

  private seekTo(targetUs: number): Frame | Pending {
    const runner = this.runner!;
    const target = Math.max(0, Math.round(targetUs));
    if (target > runner.nowUs && !runner.aborted) {
      // Forwards past the known range: run there (the same work as running ahead), for a
      // bounded time per call when there is a clock to bound it by.
      const now = this.options.now;
      const t0 = now?.() ?? 0;
      const budgetMs = this.options.callBudgetMs ?? CALL_BUDGET_MS;
      do this.extend(target, now ? RUN_AHEAD_CHUNK_EVENTS * 8 : Infinity, false);
      while (runner.nowUs < target && !runner.aborted && now && now() - t0 < budgetMs);
      this.digestRun();
      this.kick();
      if (runner.nowUs < target && !runner.aborted) return { pending: true, targetUs: target, runAhead: this.progress() };
    }
    return this.frameOf(this.at(target), true, true);
  }

  step(): Frame {
    const runner = this.need();
    const shown = this.shown!;
    const v = this.viewerAt(shown.atUs, shown.events);
    // The next event must lie inside the known range, so that its journal entries are there.
    const next = v.nextEventUs();
    if (next > runner.nowUs && next !== Infinity && !runner.aborted) this.extend(next, Infinity);
    if (next <= runner.nowUs) v.step();
    return this.frameOf(v, false, true);
  }

  progress(): RunAhead {
    const runner = this.runner;
    const endUs = (this.scenario?.durationMs ?? 0) * 1000;
    if (!runner) return { knownUs: 0, endUs, state: 'stopped', bytes: 0, budgetBytes: this.budgetBytes, reason: 'no scenario is loaded' };
    return {
      knownUs: Math.min(runner.nowUs, endUs),
      endUs,
      state: this.state,
      bytes: this.heldBytes(),
      budgetBytes: this.budgetBytes,
      reason: runner.aborted ? runner.aborted.reason : null,
    };
  }

  /**
   * Run ahead for one slice (about `sliceMs` with a clock, else one chunk of events). The
   * worker's scheduler calls it between requests; tests may call it directly.
   */
  runAheadSlice(sliceMs = RUN_AHEAD_SLICE_MS): RunAhead {
    const runner = this.runner;
    if (!runner || this.state !== 'running') return this.progress();
    const endUs = this.scenario!.durationMs * 1000;
    const now = this.options.now;
    const t0 = now?.() ?? 0;
    const e0 = runner.state.executed;
    for (;;) {
      if (runner.aborted) this.state = 'stopped';
      else if (runner.nowUs >= endUs) this.state = 'end';
      else if (this.heldBytes() >= this.budgetBytes) this.state = 'budget';
      if (this.state !== 'running') break;
      // Chunks of about a third of the slice at the runner's recent speed, so that a slice
      // ends near its time (a chunk of a busy world's events can take longer than a slice).
      const chunk = now && this.eventsPerMs > 0 ? Math.max(RUN_AHEAD_MIN_CHUNK_EVENTS, Math.min(RUN_AHEAD_CHUNK_EVENTS, Math.round((this.eventsPerMs * sliceMs) / 3))) : RUN_AHEAD_CHUNK_EVENTS;
      const c0 = now?.() ?? 0;
      const before = runner.state.executed;
      this.extend(endUs, chunk, false);
      if (!now) break;
      const t = now();
      const ran = runner.state.executed - before;
      if (ran > 0 && t > c0) this.eventsPerMs = this.eventsPerMs > 0 ? 0.7 * this.eventsPerMs + (0.3 * ran) / (t - c0) : ran / (t - c0);
      if (t - t0 >= sliceMs) break;
    }
    if (runner.state.executed > e0) this.digestRun();
    this.noteWork('slice', t0, runner.state.executed - e0);
    return this.progress();
  }

  addFault(fault: unknown): FaultsResult {
    const scenario = this.needScenario();
    return this.replaceFaults([...scenario.faults, fault as FaultSpec]);
  }

  removeFault(id: string): FaultsResult {
    const scenario = this.needScenario();
    const faults = scenario.faults.filter((f) => f.id !== id);
    if (faults.length === scenario.faults.length) return { ok: false, errors: [{ path: 'faults', message: `there is no fault with id '${id}'` }] };
    return this.replaceFaults(faults);
  }

  summary(): RunSummary {
    return summarize(this.record());
  }

  history(): HistoryEntry[] {
    return this.need().journals.history.since(0, this.shown!.lengths.history);
  }

  linearizability(options: { budgetSteps?: number; budgetMs?: number } = {}): LinearizabilityResult {
    return checkLinearizability(this.history(), {
      budgetSteps: options.budgetSteps ?? LINEARIZABILITY_BUDGET_STEPS,
      budgetMs: options.budgetMs ?? LINEARIZABILITY_BUDGET_MS,
      now: this.options.now,
    });
  }

  historyWindow(query: HistoryWindowQuery): HistoryWindow {
    this.need();
    const h = this.shownHistory();
    const nowUs = this.shown!.atUs;
    const fromUs = Math.max(0, Number.isFinite(query.fromUs) ? query.fromUs : 0);
    const toUs = Math.max(fromUs, Number.isFinite(query.toUs) ? query.toUs : nowUs);
    const maxOps = Math.max(1, Math.min(MAX_WINDOW_OPS, Math.floor(query.maxOps ?? MAX_WINDOW_OPS)));
    const spanUs = this.longestOpUs();
    // Entries are in time order. An operation overlapping [from, to] was invoked after
    // from - span (or is still open); every one invoked by `to` has completed by to + span.
    const start = lowerBound(h, fromUs - Math.max(spanUs, PENDING_LOOKBACK_US));
    let end = lowerBound(h, toUs + spanUs + 1);
    let partial = false;
    if (end - start > MAX_WINDOW_SCAN_ENTRIES) {
      end = start + MAX_WINDOW_SCAN_ENTRIES;
      partial = true;
    }
    const open = new Map<string, HistoryOp>();
    const found: HistoryOp[] = [];
    for (let i = start; i < end; i++) {
      const e = h.get(i);
      if (query.key !== undefined && e.key !== query.key) continue;
      if (e.type === 'invoke') {
        if (e.atUs <= toUs) open.set(e.op, { op: e.op, client: e.client, f: e.f, key: e.key, value: e.value, invokeUs: e.atUs, completeUs: null, outcome: 'pending' });
        continue;
      }
      const inv = open.get(e.op);
      open.delete(e.op);
      const invokeUs = inv?.invokeUs ?? e.invokedUs;
      // Its invocation lies before the scan (then it is long finished) or after the window.
      if (invokeUs === undefined || invokeUs > toUs || e.atUs < fromUs) continue;
      const op: HistoryOp = { op: e.op, client: e.client, f: e.f, key: e.key, value: e.value, invokeUs, completeUs: e.atUs, outcome: e.type };
      if (e.node !== undefined) op.node = e.node;
      if (e.error !== undefined) op.error = e.error;
      found.push(op);
    }
    // What is still open has no answer anywhere in the history: had it completed, it would
    // have within the longest span, inside the scan (a partial scan cannot tell).
    if (!partial) for (const op of open.values()) found.push(op);
    found.sort((a, b) => a.invokeUs - b.invokeUs || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
    return { fromUs, toUs, nowUs, ops: found.slice(-maxOps), total: found.length, partial };
  }

  workProfile(reset = false): WorkProfile {
    const w = this.work;
    if (reset) this.work = {};
    return w;
  }

  /** Count `kind` of work begun at `t0` (the host's clock), with the events it ran. */
  noteWork(kind: string, t0: number, events = 0): void {
    const w = (this.work[kind] ??= { count: 0, ms: 0, events: 0 });
    w.count++;
    w.ms += this.clock() - t0;
    w.events += events;
  }

  /** Wall ms by the host's clock (0 without one): for the work profile. */
  clock(): number {
    return this.options.now?.() ?? 0;
  }

  historyJson(): string[] {
    this.need();
    const h = this.shownHistory();
    const shown = this.shown!;
    const about = { scenario: this.scenario?.title ?? 'Untitled scenario', seed: this.scenario?.seed, untilUs: shown.atUs, trace: shown.trace, entries: h.length };
    const chunks: string[] = [`{"faultline":${JSON.stringify(about)},\n"history":[`];
    for (let i = 0; i < h.length; i += EXPORT_CHUNK_ENTRIES) {
      const lines: string[] = [];
      const end = Math.min(h.length, i + EXPORT_CHUNK_ENTRIES);
      for (let j = i; j < end; j++) lines.push(JSON.stringify(h.get(j)));
      chunks.push((i === 0 ? '\n' : ',\n') + lines.join(',\n'));
    }
    chunks.push('\n]}\n');
    return chunks;
  }

  // ---- the runner and the viewer --------------------------------------------------------

  private get budgetBytes(): number {
    return this.options.runAheadBudgetBytes ?? RUN_AHEAD_BUDGET_BYTES;
  }

  /** Bytes the run holds: checkpoints and the history as the kernel counts them, other journals by their entries. */
  private heldBytes(): number {
    const r = this.runner;
    if (!r) return 0;
    const m = r.memory();
    return m.checkpointBytes + m.historyBytes + m.journalEntries * OBJECT_ENTRY_BYTES;
  }

  /**
   * Run the runner towards `targetUs`, at most about `maxEvents` events, and end at a
   * complete instant: the rest of the events at the time it stopped run too, so the known
   * range never ends inside an instant. Then digest what it recorded, unless the caller
   * runs on and digests once when it stops (`digest: false`).
   */
  private extend(targetUs: number, maxEvents: number, digest = true): void {
    const runner = this.runner!;
    const t0 = this.clock();
    const e0 = runner.state.executed;
    if (runner.advanceTo(targetUs, maxEvents) === 'budget') runner.advanceTo(runner.nowUs);
    this.noteWork('run', t0, runner.state.executed - e0);
    if (digest) this.digestRun();
  }

  /**
   * Feed what the runner recorded since to the checkers and the statistics. In batches as
   * large as a call or a slice ran, not a chunk: the checkers' tables (a write's value to
   * its acknowledgement, per key) are large, and fed between short runs of the simulation
   * they miss the caches more (catchup-storm, Node: the digest cost 1.8x a single feed of
   * the whole history; see docs/performance.md).
   */
  private digestRun(): void {
    const t0 = this.clock();
    this.digest!.feed(this.runner!);
    this.noteWork('digest', t0);
  }

  /**
   * Schedule the next run-ahead slice, if there is a scheduler and anything left to do. While
   * the page plays, one short slice per frame request (the next request kicks the next one),
   * and the slices resume by themselves once the requests stop.
   */
  private kick(): void {
    const defer = this.options.defer;
    if (!defer || this.pumpScheduled || this.state !== 'running') return;
    this.pumpScheduled = true;
    defer(() => {
      this.pumpScheduled = false;
      const later = this.options.later;
      const playing = later !== undefined && this.clock() - this.lastPlayMs < PLAYING_WITHIN_MS;
      this.runAheadSlice(playing ? RUN_AHEAD_PLAYING_SLICE_MS : RUN_AHEAD_SLICE_MS);
      if (!playing) this.kick();
      else if (!this.resumeScheduled) {
        this.resumeScheduled = true;
        later(() => {
          this.resumeScheduled = false;
          this.kick();
        }, PLAYING_WITHIN_MS);
      }
    });
  }

  /**
   * The Sim to show `t` (inside the known range) from: the runner if it is there, else the
   * viewer moved there, replaying at most `budget` events past the moment shown (it then
   * stops short, at the end of an instant).
   */
  private at(t: number, budget = Infinity): Sim {
    const runner = this.runner!;
    if (t === runner.nowUs || (runner.aborted && t >= runner.nowUs)) return runner;
    return this.viewerAt(t, -1, budget);
  }

  /**
   * The viewer at `t`: carried on from where it is when that lies before `t` and no
   * checkpoint saves much replay, else restored from the runner's checkpoint at or before
   * `t`. With `events` >= 0, the viewer must be exactly there (a moment inside an instant,
   * after `step`), else at the end of the instant `t`.
   */
  private viewerAt(t: number, events: number, budget = Infinity): Sim {
    const runner = this.runner!;
    let v = this.viewer;
    if (!v) {
      v = createSim(this.scenario!, { checkpoints: false, journals: 'count', limits: runner.limits });
      this.viewer = v;
    }
    if (events >= 0 && v.nowUs === t && v.state.executed === events) return v;
    // A checkpoint may be taken inside an instant: for an exact position, one before it.
    const cp = runner.checkpoints!.latestAtOrBefore(events >= 0 ? t - 1 : t)!;
    const onTheWay = v.nowUs <= t && !v.aborted && (events < 0 || v.state.executed <= events);
    const t0 = this.clock();
    if (!onTheWay || cp.executed > v.state.executed + RESTORE_SAVES_EVENTS) {
      v.restore(cp);
      this.noteWork('restore', t0);
    }
    const t1 = this.clock();
    const e1 = v.state.executed;
    if (events < 0 && budget !== Infinity) {
      // Never short of the moment already shown: the budget applies beyond it.
      const shownUs = Math.min(t, this.shown?.atUs ?? 0);
      if (v.nowUs < shownUs) v.advanceTo(shownUs);
      if (v.advanceTo(t, budget) === 'budget') v.advanceTo(v.nowUs);
    } else if (events < 0) v.advanceTo(t);
    else {
      v.advanceTo(t - 1);
      while (v.state.executed < events && v.step());
    }
    this.noteWork('replay', t1, v.state.executed - e1);
    return v;
  }

  /** Every change to the timeline goes through the validator, like any other input. */
  private replaceFaults(faults: FaultSpec[]): FaultsResult {
    const runner = this.need();
    const res = this.validate({ ...this.scenario, faults });
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    this.scenario = scenario;
    const changedUs = runner.setFaults(scenario.faults, { replay: false });
    if (changedUs !== Infinity) {
      // The viewer follows the old timeline, message ids name other messages from the
      // change on, and the checkers read the faults (partitions) too.
      this.viewer = null;
      this.memo = new MessageMemo();
      this.digest = new RunDigest(scenario);
      this.digest.feed(runner);
      if (!runner.aborted) this.state = 'running';
      this.kick();
    }
    return { ok: true, faults: scenario.faults, frame: this.seekTo(this.shown!.atUs) };
  }

  private need(): Sim {
    if (!this.runner) throw new Error('no scenario is loaded');
    return this.runner;
  }

  private needScenario(): HostScenario {
    this.need();
    return this.scenario!;
  }

  // ---- frames -------------------------------------------------------------------------------

  private frameOf(src: Sim, full: boolean, reached: boolean): Frame {
    const t0 = this.clock();
    const runner = this.runner!;
    const j = runner.journals;
    const len = lengthsOf(src);
    const atUs = src.nowUs;
    if (full) {
      // Whatever the UI had may no longer be true (a rewind, an edit): resend. Samples only
      // for the charts' window (a long run has tens of thousands, costly to clone).
      const samples = j.samples.items;
      let lo = Math.max(0, len.samples - MAX_FRAME_SAMPLES);
      let hi = len.samples;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (samples[mid].atUs < atUs - OP_STATS_WINDOW_US) lo = mid + 1;
        else hi = mid;
      }
      this.cursor = { log: Math.max(0, len.log - MAX_FRAME_LOG), marks: Math.max(0, len.marks - MAX_FRAME_MARKS), samples: lo };
    }
    const c = this.cursor;
    const log = j.log.since(c.log, Math.max(0, Math.min(MAX_FRAME_LOG, len.log - c.log)));
    const marks = j.marks.since(c.marks, Math.max(0, Math.min(MAX_FRAME_MARKS, len.marks - c.marks)));
    const samples = j.samples.since(c.samples, Math.max(0, Math.min(MAX_FRAME_SAMPLES, len.samples - c.samples)));
    c.log += log.length;
    c.marks += marks.length;
    c.samples += samples.length;

    const digest = this.digest!;
    const fromUs = full ? atUs - OP_STATS_WINDOW_US : this.opsFromUs;
    const t1 = this.clock();
    const ops = digest.ops.between(j.history, fromUs, atUs, len.history);
    this.opsFromUs = secondOf(atUs);
    const t2 = this.clock();
    this.noteWork('frame.ops', t1);
    const { columns, inFlight } = messageColumns(src, this.memo);
    const t3 = this.clock();
    this.noteWork('frame.messages', t2);
    const nodes = src.ids.map((_, i) => src.view(i));
    const t4 = this.clock();
    this.noteWork('frame.nodes', t3);
    const anomalies = digest.checks.at(atUs);
    this.noteWork('frame.anomalies', t4);
    const next = src.nextEventUs();
    const trace = src.traceHex();
    this.shown = { atUs, lengths: len, events: src.state.executed, trace, aborted: src.aborted };
    const frame: Frame = {
      nowUs: atUs,
      events: src.state.executed,
      trace,
      reached,
      full,
      nodes,
      messages: columns,
      messagesInFlight: inFlight,
      log,
      marks,
      samples,
      anomalies,
      nextEventUs: next === Infinity ? null : next,
      aborted: src.aborted,
      ops,
      runAhead: this.progress(),
    };
    this.noteWork('frame', t0);
    return frame;
  }

  // ---- the record as of the moment shown ----------------------------------------------------

  private shownHistory(): HistoryReader {
    return prefix(this.runner!.journals.history, this.shown!.lengths.history);
  }

  private record(): RunRecord {
    const runner = this.need();
    const shown = this.shown!;
    const j = runner.journals;
    return {
      spec: this.scenario!,
      nowUs: shown.atUs,
      aborted: shown.aborted,
      state: { executed: shown.events },
      traceHex: () => shown.trace,
      journals: {
        history: this.shownHistory(),
        marks: { items: j.marks.items.slice(0, shown.lengths.marks) },
        samples: { items: j.samples.items.slice(0, shown.lengths.samples) },
      },
    };
  }

  /**
   * The longest any operation took from invocation to completion, over the history recorded.
   * Kept incrementally; after an edit it may only be too large, which costs a wider scan and
   * never a missed operation.
   */
  private longestOpUs(): number {
    const h = this.runner!.journals.history;
    const span = this.span;
    if (span.history !== this.digest) {
      span.history = this.digest;
      span.cursor = 0;
      span.maxUs = 0;
    }
    if (span.cursor > h.length) span.cursor = h.length;
    for (let i = span.cursor; i < h.length; i++) {
      const inv = h.invokedUsAt(i);
      if (inv >= 0) span.maxUs = Math.max(span.maxUs, h.atUsAt(i) - inv);
    }
    span.cursor = h.length;
    return span.maxUs;
  }
}

/** The first `length` entries of a history, as a history of their own. */
function prefix(h: HistoryReader, length: number): HistoryReader {
  const n = Math.min(length, h.length);
  return {
    length: n,
    get: (i) => h.get(i),
    typeAt: (i) => h.typeAt(i),
    isWrite: (i) => h.isWrite(i),
    atUsAt: (i) => h.atUsAt(i),
    invokedUsAt: (i) => h.invokedUsAt(i),
    errorAt: (i) => h.errorAt(i),
    ...(h.readInto && { readInto: (i: number, e: HistoryEntry) => h.readInto!(i, e) }),
  };
}

/** Bytes per message in MessageColumns: three float32 times, a uint32, an int32, two uint16, a uint8. */
const MESSAGE_BYTES = 3 * 4 + 4 + 4 + 2 * 2 + 1;

/** Slots of the message memo (a power of two): more than the messages a frame may carry. */
const MEMO_SLOTS = 1 << 15;

/**
 * What a frame says about each message beyond its timing (its class, its operation), worked
 * out once per message: a message stays in flight for many frames. Indexed by message id,
 * one slot per id modulo the size: a clash only costs working it out again. A message id
 * names one message within a timeline; after a change to the timeline, start a new memo.
 */
class MessageMemo {
  private readonly id = new Float64Array(MEMO_SLOTS).fill(-1);
  readonly cls = new Uint8Array(MEMO_SLOTS);
  readonly opClient = new Int32Array(MEMO_SLOTS);
  readonly opNum = new Uint32Array(MEMO_SLOTS);

  slot(m: Message): number {
    const s = m.id & (MEMO_SLOTS - 1);
    if (this.id[s] === m.id) return s;
    this.id[s] = m.id;
    this.cls[s] = messageClass(m.type, m.body);
    const op = messageOp(m);
    this.opClient[s] = op ? op[0] : -1;
    this.opNum[s] = op ? op[1] : 0;
    return s;
  }
}

/** The messages in flight in `sim` (at most MAX_FRAME_MESSAGES), as columns. */
function messageColumns(sim: Sim, memo: MessageMemo): { columns: MessageColumns; inFlight: number } {
  const inFlight = sim.pendingMessages;
  const n = Math.min(inFlight, MAX_FRAME_MESSAGES);
  // Under 128 KiB (5,000 messages): an allocator serves it without mapping fresh pages.
  const buf = new ArrayBuffer(n * MESSAGE_BYTES);
  let at = 0;
  const f32 = () => {
    const a = new Float32Array(buf, at, n);
    at += n * 4;
    return a;
  };
  const sentUs = f32();
  const departUs = f32();
  const deliverUs = f32();
  const opNum = new Uint32Array(buf, at, n);
  at += n * 4;
  const opClient = new Int32Array(buf, at, n);
  at += n * 4;
  const from = new Uint16Array(buf, at, n);
  at += n * 2;
  const to = new Uint16Array(buf, at, n);
  at += n * 2;
  const cls = new Uint8Array(buf, at, n);
  const baseUs = sim.nowUs;
  let k = 0;
  sim.eachInFlight((m) => {
    if (k >= n) return false;
    const s = memo.slot(m);
    from[k] = m.from;
    to[k] = m.to;
    cls[k] = memo.cls[s];
    sentUs[k] = m.sentUs - baseUs;
    departUs[k] = m.departUs - baseUs;
    deliverUs[k] = m.deliverUs - baseUs;
    opClient[k] = memo.opClient[s];
    opNum[k] = memo.opNum[s];
    k++;
  });
  return { columns: { count: n, baseUs, from, to, cls, sentUs, departUs, deliverUs, opClient, opNum }, inFlight };
}

const SECOND_US = 1_000_000;

function secondOf(atUs: number): number {
  return Math.floor(atUs / SECOND_US) * SECOND_US;
}

/** The first entry at or after `atUs` (the history is in time order). */
function lowerBound(h: { length: number; atUsAt(i: number): number }, atUs: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.atUsAt(mid) < atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What the runner recorded, digested once, as it records it: the checkers' findings (asked
 * as of any moment) and per-second operation statistics.
 */
class RunDigest {
  readonly checks: CheckerSet;
  readonly ops = new OpSeconds();

  constructor(spec: WorldSpec) {
    this.checks = new CheckerSet(spec);
  }

  feed(runner: Sim): void {
    const j = runner.journals;
    this.checks.feed(j.history, j.marks.items);
    this.ops.feed(j.history);
  }
}

function emptyStat(atUs: number): OpStat {
  return { atUs, reads: 0, writes: 0, ok: 0, errors: {}, latencyCount: 0, latencyUsSum: 0, latencyUsMax: 0 };
}

function addCompletion(b: OpStat, h: HistoryReader, i: number): void {
  if (h.isWrite(i)) b.writes++;
  else b.reads++;
  if (h.typeAt(i) === 'ok') b.ok++;
  else {
    // From its column: building the entry for it was an object per failed request.
    const cause = h.errorAt(i) ?? 'unknown';
    b.errors[cause] = (b.errors[cause] ?? 0) + 1;
  }
  // Completions carry their invocation time.
  const invokedUs = h.invokedUsAt(i);
  if (invokedUs >= 0) {
    const latencyUs = h.atUsAt(i) - invokedUs;
    b.latencyCount++;
    b.latencyUsSum += latencyUs;
    if (latencyUs > b.latencyUsMax) b.latencyUsMax = latencyUs;
  }
}

function copyStat(b: OpStat): OpStat {
  return { ...b, errors: { ...b.errors } };
}

/** Per-second sums over the client history, kept as the runner records it. */
class OpSeconds {
  /** One per second with a completion, in time order; the last may still be growing. */
  private readonly seconds: OpStat[] = [];
  private fed = 0;
  /** The second of the moment last asked about, summed up to the entry before `end`. */
  private partial: { stat: OpStat; end: number } | null = null;

  feed(h: HistoryReader): void {
    const s = this.seconds;
    for (let i = this.fed; i < h.length; i++) {
      if (h.typeAt(i) === 'invoke') continue;
      const atUs = secondOf(h.atUsAt(i));
      let b = s[s.length - 1];
      if (!b || b.atUs !== atUs) s.push((b = emptyStat(atUs)));
      addCompletion(b, h, i);
    }
    this.fed = h.length;
  }

  /**
   * The seconds from `fromUs` to `atUs` as of `atUs`, when the history up to it is its first
   * `length` entries: earlier seconds are complete; the second of `atUs` is summed up to it.
   */
  between(h: HistoryReader, fromUs: number, atUs: number, length: number): OpStat[] {
    const s = this.seconds;
    const current = secondOf(atUs);
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid].atUs < secondOf(fromUs)) lo = mid + 1;
      else hi = mid;
    }
    const out: OpStat[] = [];
    for (let i = lo; i < s.length && s[i].atUs < current; i++) out.push(copyStat(s[i]));
    // The second under way: carried on from the last frame's sum when it is the same second.
    let p = this.partial;
    if (!p || p.stat.atUs !== current || p.end > length) {
      p = this.partial = { stat: emptyStat(current), end: lowerBound(h, current) };
    }
    for (let i = p.end; i < length; i++) if (h.typeAt(i) !== 'invoke') addCompletion(p.stat, h, i);
    p.end = Math.max(p.end, length);
    if (p.stat.reads + p.stat.writes > 0) out.push(copyStat(p.stat));
    return out;
  }
}

/**
 * Give every fault an id, so the timeline can be edited by id. Ids already present are
 * kept; new ones are f1, f2, ... skipping those taken.
 */
function withFaultIds(s: HostScenario): HostScenario {
  const taken = new Set(s.faults.map((f) => f.id).filter((id): id is string => id !== undefined));
  let n = 1;
  const faults = s.faults.map((f) => {
    if (f.id !== undefined) return f;
    while (taken.has(`f${n}`)) n++;
    taken.add(`f${n}`);
    return { ...f, id: `f${n}` };
  });
  return { ...s, faults };
}
