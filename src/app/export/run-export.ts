// An export, start to finish: a simulation of its own for each stage, moved to each frame's
// virtual time in turn; the picture drawn for that moment; the encoder fed. Frames are made as
// fast as the machine allows (no waiting on the wall clock, so usually faster than real time)
// and depend on the document and the options alone: the same link, range and options give the
// same file.

import type { ScenarioDoc } from '../scenario-doc';
import type { StageTheme } from '../stage/theme';
import type { Frame } from '../../sim/host';
import { FrameSource } from './frame-source';
import { drawPicture, planPicture } from './compose';
import { createEncoder, ExportError } from './encoders';
import { exportFileName, frameTimesUs, MIME, type ExportOptions } from './options';

/** Virtual time drawn (not encoded) before the first frame, so flows have their rates from the start. */
const WARM_UP_US = 1_000_000;
/** At most this many warm-up pictures. */
const MAX_WARM_UP_FRAMES = 30;

export interface ExportInput {
  doc: ScenarioDoc;
  /** A comparison: the second run and what it is called, and where the two part. */
  compare?: { doc: ScenarioDoc; title: string; divergedAtUs: number | null };
  options: ExportOptions;
  theme: StageTheme;
}

export interface ExportResult {
  bytes: Uint8Array;
  name: string;
  mime: string;
  frames: number;
  widthPx: number;
  heightPx: number;
}

export type Progress = (framesDone: number, framesTotal: number) => void;

export { ExportError };

export async function runExport(input: ExportInput, onProgress: Progress = () => {}, signal?: AbortSignal): Promise<ExportResult> {
  const o = input.options;
  const docs = input.compare
    ? [
        { doc: input.doc, label: 'A: as written' },
        { doc: input.compare.doc, label: `B: ${input.compare.title}` },
      ]
    : [{ doc: input.doc, label: null }];
  const plan = planPicture(o.widthPx, docs, { captions: o.captions, timeline: o.timeline });
  const canvas = new OffscreenCanvas(plan.widthPx, plan.heightPx);
  const ctx = canvas.getContext('2d', { willReadFrequently: o.format === 'gif' })!;
  const sources: FrameSource[] = [];
  const times = frameTimesUs(o);
  let encoder: Awaited<ReturnType<typeof createEncoder>> | null = null;
  try {
    for (const d of docs) {
      const s = await FrameSource.open({ ...d.doc, format: 'faultline/1' });
      if ('errors' in s) throw new ExportError(`the scenario cannot be loaded: ${s.errors.map((e) => e.message).join('; ')}`);
      sources.push(s);
    }
    encoder = await createEncoder(o.format, canvas, o.fps, input.theme);
    const stepUs = times.length > 1 ? times[1] - times[0] : 100_000;
    const warmFrom = Math.max(0, times[0] - Math.min(WARM_UP_US, stepUs * MAX_WARM_UP_FRAMES));
    const warm: number[] = [];
    for (let t = warmFrom; t < times[0]; t += stepUs) warm.push(t);
    const draw = async (atUs: number, animationMs: number): Promise<void> => {
      const frames: Frame[] = [];
      for (const s of sources) {
        signal?.throwIfAborted();
        frames.push(await s.at(atUs, signal));
      }
      drawPicture(ctx, plan, {
        atUs,
        frames,
        speedX: o.speedX,
        animationMs,
        badges: o.badges,
        theme: input.theme,
        durationMs: input.doc.durationMs,
        divergedAtUs: input.compare?.divergedAtUs ?? null,
      });
    };
    for (const t of warm) await draw(t, 0);
    onProgress(0, times.length);
    for (let i = 0; i < times.length; i++) {
      await draw(times[i], (i * 1000) / o.fps);
      signal?.throwIfAborted();
      await encoder.add(canvas, i);
      onProgress(i + 1, times.length);
    }
    const bytes = await encoder.finish();
    encoder = null;
    return {
      bytes,
      name: exportFileName(input.doc.title ?? 'scenario', o, input.compare?.title),
      mime: MIME[o.format],
      frames: times.length,
      widthPx: plan.widthPx,
      heightPx: plan.heightPx,
    };
  } finally {
    if (encoder) await encoder.cancel().catch(() => {});
    for (const s of sources) s.dispose();
  }
}
