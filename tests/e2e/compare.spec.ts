import { expect, test, type Page } from '@playwright/test';
import { collectErrors, openPlayground, state, waitForTime } from './helpers';
import { runCli } from '../cli';
import { readFileSync } from 'node:fs';

// Compare: the scenario and a version with one change, side by side, on one clock, with the
// same seed; the difference in anomalies and metrics; the moment the runs part on the
// timeline; a share link and the player that carry both runs.

const compareState = (page: Page) => page.evaluate(() => window.__faultline!.compareState());

/** Both runs at `us`, the worker idle in both. */
async function waitForBoth(page: Page, us: number): Promise<void> {
  await waitForTime(page, us);
  await expect
    .poll(async () => {
      const b = await compareState(page);
      return b?.idle ? b.nowUs : `not idle (showing ${b?.nowUs})`;
    })
    .toBe(us);
}

/** The CLI's view of the same comparison. */
function cliCompare(until?: number) {
  const r = runCli('sim', ['split-brain', '--compare', 'fencing', '--json', ...(until ? ['--until', String(until)] : [])]);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as { a: { trace: string }; b: { trace: string }; divergedAtMs: number | null };
}

test('open a comparison from a what-if: both stages, the difference, the divergence mark; scrub both together', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await openPlayground(page, '', 'split-brain');
  await page.getByTestId('compare').click();
  const dialog = page.getByTestId('compare-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('compare-whatif').first().check();
  await dialog.getByTestId('compare-open').click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('stage')).toBeVisible();
  await expect(page.getByTestId('stage-b')).toBeVisible();
  await expect(page.getByTestId('compare-summary')).toContainText('Compared with: Turn fencing on');

  // Where the runs part: marked on the timeline at exactly the moment the CLI finds.
  const whole = cliCompare();
  expect(whole.divergedAtMs).not.toBeNull();
  const mark = page.getByTestId('divergence-mark');
  await expect(mark).toHaveAttribute('data-at-us', String(Math.round(whole.divergedAtMs! * 1000)));
  await expect(page.getByTestId('divergence')).toContainText('The same run until 21.511 s, where they part');

  // Scrub: press on the timeline and drag; both stages follow to the same moment.
  const track = page.getByTestId('timeline-track');
  const box = (await track.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await state(page)).idle).toBe(true);
  const a = await state(page);
  expect(a.nowUs).toBeGreaterThan(30_000_000);
  await waitForBoth(page, a.nowUs);

  // Go to the end: the difference is the whole runs', and both traces are the CLI's.
  await page.getByRole('button', { name: 'Run to end' }).click();
  await waitForBoth(page, 90_000_000);
  expect((await state(page)).trace).toBe(whole.a.trace);
  expect((await compareState(page))!.trace).toBe(whole.b.trace);
  const lost = page.locator('[data-testid="diff-row"][data-key="anomaly:lost-write"]');
  await expect(lost).toHaveAttribute('aria-label', '1,316 lost writes to 106');
  await expect(page.locator('[data-testid="diff-row"][data-key="anomaly:split-brain"]')).toHaveAttribute('aria-label', '2,470 split-brain writes to 0');
  await page.screenshot({ path: 'test-results/compare-wide.png', fullPage: true });

  // Before the divergence the two runs are one: the same trace 1 µs before it.
  const partUs = Math.round(whole.divergedAtMs! * 1000);
  await page.evaluate((ms) => window.__faultline!.seek(ms), (partUs - 1) / 1000);
  await waitForBoth(page, partUs - 1);
  expect((await compareState(page))!.trace).toBe((await state(page)).trace);
  await mark.click();
  await waitForBoth(page, partUs);
  expect((await compareState(page))!.trace).not.toBe((await state(page)).trace);
  expect(errors).toEqual([]);
});

