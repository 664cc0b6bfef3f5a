// The clock: playing or paused, at what speed, and where to. It maps wall time to virtual time
// (target = previous + wall elapsed x speed) and asks each session it drives to advance there;
// the worker never paces itself by the wall clock. One clock drives one session, or the two of
// a comparison in lock-step: one set of controls, the same moment on both stages.

import { SPEEDS_X, DEFAULT_SPEED_INDEX } from '../speeds';
import type { SimSession } from './session.svelte';

/** How far virtual time may run ahead of the last frame, in wall time at the playing speed. */
const MAX_LEAD_WALL_MS = 100;
/** A long stall (a background tab) must not turn into a huge jump. */
const MAX_TICK_WALL_MS = 250;

export class Playback {
  playing = $state(false);
  speedIndex = $state(DEFAULT_SPEED_INDEX);
  /** Virtual seconds per wall second. */
  speedX = $derived(SPEEDS_X[this.speedIndex]);
  /** Where playback stops by itself (a narration entry on a guided tour), or null: the end. */
  stopAtUs = $state<number | null>(null);
  /** The sessions this clock drives; the first is the one the rest follow. */
  sessions = $state.raw<SimSession[]>([]);
  private targetUs = 0;
  private lastWallMs = 0;
  private rafId = 0;

  attach(s: SimSession): void {
    if (!this.sessions.includes(s)) this.sessions = [...this.sessions, s];
  }

  detach(s: SimSession): void {
    this.sessions = this.sessions.filter((x) => x !== s);
  }

  private get primary(): SimSession | undefined {
    return this.sessions[0];
  }

  /** A session loaded a document: the clock starts again from its first frame. */
  sessionLoaded(s: SimSession): void {
    if (s === this.primary) this.targetUs = 0;
  }

  /** The end of the run (of the shorter one, in a comparison). */
  get endUs(): number {
    const ends = this.sessions.map((s) => s.document.endUs);
    return ends.length ? Math.min(...ends) : 0;
  }

  /** The time playback runs to: the end, or an earlier stop. */
  private get limitUs(): number {
    return this.stopAtUs === null ? this.endUs : Math.min(this.endUs, this.stopAtUs);
  }

  /** Where the learner is (the primary session's position). */
  get positionUs(): number {
    return this.primary?.head.positionUs ?? 0;
  }

  /** The virtual time to draw at: between frames, the clock runs on; both stages of a comparison show the same moment. */
  displayUs(wallMs: number): number {
    let us = Infinity;
    for (const s of this.sessions) us = Math.min(us, s.head.displayUs(wallMs, this.playing, this.speedX, this.targetUs));
    return us === Infinity ? 0 : us;
  }

  /** Play and stop exactly at `us` (the guided tour's next caption). */
  playUntil(us: number): void {
    this.stopAtUs = Math.max(0, Math.min(this.endUs, Math.round(us)));
    const f = this.primary?.run.frame;
    if (f && f.nowUs >= this.stopAtUs) {
      this.stopAtUs = null;
      return;
    }
    this.play();
  }

  play(): void {
    for (const s of this.sessions) {
      s.head.interrupt();
      s.head.pendingSeekUs = null;
    }
    const frames = this.sessions.map((s) => s.run.frame);
    if (this.playing || !frames.length || frames.some((f) => !f || f.aborted)) return;
    const nowUs = Math.min(...frames.map((f) => f!.nowUs));
    if (nowUs >= this.limitUs) {
      this.stopAtUs = null;
      if (nowUs >= this.endUs) return;
    }
    this.playing = true;
    for (const s of this.sessions) s.head.resetStats();
    this.targetUs = nowUs;
    this.lastWallMs = performance.now();
    const tick = (wallMs: number) => {
      if (!this.playing) return;
      const endUs = this.limitUs;
      const elapsedMs = Math.min(MAX_TICK_WALL_MS, Math.max(0, wallMs - this.lastWallMs));
      this.targetUs = Math.min(endUs, this.targetUs + elapsedMs * 1000 * this.speedX);
      // When the simulation cannot keep up with the speed, playback slows to what it can do
      // rather than falling ever further behind the clock; a comparison goes at the pace of
      // the slower of its two runs.
      // Beyond the known range the worker simulates as it goes, and the clock may lead the
      // last frame by a little only. Inside it a frame costs a restore and a short replay
      // wherever it lands, so the clock runs at the speed asked for, up to the known edge:
      // capped at the last frame's lead there, 20x played at 4x when frames took 300 ms.
      for (const s of this.sessions) {
        const f = s.run.frame;
        if (f) this.targetUs = Math.min(this.targetUs, Math.max(f.nowUs + MAX_LEAD_WALL_MS * 1000 * this.speedX, s.run.runAhead?.knownUs ?? 0));
      }
      this.lastWallMs = wallMs;
      // Ask only when nothing is in flight: the worker answers one frame at a time.
      for (const s of this.sessions) if (!s.head.running) s.head.advance(Math.round(this.targetUs));
      const done = this.sessions.every((s) => (s.run.frame?.nowUs ?? 0) >= endUs);
      if (this.targetUs >= endUs && done) {
        this.pause();
        this.stopAtUs = null;
      } else this.rafId = requestAnimationFrame(tick);
    };
    this.rafId = requestAnimationFrame(tick);
  }

