// Frames at exact moments, for the exporter: a simulation of its own in a worker of its own
// (the learner's playground is not disturbed), moved forward to each frame's virtual time.
// Every frame is the run at exactly that moment, however long the machine takes to get there:
// nothing depends on the wall clock.

import * as Comlink from 'comlink';
import type { Frame, SimApi, ValidationIssue } from '../../sim/host';

export class FrameSource {
  private nowUs = -1;

  private constructor(
    private readonly worker: Worker,
    private readonly api: Comlink.Remote<SimApi>,
  ) {}

  /** A source for `document` (validated in the worker), or the validator's errors. */
  static async open(document: unknown): Promise<FrameSource | { errors: ValidationIssue[] }> {
    const worker = new Worker(new URL('../../../workers/sim.worker.ts', import.meta.url), { type: 'module' });
    const api = Comlink.wrap<SimApi>(worker);
    const failed = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => reject(new Error(e.message || 'the simulation worker failed'))));
    try {
      const res = await Promise.race([api.load(document), failed]);
      if (!res.ok) {
        worker.terminate();
        return { errors: res.errors };
      }
    } catch (e) {
      worker.terminate();
      throw e;
    }
    const source = new FrameSource(worker, api);
    source.nowUs = 0;
    return source;
  }

  /**
   * The run at exactly `us`. Forwards it runs what lies between (in calls of a bounded number
   * of events, so `signal` can stop a long stretch between two of them); backwards it seeks.
   */
  async at(us: number, signal?: AbortSignal): Promise<Frame> {
    let f: Frame;
    if (us < this.nowUs) {
      let r = await this.api.seek(us);
      while ('pending' in r) {
        signal?.throwIfAborted();
        r = await this.api.seek(us);
      }
      f = r;
    } else {
      f = await this.api.advanceTo(us);
      while (!f.reached && !f.aborted) {
        signal?.throwIfAborted();
        f = await this.api.advanceTo(us);
      }
    }
    if (f.aborted) throw new Error(`the run stopped at ${(f.aborted.atUs / 1e6).toFixed(3)} s: ${f.aborted.reason}`);
    this.nowUs = f.nowUs;
    return f;
  }

  dispose(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
