import { expect, test } from '@playwright/test';
import { goTo, openPlayground, state } from './helpers';

// Is a scrub lost while playing? (Issue 14, item 10: under load, a test saw the time stay at
// 45 s after the scrubber was dragged back.) While playing, frame requests are always on
// their way; a drag on the timeline asks for a seek at every move, each replacing the one
// still waiting, and the last one must land, with play going on from there.

test('a drag back on the timeline while playing lands where the drag ends, and play goes on from there', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 50);
  // Slow motion: after landing, the run moves on by a tenth of a second each second, so the
  // landing place stays recognisable however slowly this machine answers.
  await page.evaluate(() => window.__faultline!.setSpeed(0.1));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(50_000_000);

  for (const [fromShare, toShare] of [[0.5, 0.1], [0.3, 0.05], [0.45, 0.2]]) {
    const track = (await page.getByTestId('timeline-track').boundingBox())!;
    const y = track.y + track.height / 2;
    await page.mouse.move(track.x + track.width * fromShare, y);
    await page.mouse.down();
    await page.mouse.move(track.x + track.width * toShare, y, { steps: 8 });
    await page.mouse.up();
    const targetUs = toShare * 120_000_000;
    // Landed at the end of the drag (within a pixel), not at a place on the way (the previous
    // move was 1/8 of the drag further on), nor where it was playing.
    const pixelUs = 120_000_000 / track.width;
    await expect.poll(async () => (await state(page)).nowUs).toBeLessThan(targetUs + ((fromShare - toShare) / 8) * 120_000_000);
    const landed = await state(page);
    expect(landed.nowUs).toBeGreaterThanOrEqual(targetUs - pixelUs);
    expect(landed.playing).toBe(true);
  }
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
});