test('share the comparison: the link opens in a fresh browser as the same two runs, and embeds', async ({ browser }) => {
  const ctx = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'], viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await openPlayground(page, '', 'split-brain');
  // A comparison of the learner's own: an added crash of db2 at 40 s.
  await page.getByTestId('compare').click();
  const dialog = page.getByTestId('compare-dialog');
  await dialog.getByLabel('an added failure or action').check();
  await dialog.getByTestId('compare-fault-kind').selectOption('crash');
  await dialog.getByTestId('compare-fault-target').selectOption({ label: 'db2 (database)' });
  await dialog.getByTestId('compare-fault-at').fill('40');
  await dialog.getByTestId('compare-open').click();
  await expect(page.getByTestId('stage-b')).toBeVisible();
  // An added fault at t: the runs part at t exactly.
  await expect(page.getByTestId('divergence-mark')).toHaveAttribute('data-at-us', '40000000');
  await page.evaluate(() => window.__faultline!.seek(45_000));
  await waitForBoth(page, 45_000_000);
  const a = await state(page);
  const b = (await compareState(page))!;
  expect(b.trace).not.toBe(a.trace);

  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-dialog')).toContainText('Share this comparison');
  const url = await page.getByTestId('share-link').inputValue();
  await page.keyboard.press('Escape');

  // A fresh browser context: nothing shared but the link.
  const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const other = await fresh.newPage();
  const errors = collectErrors(other);
  await other.goto(`/?testhook${new URL(url).hash}`);
  await expect(other.getByTestId('stage-b')).toBeVisible();
  await waitForBoth(other, 45_000_000);
  expect((await state(other)).trace).toBe(a.trace);
  expect((await compareState(other))!.trace).toBe(b.trace);
  await expect(other.getByTestId('compare-summary')).toContainText('Compared with: Crash db2 (database) at 40 s');
  await expect(other.getByTestId('divergence-mark')).toHaveAttribute('data-at-us', '40000000');

  // The player: both runs, the moment they part on its timeline, one clock.
  const embed = await fresh.newPage();
  await embed.setViewportSize({ width: 900, height: 480 });
  await embed.goto(`/embed.html?testhook&t=45${new URL(url).hash}`);
  await expect(embed.getByTestId('stage')).toBeVisible();
  await expect(embed.getByTestId('stage-b')).toBeVisible();
  await waitForBoth(embed, 45_000_000);
  expect((await state(embed)).trace).toBe(a.trace);
  expect((await compareState(embed))!.trace).toBe(b.trace);
  await expect(embed.getByTestId('divergence-mark')).toHaveAttribute('data-at-us', '40000000');
  await expect(embed.getByTestId('embed-divergence')).toHaveText('runs part at 40.000 s');
  // Wide frame: side by side; a tall one: one above the other.
  const wide = [await embed.getByTestId('stage').boundingBox(), await embed.getByTestId('stage-b').boundingBox()];
  expect(wide[1]!.x).toBeGreaterThan(wide[0]!.x + wide[0]!.width - 5);
  await embed.screenshot({ path: 'test-results/compare-embed-wide.png' });
  await embed.setViewportSize({ width: 420, height: 760 });
  await expect.poll(async () => (await embed.getByTestId('stage-b').boundingBox())!.y).toBeGreaterThan((await embed.getByTestId('stage').boundingBox())!.y + 50);
  await embed.screenshot({ path: 'test-results/compare-embed-tall.png' });
  await embed.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => (await state(embed)).nowUs).toBeGreaterThan(45_000_000);
  await embed.getByRole('button', { name: 'Pause' }).click();
  // Paused, both stages show one moment.
  await expect
    .poll(async () => {
      const [x, y] = [await state(embed), (await compareState(embed))!];
      return x.idle && y.idle && x.nowUs === y.nowUs;
    })
    .toBe(true);
  // The player draws with the app's renderer: paused, its static layer is not drawn again.
  const statics = embed.getByTestId('stage-static');
  const draws = await statics.first().getAttribute('data-draws');
  await embed.screenshot({ path: 'test-results/compare-embed-paused.png' });
  await expect(statics.first()).toHaveAttribute('data-draws', draws!);
  expect(errors).toEqual([]);
  await ctx.close();
  await fresh.close();
});

