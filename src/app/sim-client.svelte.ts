// The UI's handle on the simulation worker. It owns the worker, keeps at most one request
// outstanding (a newer wish replaces an older one that has not been sent: superseded
// requests are dropped, never applied late), and exposes the latest frame as raw state
// (replaced whole, never deeply proxied: a frame of thousands of messages must not become
// thousands of proxies).
//
// Playback maps wall time to virtual time here (target = previous + wall elapsed x speed);
// the worker never paces itself by the wall clock.

import * as Comlink from 'comlink';
import type { Frame, SimApi, ValidationIssue } from '../sim/host';
import type { LogEntry } from '../sim/kernel/component';

/** Log lines the page keeps; older ones scroll away. */
const MAX_LOG = 500;

type Job = (api: Comlink.Remote<SimApi>) => Promise<Frame | null>;

export class SimClient {
  frame = $state.raw<Frame | null>(null);
  log = $state.raw<LogEntry[]>([]);
  title = $state('');
  durationMs = $state(0);
  seed = $state(0);
  playing = $state(false);
  /** Virtual seconds per wall second. */
  speed = $state(1);
  errors = $state.raw<ValidationIssue[]>([]);
  failure = $state<string | null>(null);

  private worker!: Worker;
  private api!: Comlink.Remote<SimApi>;
  private running = false;
  private next: Job | null = null;
  private targetUs = 0;
  private lastWallMs = 0;
  private rafId = 0;
  private lastDocument: unknown = null;

  constructor() {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(new URL('../../workers/sim.worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('error', (e) => this.crashed(e.message || 'the simulation worker failed'));
    this.api = Comlink.wrap<SimApi>(this.worker);
  }

  /** A worker that died is replaced, and the scenario reloaded, so the page stays usable. */
  private crashed(reason: string): void {
    this.pause();
    this.failure = `The simulation stopped: ${reason}. It has been restarted.`;
    this.worker.terminate();
    this.spawn();
    this.running = false;
    this.next = null;
    if (this.lastDocument !== null) void this.load(this.lastDocument);
  }

  async load(document: unknown): Promise<boolean> {
    this.pause();
    this.next = null;
    const res = await this.api.load(document);
    if (!res.ok) {
      this.errors = res.errors;
      return false;
    }
    this.lastDocument = document;
    this.errors = [];
    this.failure = null;
    this.title = res.title;
    this.durationMs = res.durationMs;
    this.seed = res.seed;
    this.targetUs = 0;
    this.apply(res.frame);
    return true;
  }

  /** Queue a request; if one is already waiting to be sent, this one replaces it. */
  private request(job: Job): void {
    this.next = job;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.next) {
      const job = this.next;
      this.next = null;
      try {
        const f = await job(this.api);
        if (f) this.apply(f);
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
      }
    }
    this.running = false;
  }

  private apply(f: Frame): void {
    this.frame = f;
    const log = f.full ? f.log : this.log.concat(f.log);
    this.log = log.length > MAX_LOG ? log.slice(log.length - MAX_LOG) : log;
    if (f.aborted) {
      this.pause();
      this.failure = `The run stopped at ${(f.aborted.atUs / 1e6).toFixed(3)} s: ${f.aborted.reason}.`;
    }
  }

  play(): void {
    if (this.playing || !this.frame) return;
    if (this.frame.nowUs >= this.durationMs * 1000) return;
    this.playing = true;
    this.targetUs = this.frame.nowUs;
    this.lastWallMs = performance.now();
    const tick = (wallMs: number) => {
      if (!this.playing) return;
      const endUs = this.durationMs * 1000;
      this.targetUs = Math.min(endUs, this.targetUs + (wallMs - this.lastWallMs) * 1000 * this.speed);
      this.lastWallMs = wallMs;
      // Ask only when nothing is in flight: the worker answers one frame at a time.
      if (!this.running) {
        const target = this.targetUs;
        this.request((api) => api.advanceTo(target));
      }
      if (this.targetUs >= endUs && this.frame && this.frame.nowUs >= endUs) this.pause();
      else this.rafId = requestAnimationFrame(tick);
    };
    this.rafId = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.rafId);
  }

  seek(targetMs: number): void {
    const us = Math.max(0, Math.min(this.durationMs, targetMs)) * 1000;
    this.targetUs = us;
    this.request((api) => api.seek(us));
  }

  step(): void {
    this.pause();
    this.request((api) => api.step());
  }

  dispose(): void {
    this.pause();
    this.worker.terminate();
  }
}
