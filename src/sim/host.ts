// The worker contract: what the UI may ask of a running simulation, and the frames it gets
// back. The worker (workers/sim.worker.ts) exposes a SimHost through comlink; the CLI and
// tests use the same class directly or over a MessageChannel.
//
// Frames are plain structured-clone data and bounded: at most MAX_FRAME_MESSAGES messages,
// MAX_FRAME_LOG log lines, MAX_FRAME_MARKS marks. Journal entries are sent once ("new since
// the last frame"); a frame with `full: true` (after a load or seek) replaces what the UI
// had. One call runs at most EVENTS_PER_CALL events, so a heavy stretch of a scenario never
// holds the worker for long: the frame then says `reached: false` and the UI asks again.

import type { FaultSpec, WorldSpec } from './spec';
import type { HistoryEntry, LogEntry, Mark, MetricSample, NodeView } from './kernel/component';
import type { Aborted } from './kernel/limits';
import { Sim, EV_DELIVER } from './kernel/sim';
import { createSim } from './world';
import { anomaliesOf, summarize, type RunSummary } from './report';
import type { Anomaly } from './checks';

export const EVENTS_PER_CALL = 400_000;
export const MAX_FRAME_MESSAGES = 5_000;
export const MAX_FRAME_LOG = 500;
export const MAX_FRAME_MARKS = 2_000;
export const MAX_FRAME_SAMPLES = 20_000;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** A scenario as the host needs it: the world plus the document's own fields. */
export type HostScenario = WorldSpec & { title?: string; [extra: string]: unknown };

export type Validate = (input: unknown) => { ok: true; scenario: HostScenario } | { ok: false; errors: ValidationIssue[] };

export interface MessageView {
  id: number;
  from: string;
  to: string;
  type: string;
  bytes: number;
  sentUs: number;
  departUs: number;
  deliverUs: number;
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
  messages: MessageView[];
  /** All messages in flight, of which `messages` holds at most MAX_FRAME_MESSAGES. */
  messagesInFlight: number;
  log: LogEntry[];
  marks: Mark[];
  samples: MetricSample[];
  anomalies: Anomaly[];
  nextEventUs: number | null;
  aborted: Aborted | null;
}

export type LoadResult =
  | { ok: true; title: string; seed: number; durationMs: number; scenario: HostScenario; frame: Frame }
  | { ok: false; errors: ValidationIssue[] };

export type FaultsResult = { ok: true; faults: FaultSpec[]; frame: Frame } | { ok: false; errors: ValidationIssue[] };

export interface SimApi {
  load(input: unknown): LoadResult;
  advanceTo(targetUs: number): Frame;
  seek(targetUs: number): Frame;
  step(): Frame;
  addFault(fault: unknown): FaultsResult;
  removeFault(id: string): FaultsResult;
  summary(): RunSummary;
  history(): HistoryEntry[];
}

export class SimHost implements SimApi {
  private sim: Sim | null = null;
  private scenario: HostScenario | null = null;
  private cursor = { log: 0, marks: 0, samples: 0 };

  constructor(private readonly validate: Validate) {}

  load(input: unknown): LoadResult {
    const res = this.validate(input);
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    let sim: Sim;
    try {
      sim = createSim(scenario);
    } catch (e) {
      return { ok: false, errors: [{ path: '', message: e instanceof Error ? e.message : String(e) }] };
    }
    this.sim = sim;
    this.scenario = scenario;
    return {
      ok: true,
      title: scenario.title ?? 'Untitled scenario',
      seed: scenario.seed,
      durationMs: scenario.durationMs,
      scenario,
      frame: this.frame(true, true),
    };
  }

  advanceTo(targetUs: number): Frame {
    const sim = this.need();
    const r = sim.advanceTo(Math.max(0, Math.round(targetUs)), EVENTS_PER_CALL);
    return this.frame(r !== 'budget', false);
  }

  seek(targetUs: number): Frame {
    const sim = this.need();
    // Backwards, a seek replays at most about two checkpoint spacings. Forwards it runs what
    // lies between, bounded only by the run's event budget: a seek must land where asked.
    sim.seek(Math.max(0, Math.round(targetUs)));
    return this.frame(true, true);
  }

  step(): Frame {
    const sim = this.need();
    sim.step();
    return this.frame(true, false);
  }

  addFault(fault: unknown): FaultsResult {
    const scenario = this.needScenario();
    const faults = [...scenario.faults, fault as FaultSpec];
    return this.replaceFaults(faults);
  }

  removeFault(id: string): FaultsResult {
    const scenario = this.needScenario();
    const faults = scenario.faults.filter((f) => f.id !== id);
    if (faults.length === scenario.faults.length) return { ok: false, errors: [{ path: 'faults', message: `there is no fault with id '${id}'` }] };
    return this.replaceFaults(faults);
  }

  summary(): RunSummary {
    return summarize(this.need());
  }

  history(): HistoryEntry[] {
    return this.need().journals.history.items.slice();
  }

  /** Every change to the timeline goes through the validator, like any other input. */
  private replaceFaults(faults: FaultSpec[]): FaultsResult {
    const sim = this.need();
    const res = this.validate({ ...this.scenario, faults });
    if (!res.ok) return res;
    const scenario = withFaultIds(res.scenario);
    this.scenario = scenario;
    sim.setFaults(scenario.faults);
    return { ok: true, faults: scenario.faults, frame: this.frame(true, true) };
  }

  private need(): Sim {
    if (!this.sim) throw new Error('no scenario is loaded');
    return this.sim;
  }

  private needScenario(): HostScenario {
    this.need();
    return this.scenario!;
  }

  private frame(reached: boolean, full: boolean): Frame {
    const sim = this.need();
    const j = sim.journals;
    if (full) {
      // Whatever the UI had may no longer be true (a rewind truncated the journals): resend.
      this.cursor = {
        log: Math.max(0, j.log.length - MAX_FRAME_LOG),
        marks: Math.max(0, j.marks.length - MAX_FRAME_MARKS),
        samples: Math.max(0, j.samples.length - MAX_FRAME_SAMPLES),
      };
    }
    const log = j.log.since(this.cursor.log, MAX_FRAME_LOG);
    const marks = j.marks.since(this.cursor.marks, MAX_FRAME_MARKS);
    const samples = j.samples.since(this.cursor.samples, MAX_FRAME_SAMPLES);
    this.cursor.log += log.length;
    this.cursor.marks += marks.length;
    this.cursor.samples += samples.length;

    const messages: MessageView[] = [];
    let inFlight = 0;
    for (const ev of sim.state.queue) {
      if (ev.k !== EV_DELIVER) continue;
      inFlight++;
      if (messages.length >= MAX_FRAME_MESSAGES) continue;
      const m = ev.p;
      messages.push({ id: m.id, from: sim.ids[m.from], to: sim.ids[m.to], type: m.type, bytes: m.bytes, sentUs: m.sentUs, departUs: m.departUs, deliverUs: m.deliverUs });
    }
    const next = sim.nextEventUs();
    return {
      nowUs: sim.nowUs,
      events: sim.state.executed,
      trace: sim.traceHex(),
      reached,
      full,
      nodes: sim.ids.map((_, i) => sim.view(i)),
      messages,
      messagesInFlight: inFlight,
      log,
      marks,
      samples,
      anomalies: anomaliesOf(sim),
      nextEventUs: next === Infinity ? null : next,
      aborted: sim.aborted,
    };
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