  pause(): void {
    const was = this.playing;
    this.playing = false;
    cancelAnimationFrame(this.rafId);
    if (was) this.align();
  }

  /**
   * A comparison stops on one moment: while playing, each run goes as fast as its worker
   * answers, so when play stops they may be apart (and a frame may still be on its way). Every
   * run goes to where the first one was shown.
   */
  private align(): void {
    const p = this.primary;
    const us = p?.run.frame?.nowUs;
    if (this.sessions.length < 2 || us === undefined || this.sessions.some((s) => s.head.loading)) return;
    for (const s of this.sessions) {
      if (s === p && !s.head.running) continue;
      if (s !== p && !s.head.running && s.run.frame?.nowUs === us) continue;
      s.seekTo(Math.min(us, s.document.endUs));
    }
    this.targetUs = us;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Go to `targetMs` (clamped to the run; `Infinity` is its end, whatever the run's length). */
  seek(targetMs: number): void {
    this.stopAtUs = null;
    for (const s of this.sessions) {
      // A learner who pressed End while a scenario loads means the run that is loading.
      if (s.head.loading) {
        s.head.seekAfterLoadMs = targetMs;
        continue;
      }
      const us = Math.round(Math.max(0, Math.min(s.document.durationMs, targetMs)) * 1000);
      s.seekTo(us);
      if (s === this.primary) this.targetUs = us;
    }
  }

  /** Seek by a signed amount of virtual time. */
  seekBy(deltaMs: number): void {
    this.seek((this.primary?.run.frame?.nowUs ?? 0) / 1000 + deltaMs);
  }

  /** One event; in a comparison, to the next event of either run, on both. */
  step(): void {
    this.pause();
    if (this.sessions.length === 1) return this.sessions[0].head.step();
    const next = Math.min(...this.sessions.map((s) => s.run.frame?.nextEventUs ?? Infinity));
    if (next !== Infinity) this.seek(next / 1000);
  }

  faster(): void {
    this.speedIndex = Math.min(SPEEDS_X.length - 1, this.speedIndex + 1);
  }

  slower(): void {
    this.speedIndex = Math.max(0, this.speedIndex - 1);
  }

  /**
   * Go to the next failure, detection, role change, alert, fault, narration or anomaly of the
   * run (the primary's, in a comparison: the other lands on the same moment).
   */
  nextNotable(): void {
    const p = this.primary;
    const f = p?.run.frame;
    const doc = p?.document.doc;
    if (!p || !f || !doc) return;
    this.pause();
    const known = [...doc.faults.flatMap((x) => [x.atMs, x.untilMs ?? Infinity]), ...(doc.narration ?? []).map((n) => n.atMs)]
      .map((ms) => Math.round(ms * 1000))
      .filter((us) => us > f.nowUs);
    const boundUs = Math.min(p.document.endUs, ...known);
    const others = this.sessions.slice(1);
    for (const s of others) s.head.interrupt();
    p.head.nextNotable(boundUs, (landed) => {
      if (landed === null) return;
      this.targetUs = landed;
      for (const s of others) s.seekTo(Math.min(landed, s.document.endUs));
    });
  }
}
