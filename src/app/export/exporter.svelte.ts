// An export as the page runs it: its progress, a cancel, and the file when it is done. One at
// a time; the learner's playground goes on meanwhile (the export has simulations of its own).

import type { ExportInput, ExportResult } from './run-export';

export type ExportState =
  | { status: 'idle' }
  | { status: 'running'; framesDone: number; framesTotal: number }
  | { status: 'done'; result: ExportResult; url: string }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

export class Exporter {
  state = $state.raw<ExportState>({ status: 'idle' });
  private abort: AbortController | null = null;
  private url: string | null = null;

  get running(): boolean {
    return this.state.status === 'running';
  }

  /** The fraction done, 0 to 1 (for the progress bar). */
  get progress(): number {
    const s = this.state;
    return s.status === 'running' ? (s.framesTotal ? s.framesDone / s.framesTotal : 0) : s.status === 'done' ? 1 : 0;
  }

  async start(input: ExportInput): Promise<ExportResult | null> {
    this.cancel();
    this.release();
    const abort = new AbortController();
    this.abort = abort;
    this.state = { status: 'running', framesDone: 0, framesTotal: 0 };
    try {
      // Loaded when first used: the encoders are not part of the page until then.
      const { runExport } = await import('./run-export');
      const result = await runExport(input, (framesDone, framesTotal) => {
        if (this.abort === abort) this.state = { status: 'running', framesDone, framesTotal };
      }, abort.signal);
      if (this.abort !== abort) return null;
      this.url = URL.createObjectURL(new Blob([result.bytes as Uint8Array<ArrayBuffer>], { type: result.mime }));
      this.state = { status: 'done', result, url: this.url };
      return result;
    } catch (e) {
      if (this.abort !== abort) return null;
      this.state = abort.signal.aborted ? { status: 'cancelled' } : { status: 'error', message: e instanceof Error ? e.message : String(e) };
      return null;
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  cancel(): void {
    if (!this.abort) return;
    this.abort.abort(new DOMException('the export was cancelled', 'AbortError'));
    this.abort = null;
    this.state = { status: 'cancelled' };
  }

  reset(): void {
    if (this.running) return;
    this.release();
    this.state = { status: 'idle' };
  }

  private release(): void {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }
}
