// A handle for browser tests and the browser benchmark, so they can drive the page to a known
// state (seek to t = N, load a generated scenario) and then assert, instead of waiting for
// wall time to pass. It is installed only when the page's address asks for it
// (`?testhook`), so a learner's page has no such global.

import type { SimClient, ScenarioDoc } from './sim-client.svelte';
import type { Point } from './stage/layout';
import type { PendingSave } from './autosave';

export interface FaultlineHook {
  state(): {
    nowUs: number;
    trace: string;
    events: number;
    playing: boolean;
    busy: boolean;
    /** Nothing is outstanding or waiting for the worker, and no seek is on its way. */
    idle: boolean;
    messagesInFlight: number;
    anomalies: { kind: string; atUs: number; nodes: string[] }[];
    failure: string | null;
    /** What the worker has been working on for over a second, or null. */
    slow: string | null;
    notice: string | null;
    /** How far the worker has simulated ahead, and why not further (null before a load). */
    runAhead: { knownUs: number; state: string; bytes: number } | null;
    /** Frames asked for since play was last pressed (see SimClient.playback). */
    playback: { frames: number; known: number; knownShort: number; short: number };
  };
  doc(): ScenarioDoc | null;
  /** The node selected on the stage or in the inspector. */
  selected(): string | null;
  /** True while an autosave of the learner's work waits for its delay or is being written. */
  savePending(): boolean;
  /** The autosave's delay after the last change, ms: a test makes the window of a race wide. */
  setAutosaveDelay(ms: number): void;
  /** The linearizability check's step budget (undefined: the default); a tiny one shows `unknown`. */
  setCheckBudget(steps: number | undefined): void;
  load(doc: unknown): Promise<boolean>;
  seek(ms: number): void;
  play(): void;
  pause(): void;
  setSpeed(speedX: number): void;
  /** Where a node's centre is on the page, in CSS pixels. */
  nodePoint(id: string): Point | null;
  /** Send the worker a request it cannot answer, to exercise the recovery path. */
  breakWorker(): void;
  /** Make the worker compute for `ms` without answering (a stuck run), with the watchdog beyond it. */
  stallWorker(ms: number): void;
  /** How long a request may take before the worker is taken for hung. */
  setWatchdogMs(ms: number): void;
  /** Start recording animation-frame timestamps and worker round trips. */
  perfStart(): void;
  perfStop(): { frameMs: number[]; workerMs: number[] };
}

declare global {
  interface Window {
    __faultline?: FaultlineHook;
  }
}

/** Frame intervals recorded at most. */
const MAX_FRAMES = 20_000;

export function installTestHook(
  sim: SimClient,
  nodePoint: (id: string) => Point | null,
  speeds: readonly number[],
  setSpeedIndex: (i: number) => void,
  page: { selected: () => string | null; setCheckBudget?: (steps: number | undefined) => void; autosave?: PendingSave } = { selected: () => null },
): void {
  if (!new URLSearchParams(location.search).has('testhook')) return;
  let recording = false;
  let frameMs: number[] = [];
  let last = 0;
  let workerFrom = 0;
  const onFrame = (t: number) => {
    if (!recording) return;
    if (last && frameMs.length < MAX_FRAMES) frameMs.push(t - last);
    last = t;
    requestAnimationFrame(onFrame);
  };
  window.__faultline = {
    state: () => {
      const f = sim.frame;
      return {
        nowUs: f?.nowUs ?? 0,
        trace: f?.trace ?? '',
        events: f?.events ?? 0,
        playing: sim.playing,
        busy: sim.busy,
        idle: sim.idle,
        messagesInFlight: f?.messagesInFlight ?? 0,
        anomalies: (f?.anomalies ?? []).map((a) => ({ kind: a.kind, atUs: a.atUs, nodes: [...a.nodes] })),
        failure: sim.failure,
        slow: sim.slow?.what ?? null,
        notice: sim.notice,
        runAhead: sim.runAhead ? { knownUs: sim.runAhead.knownUs, state: sim.runAhead.state, bytes: sim.runAhead.bytes } : null,
        playback: { ...sim.playback },
      };
    },
    doc: () => (sim.doc ? JSON.parse(JSON.stringify(sim.doc)) : null),
    selected: () => page.selected(),
    setCheckBudget: (steps) => page.setCheckBudget?.(steps),
    savePending: () => page.autosave?.pending ?? false,
    setAutosaveDelay: (ms) => {
      if (page.autosave) page.autosave.delayMs = ms;
    },
    load: (doc) => sim.load(doc),
    seek: (ms) => sim.seek(ms),
    play: () => sim.play(),
    pause: () => sim.pause(),
    setSpeed: (speedX) => {
      let best = 0;
      speeds.forEach((s, i) => {
        if (Math.abs(Math.log(s / speedX)) < Math.abs(Math.log(speeds[best] / speedX))) best = i;
      });
      setSpeedIndex(best);
    },
    nodePoint,
    breakWorker: () => sim.sendUnanswerable(),
    setWatchdogMs: (ms) => (sim.watchdogMs = ms),
    stallWorker: (ms) => {
      sim.watchdogMs = ms + 60_000;
      sim.sendStuck(ms);
    },
    perfStart: () => {
      recording = true;
      frameMs = [];
      last = 0;
      workerFrom = sim.workerMs.length;
      requestAnimationFrame(onFrame);
    },
    perfStop: () => {
      recording = false;
      return { frameMs, workerMs: sim.workerMs.slice(workerFrom) };
    },
  };
}
