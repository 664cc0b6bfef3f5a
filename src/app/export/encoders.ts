// Turning drawn frames into a file: GIF with gifenc (quantizer, palette mapping and LZW; MIT),
// WebM and MP4 through the browser's WebCodecs encoders with mediabunny's muxers (MPL-2.0),
// PNG with the canvas's own encoder. Each takes the same canvas after every frame is drawn.
//
// Same frames in, same bytes out: the GIF's palette comes from the first frame and the
// theme's colours (not from timing), and the MP4 muxer's creation time (the wall clock) is
// set to zero.

import type { ExportFormat } from './options';
import type { StageTheme } from '../stage/theme';

type Canvas = OffscreenCanvas;

/** An encoder that cannot run here, said in a sentence (an unsupported codec). */
export class ExportError extends Error {}

export interface FrameEncoder {
  /** Take the canvas as frame `index` (frames come in order, from 0). */
  add(canvas: Canvas, index: number): Promise<void>;
  finish(): Promise<Uint8Array>;
  cancel(): Promise<void>;
}

export async function createEncoder(format: ExportFormat, canvas: Canvas, fps: number, theme: StageTheme): Promise<FrameEncoder> {
  if (format === 'gif') return gifEncoder(canvas, fps, theme);
  if (format === 'png') return pngEncoder();
  return videoEncoder(format, canvas, fps);
}

// ---------------------------------------------------------------------------------------------
// GIF

/** Palette slot kept for "unchanged since the previous frame" (transparent). */
const KEEP = 255;

function rgbOf(css: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
}

/** The theme's colours and their half blends with the background: what anti-aliased shapes are made of. */
function themeColours(theme: StageTheme): [number, number, number][] {
  const base = [theme.bg, theme.fg, theme.muted, theme.line, theme.siteFill, theme.nodeFill, theme.primary, theme.replica, theme.down, theme.bad, theme.warn, theme.focus, ...Object.values(theme.msg)]
    .map(rgbOf)
    .filter((c): c is [number, number, number] => c !== null);
  const bg = rgbOf(theme.bg) ?? [255, 255, 255];
  const blends = base.map((c) => c.map((v, i) => Math.round((v + bg[i]) / 2)) as [number, number, number]);
  const seen = new Set<string>();
  return [...base, ...blends].filter((c) => {
    const k = c.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function gifEncoder(canvas: Canvas, fps: number, theme: StageTheme): Promise<FrameEncoder> {
  const { GIFEncoder, quantize, applyPalette } = await import('gifenc');
  const gif = GIFEncoder({ initialCapacity: 1 << 20 });
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const w = canvas.width;
  const h = canvas.height;
  let palette: number[][] = [];
  let previous: Uint8Array | null = null;
  // Delays in hundredths of a second, spread so that their sum stays on time at any rate.
  const delayMs = (i: number) => (Math.round(((i + 1) * 100) / fps) - Math.round((i * 100) / fps)) * 10;
  return {
    async add(_c, i) {
      const rgba = ctx.getImageData(0, 0, w, h).data;
      if (!previous) {
        // The theme's own colours exactly, and the first frame's others, 255 in all.
        const fixed = themeColours(theme).slice(0, 64);
        const rest = quantize(rgba, KEEP - fixed.length, { format: 'rgb565' });
        const seen = new Set(fixed.map((c) => c.join(',')));
        palette = [...fixed, ...rest.filter((c) => !seen.has(c.slice(0, 3).join(',')))].slice(0, KEEP);
        const index = applyPalette(rgba, palette, 'rgb565');
        // 256 entries: the last one (never chosen by applyPalette) is the transparent slot.
        const table = [...palette, ...Array.from({ length: 256 - palette.length }, () => palette[0])];
        gif.writeFrame(index, w, h, { palette: table, delay: delayMs(i), repeat: 0 });
        previous = index;
        return;
      }
      const index = applyPalette(rgba, palette, 'rgb565');
      const out = new Uint8Array(index.length);
      // Pixels as they were stay transparent over the previous frame: long runs LZW packs into little.
      for (let p = 0; p < index.length; p++) out[p] = index[p] === previous[p] ? KEEP : index[p];
      gif.writeFrame(out, w, h, { transparent: true, transparentIndex: KEEP, dispose: 1, delay: delayMs(i) });
      previous = index;
    },
    async finish() {
      gif.finish();
      return gif.bytes();
    },
    async cancel() {
      gif.reset();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PNG

function pngEncoder(): FrameEncoder {
  let blob: Blob | null = null;
  return {
    async add(c) {
      blob = await c.convertToBlob({ type: 'image/png' });
    },
    async finish() {
      if (!blob) throw new ExportError('there was no frame to save');
      return new Uint8Array(await blob.arrayBuffer());
    },
    async cancel() {
      blob = null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Video (its muxers are loaded only when a video is asked for)

async function videoEncoder(format: 'webm' | 'mp4', canvas: Canvas, fps: number): Promise<FrameEncoder> {
  const { createVideoEncoder } = await import('./video');
  return createVideoEncoder(format, canvas, fps);
}

/** Which video formats this browser can encode at a size, and with which codec. */
export async function videoSupport(widthPx: number, heightPx: number): Promise<Record<'webm' | 'mp4', string | null>> {
  const { videoSupport: support } = await import('./video');
  return support(widthPx, heightPx);
}