test('the comparison at a phone\'s width: the stages one above the other', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openPlayground(page, '', 'split-brain');
  await page.getByTestId('whatif-side-by-side').click();
  await expect(page.getByTestId('stage-b')).toBeVisible();
  await expect(page.getByTestId('divergence-mark')).toBeVisible();
  const a = (await page.getByTestId('stage').boundingBox())!;
  const b = (await page.getByTestId('stage-b').boundingBox())!;
  expect(b.y).toBeGreaterThan(a.y + a.height - 5);
  expect(b.width).toBeGreaterThan(300);
  await page.screenshot({ path: 'test-results/compare-narrow.png', fullPage: true });
  await page.getByTestId('compare-close').click();
  await expect(page.getByTestId('stage-b')).toHaveCount(0);
});

/** A PNG's size, from its header. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('by keyboard alone: compare with a what-if, go to where the runs part, play and pause both on one moment, export the comparison as a PNG', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openPlayground(page, '', 'split-brain');
  await page.getByTestId('compare').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('compare-dialog');
  await expect(dialog).toBeVisible();
  // The dialog opens on its first choice (a what-if, the first one chosen): Enter compares.
  await expect(dialog.getByLabel('a what-if of this scenario')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('stage-b')).toBeVisible();

  // The mark where the runs part is a button: focus it, press Enter, both runs are there.
  const mark = page.getByTestId('divergence-mark');
  await expect(mark).toBeVisible();
  const partUs = Number(await mark.getAttribute('data-at-us'));
  await mark.focus();
  await page.keyboard.press('Enter');
  await waitForBoth(page, partUs);

  // Space plays both; Space again stops both on the same moment, later than where they parted.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.evaluate(() => window.__faultline!.setSpeed(20));
  await page.keyboard.press(' ');
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(partUs + 2_000_000);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect
    .poll(async () => {
      const [a, b] = [await state(page), (await compareState(page))!];
      return a.idle && b.idle && a.nowUs === b.nowUs;
    })
    .toBe(true);
  const stoppedUs = (await state(page)).nowUs;
  expect(stoppedUs).toBeGreaterThan(partUs + 2_000_000);

  // Export the comparison: a PNG still of this moment, both stages one above the other.
  await page.getByTestId('export-media').focus();
  await page.keyboard.press('Enter');
  const exp = page.getByTestId('export-dialog');
  await expect(exp.getByRole('heading')).toHaveText('Export the comparison');
  await exp.getByTestId('export-format').focus();
  await page.keyboard.press('End');
  await expect(exp.getByTestId('export-format')).toHaveValue('png');
  await exp.getByTestId('export-width').fill('640');
  await exp.getByTestId('export-start').focus();
  const downloaded = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const d = await downloaded;
  const atTag = String(Math.floor(stoppedUs / 1e5) / 10).replace('.', '_');
  expect(d.suggestedFilename()).toBe(`split-brain-two-primaries-without-fencing-vs-turn-fencing-on-${atTag}s.png`);
  const both = pngSize(readFileSync(await d.path()));
  await expect(exp.getByTestId('export-done')).toContainText(`${both.width}×${both.height}`);
  await page.keyboard.press('Escape');
  await expect(exp).toBeHidden();

  // The same moment without the comparison: one stage, about half as tall.
  await page.getByTestId('compare-close').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stage-b')).toHaveCount(0);
  await page.getByTestId('export-media').focus();
  await page.keyboard.press('Enter');
  await expect(exp.getByRole('heading')).toHaveText('Export this run');
  await exp.getByTestId('export-format').selectOption('png');
  await exp.getByTestId('export-width').fill('640');
  const single = page.waitForEvent('download');
  await exp.getByTestId('export-start').click();
  const one = pngSize(readFileSync(await (await single).path()));
  expect([both.width, one.width]).toEqual([640, 640]);
  expect(both.height).toBeGreaterThan(one.height * 1.6);
  expect(errors).toEqual([]);
});
