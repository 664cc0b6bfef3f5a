// A handle for browser tests and the browser benchmark, so they can drive the page to a known
// state (seek to t = N, load a generated scenario) and then assert, instead of waiting for
// wall time to pass. It is installed only when the page's address asks for it
// (`?testhook`), so a learner's page has no such global.

import type { ScenarioDoc } from './scenario-doc';
import type { SimSession } from './session/session.svelte';
import type { Playback } from './session/playback.svelte';
import { SPEEDS_X } from './speeds';
import type { Point } from './stage/layout';
import type { PendingSave } from './autosave';
import type { WorkProfile } from '../sim/host';

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
    /** Frames asked for since play was last pressed (see Playhead.stats). */
    playback: { frames: number; known: number; knownShort: number; short: number };
  };
  doc(): ScenarioDoc | null;
  /** The second run of a comparison (as `state()` tells of the first), or null when none is open. */
  compareState(): { nowUs: number; trace: string; events: number; busy: boolean; idle: boolean; anomalies: { kind: string; atUs: number }[]; divergedAtUs: number | null | undefined } | null;
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
  /** Where the worker's time went since the load or the last reset (the host's work profile); null if the worker failed. */
  workProfile(reset?: boolean): Promise<WorkProfile | null>;
}

declare global {
  interface Window {
    __faultline?: FaultlineHook;
  }
}

/** Frame intervals recorded at most. */
const MAX_FRAMES = 20_000;

export interface HookPage {
  selected: () => string | null;
  setCheckBudget?: (steps: number | undefined) => void;
  autosave?: PendingSave;
  /** The comparison's session and divergence, when one is open. */
  compare?: () => { session: SimSession; divergedAtUs: number | null | undefined } | null;
}

export function installTestHook(session: SimSession, playback: Playback, nodePoint: (id: string) => Point | null, page: HookPage = { selected: () => null }): void {
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
      const f = session.run.frame;
      return {
        nowUs: f?.nowUs ?? 0,
        trace: f?.trace ?? '',
        events: f?.events ?? 0,
        playing: playback.playing,
        busy: session.busy,
        idle: session.idle,
        messagesInFlight: f?.messagesInFlight ?? 0,
        anomalies: (f?.anomalies ?? []).map((a) => ({ kind: a.kind, atUs: a.atUs, nodes: [...a.nodes] })),
        failure: session.failure,
        slow: session.slow?.what ?? null,
        notice: session.notice,
        runAhead: session.run.runAhead ? { knownUs: session.run.runAhead.knownUs, state: session.run.runAhead.state, bytes: session.run.runAhead.bytes } : null,
        playback: { ...session.head.stats },
      };
    },
    doc: () => (session.document.doc ? JSON.parse(JSON.stringify(session.document.doc)) : null),
    compareState: () => {
      const c = page.compare?.();
      if (!c) return null;
      const f = c.session.run.frame;
      return {
        nowUs: f?.nowUs ?? 0,
        trace: f?.trace ?? '',
        events: f?.events ?? 0,
        busy: c.session.busy,
        idle: c.session.idle,
        anomalies: (f?.anomalies ?? []).map((a) => ({ kind: a.kind, atUs: a.atUs })),
        divergedAtUs: c.divergedAtUs,
      };
    },
    selected: () => page.selected(),
    setCheckBudget: (steps) => page.setCheckBudget?.(steps),
    savePending: () => page.autosave?.pending ?? false,
    setAutosaveDelay: (ms) => {
      if (page.autosave) page.autosave.delayMs = ms;
    },
    load: (doc) => session.document.load(doc),
    seek: (ms) => playback.seek(ms),
    play: () => playback.play(),
    pause: () => playback.pause(),
    setSpeed: (speedX) => {
      let best = 0;
      SPEEDS_X.forEach((s, i) => {
        if (Math.abs(Math.log(s / speedX)) < Math.abs(Math.log(SPEEDS_X[best] / speedX))) best = i;
      });
      playback.speedIndex = best;
    },
    nodePoint,
    breakWorker: () => session.channel.sendUnanswerable(),
    setWatchdogMs: (ms) => (session.channel.watchdogMs = ms),
    stallWorker: (ms) => {
      session.channel.watchdogMs = ms + 60_000;
      session.channel.sendStuck(ms, `running the simulation to ${((session.run.frame?.nowUs ?? 0) / 1e6).toFixed(1)} s and on`);
    },
    perfStart: () => {
      recording = true;
      frameMs = [];
      last = 0;
      workerFrom = session.channel.workerMs.length;
      requestAnimationFrame(onFrame);
    },
    perfStop: () => {
      recording = false;
      return { frameMs, workerMs: session.channel.workerMs.slice(workerFrom) };
    },
    workProfile: (reset) => session.channel.glance((api) => api.workProfile(reset)),
  };
}
