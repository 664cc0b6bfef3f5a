import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { SimHost, type Frame, type SimApi } from '../../src/sim/host';
import type { FaultSpec } from '../../src/sim/spec';
import { validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';

// The page's session of a simulation (src/app/session/), over a real comlink channel to a real
// SimHost (Node has no Worker: a MessageChannel stands in for one). What is checked is the
// contract the page relies on: one request at a time, superseded frame requests dropped,
// scenario changes never dropped, and a failed worker replaced.

/** Every call the host receives, and how many were running at once at most. */
const calls: string[] = [];
let running = 0;
let maxRunning = 0;

/** How long each worker to be made takes to answer, ms (5 when not said). */
const answerMs: number[] = [];

class CountingHost extends SimHost {
  constructor(readonly delayMs = 5) {
    super((x) => validateScenario(x) as never);
  }
}
for (const name of ['load', 'advanceTo', 'seek', 'step', 'addFault', 'removeFault'] as const) {
  const original = SimHost.prototype[name] as (...args: unknown[]) => unknown;
  (CountingHost.prototype as unknown as Record<string, unknown>)[name] = async function (this: SimHost, ...args: unknown[]) {
    calls.push(`${name}(${typeof args[0] === 'number' ? args[0] : ''})`);
    running++;
    maxRunning = Math.max(maxRunning, running);
    // Answer later, as a busy worker does, so that wishes pile up meanwhile.
    await new Promise((r) => setTimeout(r, (this as CountingHost).delayMs));
    try {
      return original.apply(this, args);
    } finally {
      running--;
    }
  };
}

type Port = InstanceType<typeof MessageChannel>['port1'];
const ports: Port[] = [];
class FakeWorker {
  private readonly port: Port;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(new CountingHost(answerMs.shift()) as unknown as SimApi, port1);
    ports.push(port1, port2);
    this.port = port2;
  }
  postMessage(m: unknown, transfer?: unknown) {
    // Node's and the DOM's typings of postMessage differ; both take (message, transfer list).
    (this.port.postMessage as (m: unknown, t?: unknown) => void).call(this.port, m, transfer);
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    if (type === 'message') {
      this.port.addEventListener('message', fn);
      this.port.start();
    }
  }
  removeEventListener(type: string, fn: (e: Event) => void) {
    if (type === 'message') this.port.removeEventListener('message', fn);
  }
  terminate() {
    this.port.close();
  }
}

beforeAll(() => {
  const g = globalThis as Record<string, unknown>;
  g.Worker = FakeWorker;
  g.window = globalThis;
  // Playback is not exercised here; pausing must still work.
  g.requestAnimationFrame = () => 0;
  g.cancelAnimationFrame = () => undefined;
});
afterEach(() => {
  ports.splice(0).forEach((p) => p.close());
  calls.length = 0;
  maxRunning = 0;
});

const doc = builtIn('first-failover')!.document;

/**
 * The session (a worker channel, run buffers, document edits and a playhead) and its clock are
 * rune classes compiled by the Svelte plugin; this file is also type-checked without the DOM's
 * types, so they are imported by paths TypeScript does not follow, and seen here through the
 * calls the page makes, as far as the tests use them.
 */
