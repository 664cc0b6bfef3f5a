import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { collectErrors, goTo, openPlayground } from './helpers';
import { decodeGif } from './media';

// Export from the app, as an author does for a post: a range of the run as a GIF (the frames
// asked for, the same bytes twice), a PNG still of a moment, a progress bar and a Cancel.

async function exportOnce(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const downloaded = page.waitForEvent('download');
  await page.getByTestId('export-start').click();
  const d = await downloaded;
  const path = await d.path();
  await expect(page.getByTestId('export-done')).toBeVisible();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

test('export a GIF and a PNG from the app: the download arrives, with the frames asked for, and the same bytes twice', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openPlayground(page, '', 'split-brain');
  await goTo(page, 24);
  await page.getByTestId('export-media').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  // It starts at the moment on screen.
  await expect(dialog.getByTestId('export-from')).toHaveValue('24');
  await dialog.getByTestId('export-to').fill('26');
  await dialog.getByTestId('export-width').fill('480');
  await dialog.getByTestId('export-fps').fill('10');
  await expect(dialog).toContainText('20 frames, 2.0 s of video');
  await page.screenshot({ path: 'test-results/export-dialog.png' });

  const first = await exportOnce(page);
  expect(first.name).toBe('split-brain-two-primaries-without-fencing-24s-26s.gif');
  const gif = await decodeGif(page, first.bytes);
  expect(gif.frames).toBe(20);
  expect(gif.width).toBe(480);
  expect(gif.durationsMs.every((ms) => ms === 100)).toBe(true);
  expect(gif.firstLastDiffer).toBe(true);
  const second = await exportOnce(page);
  expect(Buffer.compare(first.bytes, second.bytes)).toBe(0);

  // The learner's run was not disturbed: still at 24 s.
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '24000000');

  await dialog.getByTestId('export-format').selectOption('png');
  const png = await exportOnce(page);
  expect(png.name).toBe('split-brain-two-primaries-without-fencing-24s.png');
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(errors).toEqual([]);
});

test('a long export shows its progress and can be cancelled; a bad range says why', async ({ page }) => {
  await openPlayground(page, '', 'first-failover');
  await page.getByTestId('export-media').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-from').fill('30');
  await dialog.getByTestId('export-to').fill('20');
  await expect(dialog.getByTestId('export-errors')).toHaveText('The range is empty: the end (20 s) must be after the start (30 s).');
  await expect(dialog.getByTestId('export-start')).toBeDisabled();
  await dialog.getByTestId('export-from').fill('0');
  await dialog.getByTestId('export-to').fill('120');
  await dialog.getByTestId('export-fps').fill('30');
  await dialog.getByTestId('export-start').click();
  const progress = dialog.getByTestId('export-progress');
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/export-progress.png' });
  await dialog.getByTestId('export-cancel').click();
  await expect(dialog).toContainText('Cancelled: nothing was saved.');
  await expect(dialog.getByTestId('export-download')).toHaveCount(0);
});
