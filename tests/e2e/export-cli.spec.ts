import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';
import { decodeGif } from './media';

// `npm run export` as an author uses it in a build script: a range of a lesson to a file,
// rendered by the app's own renderer in headless Chromium, the same bytes every time.

const dir = mkdtempSync(join(tmpdir(), 'faultline-export-'));

test('a 2 s GIF of the split-brain lesson has the 20 frames asked for, and a second export is byte for byte the same', async ({ page }) => {
  const out = join(dir, 'a.gif');
  const r = runCli('export', ['split-brain', '--from', '24', '--to', '26', '--format', 'gif', '--fps', '10', '--width', '480', '--out', out], { timeout: 300_000 });
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/20 frames, 480×\d+, \d+ KB, 2\.0 s of video; rendered in/);
  const again = join(dir, 'b.gif');
  expect(runCli('export', ['split-brain', '--from', '24', '--to', '26', '--format', 'gif', '--fps', '10', '--width', '480', '--out', again], { timeout: 300_000 }).code).toBe(0);
  expect(Buffer.compare(readFileSync(out), readFileSync(again))).toBe(0);

  // Decoded by the browser's own GIF decoder: 20 frames of 100 ms, 480 px wide.
  await page.goto('/');
  const gif = await decodeGif(page, readFileSync(out));
  expect(gif.frames).toBe(20);
  expect(gif.width).toBe(480);
  expect(gif.durationsMs.every((d) => d === 100)).toBe(true);
  // The stage moves: the first and the last frame differ.
  expect(gif.firstLastDiffer).toBe(true);
});

test('a WebM and a PNG of the same moment; a PNG needs only --from', async () => {
  const webm = join(dir, 'a.webm');
  const r = runCli('export', ['first-failover', '--from', '30', '--to', '31', '--format', 'webm', '--out', webm], { timeout: 300_000 });
  expect(r.code, r.err).toBe(0);
  // A WebM file starts with the EBML magic number.
  expect([...readFileSync(webm).subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  const png = join(dir, 'a.png');
  const p = runCli('export', ['first-failover', '--from', '30', '--format', 'png', '--out', png], { timeout: 300_000 });
  expect(p.code, p.err).toBe(0);
  expect(p.out).toMatch(/1 frame, 640×\d+/);
  expect([...readFileSync(png).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});
