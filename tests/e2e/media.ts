// Reading exported files back with the browser's own decoders (WebCodecs' ImageDecoder), so a
// test checks what a reader's browser would show, not what our encoder meant to write.

import type { Page } from '@playwright/test';

export interface DecodedGif {
  frames: number;
  width: number;
  height: number;
  /** Each frame's display time. */
  durationsMs: number[];
  /** Whether the first and last frames have different pixels. */
  firstLastDiffer: boolean;
}

/** Decode a GIF in the page (which must be on a secure origin, such as localhost). */
export async function decodeGif(page: Page, bytes: Buffer): Promise<DecodedGif> {
  return page.evaluate(async (b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dec = new ImageDecoder({ data, type: 'image/gif' });
    await dec.tracks.ready;
    await dec.completed;
    const frames = dec.tracks.selectedTrack!.frameCount;
    const durationsMs: number[] = [];
    const pixels: Uint8ClampedArray[] = [];
    let width = 0;
    let height = 0;
    for (let i = 0; i < frames; i++) {
      const { image } = await dec.decode({ frameIndex: i });
      durationsMs.push(Math.round((image.duration ?? 0) / 1000));
      width = image.displayWidth;
      height = image.displayHeight;
      if (i === 0 || i === frames - 1) {
        const c = new OffscreenCanvas(width, height);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(image, 0, 0);
        pixels.push(ctx.getImageData(0, 0, width, height).data);
      }
      image.close();
    }
    const [a, b] = pixels;
    const firstLastDiffer = !!b && a.some((v, i) => v !== b[i]);
    return { frames, width, height, durationsMs, firstLastDiffer };
  }, bytes.toString('base64'));
}
