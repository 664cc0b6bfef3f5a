// Where one session's run is, and the frame requests that move it: seek (exact, from a
// checkpoint), advance while playing (in event budgets tuned so frames keep coming), step one
// event, and scan ahead for the next notable thing. The clock that says where to go is
// Playback's; a comparison has two playheads on one clock.

import type { Frame, Pending, RunAhead } from '../../sim/host';
import type { WorkerChannel } from './worker-channel.svelte';
import type { RunBuffers } from './run-buffers.svelte';
import { NOTABLE_MARKS } from './notable';

/**
 * While playing faster than the worker can simulate, each request's event budget is tuned so
 * that a round trip (simulate, build and clone the frame, deliver it) takes about this long:
 * frames keep coming a few dozen times a second, and the display interpolates in between.
 */
const TARGET_ROUND_TRIP_MS = 30;
/** Events per call, at least (a heavy frame still moves) and at most (the host's own cap). */
const MIN_CALL_EVENTS = 2_000;
const MAX_CALL_EVENTS = 400_000;
/** While the run-ahead grows and no frames are coming (paused), how often to ask how far it got. */
const PROGRESS_POLL_MS = 200;
/**
 * "Next notable event" scans forward at most this many events before it stops where it got to:
 * a count, not a time, so that it lands at the same place on every machine however busy.
 */
const NOTABLE_SCAN_EVENTS = 10_000_000;


export function seconds(us: number): string {
  return `${(us / 1e6).toFixed(1)} s`;
}

export class Playhead {
  /** A seek asked for and not yet shown: where the learner is, as far as edits are concerned. */
  pendingSeekUs: number | null = null;
  /** A load is on its way to the worker: a seek asked for meanwhile waits for it (ms). */
  loading = false;
  seekAfterLoadMs: number | null = null;
  /** Events a playing request may run (tuned by round-trip time). */
  private budgetEvents = 10_000;
  /** Virtual time the last playing frame advanced: the display may run on that far, no further. */
  lastAdvanceUs = 0;
  /** Bumped by any new wish of the learner: a running "next notable" scan stops. */
  private scanGen = 0;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Frames asked for while playing since play was pressed: how many were inside the known
   * range, and how many fell short of their target (the simulation could not keep up), inside
   * it and beyond it. Read by tests.
   */
  stats = { frames: 0, known: 0, knownShort: 0, short: 0 };

  constructor(
    private readonly channel: WorkerChannel,
    private readonly run: RunBuffers,
    /** The run's end, µs. */
    private readonly endUs: () => number,
    private readonly setBusy: (busy: boolean) => void,
    /** Hears of every frame taken in (a run that stopped at a limit says so). */
    private readonly applied: (f: Frame) => void,
    /** Whether the clock is playing (frames are coming then: no need to ask how far the run got). */
    private readonly playing: () => boolean,
  ) {}

  /** Take in a frame a request brought. */
  apply(f: Frame): void {
    if (f.full && f.nowUs === this.pendingSeekUs) this.pendingSeekUs = null;
    this.run.apply(f);
    this.noteRunAhead(f.runAhead);
    this.applied(f);
  }