interface Client {
  frame: Frame | null;
  doc: { faults: FaultSpec[] } | null;
  failure: string | null;
  notice: string | null;
  busy: boolean;
  load(doc: unknown): Promise<boolean>;
  seek(ms: number): void;
  addFault(f: unknown): Promise<boolean>;
  moveFault(id: string, atMs: number): Promise<boolean>;
  sendUnanswerable(): void;
  dispose(): void;
}
interface Session {
  run: { frame: Frame | null };
  document: { doc: { faults: FaultSpec[] } | null; load(doc: unknown): Promise<boolean>; addFault(f: unknown): Promise<boolean>; moveFault(id: string, atMs: number): Promise<boolean> };
  channel: { sendUnanswerable(): void };
  failure: string | null;
  notice: string | null;
  busy: boolean;
  dispose(): void;
}
const SESSION_MODULE = '../../src/app/session/session.svelte';
const PLAYBACK_MODULE = '../../src/app/session/playback.svelte';
async function newClient(): Promise<Client> {
  const { SimSession } = (await import(/* @vite-ignore */ SESSION_MODULE)) as { SimSession: new (p: unknown) => Session };
  const { Playback } = (await import(/* @vite-ignore */ PLAYBACK_MODULE)) as { Playback: new () => { seek(ms: number): void } };
  const playback = new Playback();
  const s = new SimSession(playback);
  return {
    get frame() {
      return s.run.frame;
    },
    get doc() {
      return s.document.doc;
    },
    get failure() {
      return s.failure;
    },
    get notice() {
      return s.notice;
    },
    get busy() {
      return s.busy;
    },
    load: (d) => s.document.load(d),
    seek: (ms) => playback.seek(ms),
    addFault: (f) => s.document.addFault(f),
    moveFault: (id, atMs) => s.document.moveFault(id, atMs),
    sendUnanswerable: () => s.channel.sendUnanswerable(),
    dispose: () => s.dispose(),
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('the page\'s simulation session', () => {
  it('sends one request at a time and drops the frame requests a newer one superseded', async () => {
    const sim = await newClient();
    expect(await sim.load(doc)).toBe(true);
    calls.length = 0;
    sim.seek(1000);
    sim.seek(2000);
    sim.seek(3000);
    sim.seek(4000);
    await until(() => sim.frame?.nowUs === 4_000_000, 'the last seek');
    expect(maxRunning).toBe(1);
    // The first went out at once; of the three that waited, only the newest was sent.
    expect(calls).toEqual(['seek(1000000)', 'seek(4000000)']);
    sim.dispose();
  });

  it('a seek asked for while a scenario loads lands on that scenario (End before it is ready)', async () => {
    const sim = await newClient();
    const loaded = sim.load(doc);
    sim.seek(Infinity);
    expect(await loaded).toBe(true);
    const endUs = (doc as { durationMs: number }).durationMs * 1000;
    await until(() => sim.frame?.nowUs === endUs, 'the end of the loaded run');
    expect(calls.filter((c) => c.startsWith('seek'))).toEqual([`seek(${endUs})`]);
    sim.dispose();
  });

  it('never drops a change to the scenario, even among superseded frame requests', async () => {
    const sim = await newClient();
    await sim.load(doc);
    sim.seek(10_000);
    const added = sim.addFault({ atMs: 5000, kind: 'crash', target: 'db3' });
    sim.seek(20_000);
    sim.seek(40_000);
    expect(await added).toBe(true);
    await until(() => sim.frame?.nowUs === 40_000_000, 'the last seek');
    expect(sim.doc!.faults.map((f) => f.kind + ' ' + (f as { target: string }).target)).toEqual(['crash db1', 'crash db3']);
    expect(sim.frame!.nodes.find((n) => n.id === 'db3')!.status).toBe('down');
    expect(calls.filter((c) => c.startsWith('seek'))).not.toContain('seek(20000000)');
    expect(maxRunning).toBe(1);
    sim.dispose();
  });

  it('moves a fault as remove + add, and puts it back if the new time is refused', async () => {
    const sim = await newClient();
    await sim.load(doc);
    expect(await sim.moveFault('crash-db1', 50_000)).toBe(true);
    expect(sim.doc!.faults).toEqual([{ id: 'crash-db1', atMs: 50_000, kind: 'crash', target: 'db1' }]);
    expect(await sim.addFault({ atMs: 1000, kind: 'crash', target: 'nobody' })).toBe(false);
    expect(sim.notice).toMatch(/nobody/);
    expect(sim.doc!.faults).toHaveLength(1);
    sim.dispose();
  });

  it('two sessions on one clock (a comparison) play together, and stop on one moment', async () => {
    type Run = { run: { frame: Frame | null }; idle: boolean; document: { load(doc: unknown): Promise<boolean> }; dispose(): void };
    const { SimSession } = (await import(/* @vite-ignore */ SESSION_MODULE)) as { SimSession: new (p: unknown) => Run };
    const { Playback } = (await import(/* @vite-ignore */ PLAYBACK_MODULE)) as {
      Playback: new () => { play(): void; pause(): void; seek(ms: number): void; speedIndex: number; playing: boolean };
    };
    const g = globalThis as Record<string, unknown>;
    const [raf, caf] = [g.requestAnimationFrame, g.cancelAnimationFrame];
    // Animation frames as a browser gives them, so that playing plays.
    g.requestAnimationFrame = (cb: (ms: number) => void) => setTimeout(() => cb(performance.now()), 4);
    g.cancelAnimationFrame = (id: ReturnType<typeof setTimeout>) => clearTimeout(id);
    const playback = new Playback();
    // B's worker answers eight times slower: while playing, A's frames come more often.
    answerMs.push(5, 40);
    const a = new SimSession(playback);
    const b = new SimSession(playback);
    try {
      const withFault = { ...(doc as object), faults: [...(doc as { faults: unknown[] }).faults, { id: 'x', atMs: 1000, kind: 'crash', target: 'db2' }] };
      expect(await a.document.load(doc)).toBe(true);
      expect(await b.document.load(withFault)).toBe(true);
      // 20x: the clock moves on by a good deal while B's answer is on its way, so the two are
      // asked for different moments (at 2x, B's lag caps the clock and they meet by themselves).
      playback.speedIndex = 14;
      playback.play();
      // Each run moves as fast as its worker answers: caught while they are apart, play stops.
      await until(() => a.run.frame!.nowUs > 500_000 && a.run.frame!.nowUs !== b.run.frame!.nowUs, 'both runs playing, apart');
      playback.pause();
      await until(() => a.idle && b.idle && !playback.playing, 'both runs settled');
      expect(b.run.frame!.nowUs).toBe(a.run.frame!.nowUs);
      expect(a.run.frame!.nowUs).toBeGreaterThan(500_000);
      playback.seek(7_000);
      await until(() => a.idle && b.idle, 'the seek');
      expect([a.run.frame!.nowUs, b.run.frame!.nowUs]).toEqual([7_000_000, 7_000_000]);
    } finally {
      a.dispose();
      b.dispose();
      [g.requestAnimationFrame, g.cancelAnimationFrame] = [raf, caf];
    }
  });

  it('inside the known range the clock runs at the speed asked for, however slowly frames come; beyond it, it leads the last frame by a little only', async () => {
    type Run = { run: { frame: Frame | null; runAhead: { knownUs: number } | null }; idle: boolean; document: { load(doc: unknown): Promise<boolean> }; dispose(): void };
    const { SimSession } = (await import(/* @vite-ignore */ SESSION_MODULE)) as { SimSession: new (p: unknown) => Run };
    const { Playback } = (await import(/* @vite-ignore */ PLAYBACK_MODULE)) as {
      Playback: new () => { play(): void; pause(): void; seek(ms: number): void; speedIndex: number; playing: boolean };
    };
    const { SPEEDS_X } = await import('../../src/app/speeds');
    const g = globalThis as Record<string, unknown>;
    const [raf, caf] = [g.requestAnimationFrame, g.cancelAnimationFrame];
    // Animation frames by hand, each a quarter of a second of wall time after the last.
    let tick: ((ms: number) => void) | null = null;
    g.requestAnimationFrame = (cb: (ms: number) => void) => ((tick = cb), 1);
    g.cancelAnimationFrame = () => (tick = null);
    const frameAfter = (ms: number) => {
      const cb = tick!;
      tick = null;
      cb(performance.now() + ms);
    };
    const playback = new Playback();
    answerMs.push(30);
    const a = new SimSession(playback);
    try {
      expect(await a.document.load(doc)).toBe(true);
      const endUs = (doc as { durationMs: number }).durationMs * 1000;
      // To the end and back: the whole run is known (this host runs ahead only when asked).
      playback.seek(Infinity);
      await until(() => a.idle && a.run.frame?.nowUs === endUs, 'the end');
      playback.seek(0);
      await until(() => a.idle && a.run.frame?.nowUs === 0, 'the start');
      expect(a.run.runAhead?.knownUs).toBe(endUs);
      playback.speedIndex = SPEEDS_X.indexOf(20);
      calls.length = 0;
      playback.play();
      // A quarter of a second at 20x is 5 s of the run: asked for at once, though the frame
      // shown is at 0 (capped at the last frame's lead, it would be 2 s: 100 ms at 20x).
      frameAfter(250);
      await until(() => calls.length > 0, 'the request');
      expect(calls).toEqual(['advanceTo(5000000)']);
      playback.pause();
      await until(() => a.idle, 'the frame');
      expect(a.run.frame!.nowUs).toBe(5_000_000);
    } finally {
      a.dispose();
      [g.requestAnimationFrame, g.cancelAnimationFrame] = [raf, caf];
    }

    // A run known only as far as it was shown: the clock leads the last frame by 100 ms of
    // wall time at the speed asked for, no more.
    answerMs.push(30);
    const alone = new Playback();
    alone.speedIndex = SPEEDS_X.indexOf(20);
    const b = new SimSession(alone);
    g.requestAnimationFrame = (cb: (ms: number) => void) => ((tick = cb), 1);
    g.cancelAnimationFrame = () => (tick = null);
    try {
      expect(await b.document.load(doc)).toBe(true);
      expect(b.run.runAhead?.knownUs).toBe(0);
      calls.length = 0;
      alone.play();
      frameAfter(250);
      await until(() => calls.length > 0, 'the request');
      expect(calls).toEqual(['advanceTo(2000000)']);
      alone.pause();
      await until(() => b.idle, 'the frame');
    } finally {
      b.dispose();
      [g.requestAnimationFrame, g.cancelAnimationFrame] = [raf, caf];
    }
  });

  it('replaces a worker whose request failed, keeping the learner\'s scenario', async () => {
    const sim = await newClient();
    await sim.load(doc);
    await sim.addFault({ atMs: 2000, kind: 'crash', target: 'db2' });
    sim.sendUnanswerable();
    await until(() => sim.failure !== null, 'the failure');
    expect(sim.failure).toMatch(/restarted/);
    await until(() => !sim.busy && sim.frame?.nowUs === 0 && sim.doc?.faults.length === 2, 'the reload');
    sim.seek(3000);
    await until(() => sim.frame?.nowUs === 3_000_000, 'a seek on the new worker');
    expect(sim.frame!.nodes.find((n) => n.id === 'db2')!.status).toBe('down');
    sim.dispose();
  });
});
