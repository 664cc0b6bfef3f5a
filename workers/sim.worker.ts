// The simulation's thread: a thin comlink wrapper around SimHost. Every input is validated
// here by the scenario layer's one validator before the core sees it.
//
// Two things only a worker can give the host: a wall clock (the core never reads one: it
// bounds run-ahead slices, long seeks and the linearizability check) and a way to run the
// next run-ahead slice after the requests already waiting. A frame's message columns are
// one buffer, moved to the page rather than copied.
import * as Comlink from 'comlink';
import { SimHost, type Frame, type Pending, type SimApi } from '../src/sim/host';
import { parseScenario, validateScenario } from '../src/scenario/validate';

// A message to ourselves queues behind the page's requests already received, and unlike
// setTimeout(0) it is not clamped to 4 ms when slices follow each other.
const loop = new MessageChannel();
const waiting: (() => void)[] = [];
loop.port1.onmessage = () => waiting.shift()?.();
function defer(fn: () => void): void {
  waiting.push(fn);
  loop.port2.postMessage(null);
}

const host = new SimHost((input) => (typeof input === 'string' ? parseScenario(input) : validateScenario(input)), {
  now: () => performance.now(),
  defer,
  later: (fn, ms) => setTimeout(fn, ms),
});

/** Hand over the frame's message buffer (in `value`, or in its `frame`) instead of copying it. */
function moved<T>(value: T): T {
  const v = value as { frame?: Frame | Pending } & Partial<Frame>;
  const frame = v.frame !== undefined ? v.frame : v;
  const buffer = frame && 'messages' in frame ? frame.messages?.from.buffer : undefined;
  return buffer instanceof ArrayBuffer ? Comlink.transfer(value, [buffer]) : value;
}

/** A request, counted in the host's work profile as `call.<name>`. */
function timed<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    host.noteWork(`call.${name}`, t0);
  }
}

const api: SimApi & { spinForTest(ms: number): void } = {
  load: (input) => timed('load', () => moved(host.load(input))),
  advanceTo: (targetUs, maxEvents) => timed('advanceTo', () => moved(host.advanceTo(targetUs, maxEvents))),
  seek: (targetUs) => timed('seek', () => moved(host.seek(targetUs))),
  step: () => timed('step', () => moved(host.step())),
  progress: () => host.progress(),
  addFault: (fault) => timed('addFault', () => moved(host.addFault(fault))),
  removeFault: (id) => timed('removeFault', () => moved(host.removeFault(id))),
  summary: () => host.summary(),
  history: () => host.history(),
  linearizability: (options) => host.linearizability(options),
  historyWindow: (query) => host.historyWindow(query),
  historyJson: () => host.historyJson(),
  workProfile: (reset) => host.workProfile(reset),
  /**
   * Computes for `ms` without answering, as a runaway replay does. Only the page's test hook
   * (a page opened with ?testhook) asks for it, to test how the page lets a learner stop it.
   */
  spinForTest: (ms) => {
    const end = performance.now() + Math.min(ms, 600_000);
    while (performance.now() < end) {
      // busy, on purpose
    }
  },
};
Comlink.expose(api);