  /** The worker's word on how far it has run ahead; while that grows, keep asking (frames say it too). */
  noteRunAhead(r: RunAhead): void {
    this.run.runAhead = r;
    if (r.state !== 'running' || this.progressTimer !== undefined) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      const now = this.run.runAhead;
      if (now?.state !== 'running') return;
      // Playing, or a request on its way: a frame will say.
      if (this.playing() || this.channel.running) return this.noteRunAhead(now);
      void this.channel.glance((api) => api.progress()).then((p) => p && this.noteRunAhead(p));
    }, PROGRESS_POLL_MS);
  }

  /** Play was pressed: the counts of frames asked for start again. */
  resetStats(): void {
    this.stats = { frames: 0, known: 0, knownShort: 0, short: 0 };
  }

  /** A new document: nothing asked for applies any more. */
  reset(): void {
    this.pendingSeekUs = null;
    this.scanGen++;
  }

  /** Where the learner is: a seek asked for and not shown yet (an edit's replay), else the frame shown. */
  get positionUs(): number {
    return this.pendingSeekUs ?? this.run.frame?.nowUs ?? 0;
  }

  get running(): boolean {
    return this.channel.running;
  }

  /** Any new wish stops a scan for the next notable thing. */
  interrupt(): void {
    this.scanGen++;
  }

  /** Go to `us` exactly (already clamped to the run). */
  seek(us: number): void {
    this.pendingSeekUs = us;
    this.scanGen++;
    this.channel.request((api) => api.seek(us), `going to ${seconds(us)}`);
  }

  /** While playing: ask for the run at `targetUs`, within an event budget. */
  advance(targetUs: number): void {
    // Inside the known range a frame costs a restore and a replay shorter than the
    // checkpoints' spacing, whatever the speed: let it land. Beyond, the simulation is the
    // limit, and the budget keeps frames coming.
    const known = targetUs <= (this.run.runAhead?.knownUs ?? 0);
    const budget = known ? MAX_CALL_EVENTS : this.budgetEvents;
    this.channel.request(async (api) => {
      const fromUs = this.run.frame?.nowUs ?? 0;
      const t0 = performance.now();
      const f = await api.advanceTo(targetUs, budget);
      const ms = performance.now() - t0;
      // Only a call that used up its budget says the worker is the limit: then grow the
      // budget while round trips are quick, shrink it when they are slow.
      if (!f.reached && !known) {
        if (ms < TARGET_ROUND_TRIP_MS) this.budgetEvents = Math.min(MAX_CALL_EVENTS, Math.round(budget * 1.25));
        else if (ms > TARGET_ROUND_TRIP_MS * 1.5) this.budgetEvents = Math.max(MIN_CALL_EVENTS, Math.round(budget * 0.8));
      }
      this.stats.frames++;
      if (known) this.stats.known++;
      if (!f.reached) this.stats[known ? 'knownShort' : 'short']++;
      this.lastAdvanceUs = Math.max(0, f.nowUs - fromUs);
      return f;
    }, `running the simulation to ${seconds(targetUs)}`);
  }

  /** One event. */
  step(): void {
    this.scanGen++;
    this.channel.request((api) => api.step(), 'stepping to the next event');
  }

  /**
   * Go to the next failure, detection, role change, alert, fault, narration or anomaly after
   * `fromUs`, and no further than `boundUs` (a known moment: a fault, a caption). The future is
   * not known until it is simulated, so this advances in growing chunks until something
   * notable shows up, then lands exactly on it. `landed` hears where (or null if interrupted).
   */
  nextNotable(boundUs: number, landed: (us: number | null) => void = () => {}): void {
    const f = this.run.frame;
    if (!f) return landed(null);
    const fromUs = f.nowUs;
    const anomaliesBefore = f.anomalies.length;
    const gen = ++this.scanGen;
    this.channel.dropRequest();
    this.setBusy(true);
    this.channel.mutate(async (api) => {
      let chunkUs = 500_000;
      let atUs = fromUs;
      let landUs = boundUs;
      let events = f.events;
      while (atUs < boundUs && events - f.events < NOTABLE_SCAN_EVENTS) {
        const fr = await this.channel.call(() => api.advanceTo(Math.min(boundUs, atUs + chunkUs)), 'looking for the next notable event');
        if (gen !== this.scanGen) {
          this.setBusy(false);
          return landed(null);
        }
        events = fr.events;
        this.apply(fr);
        const hit = fr.marks.find((m) => m.atUs > fromUs && NOTABLE_MARKS.has(m.kind));
        const anomaly = fr.anomalies.length > anomaliesBefore ? fr.anomalies.slice(anomaliesBefore).find((a) => a.atUs > fromUs) : undefined;
        const hitUs = Math.min(hit?.atUs ?? Infinity, anomaly?.atUs ?? Infinity);
        if (hitUs < Infinity) {
          landUs = hitUs;
          break;
        }
        if (fr.aborted) {
          this.setBusy(false);
          return landed(null);
        }
        atUs = fr.nowUs;
        if (fr.reached) chunkUs = Math.min(chunkUs * 2, 60_000_000);
        landUs = fr.nowUs >= boundUs ? boundUs : fr.nowUs;
      }
      if (gen !== this.scanGen) {
        this.setBusy(false);
        return landed(null);
      }
      // It advanced to there, so the run is known there: the seek lands at once.
      const shown = await this.channel.call<Frame | Pending>(() => api.seek(landUs), `going to ${seconds(landUs)}`);
      if ('pending' in shown) this.seek(landUs);
      else this.apply(shown);
      // Busy until it has landed: the moment shown before is not the answer.
      this.setBusy(false);
      landed(landUs);
    });
  }

  /** The virtual time to draw at while playing toward `targetUs`: between frames, the clock runs on. */
  displayUs(wallMs: number, playing: boolean, speedX: number, targetUs: number): number {
    const f = this.run.frame;
    if (!f) return 0;
    if (!playing) return f.nowUs;
    const ahead = f.nowUs + (wallMs - this.run.frameWallMs) * 1000 * speedX;
    return Math.max(f.nowUs, Math.min(ahead, f.nowUs + this.lastAdvanceUs, targetUs, this.endUs()));
  }

  dispose(): void {
    clearTimeout(this.progressTimer);
  }
}
