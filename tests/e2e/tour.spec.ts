import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openPlayground, state, waitForTime } from './helpers';

// Narration as a guided tour: each caption shown when playback reaches it, "Continue" plays
// to the next one and stops exactly there, the learner can leave and play freely; a
// question asked before a reveal; and narration is text, never markup.

test('the tour stops at each caption, continues on request, and can be left to play freely', async ({ page }) => {
  await openPlayground(page);
  const caption = page.getByTestId('narration');
  await page.getByTestId('tour-start').click();
  await waitForTime(page, 0);
  await expect(caption).toContainText('db1 takes every write');
  await expect(page.getByTestId('tour-step')).toHaveText('1 of 3');
  // The focus of the caption is ringed on the stage (the accessible node list says so too).
  await page.evaluate(() => window.__faultline!.setSpeed(20));

  await page.getByTestId('tour-continue').click();
  // Playback stops by itself exactly at the next caption's moment.
  await waitForTime(page, 30_000_000);
  expect((await state(page)).playing).toBe(false);
  await expect(caption).toContainText('db1 crashes. Nobody knows yet');
  await expect(page.getByTestId('tour-step')).toHaveText('2 of 3');

  await page.getByTestId('tour-continue').click();
  await waitForTime(page, 40_000_000);
  await expect(caption).toContainText('The orchestrator promotes the most advanced replica');
  await expect(page.getByTestId('tour-continue')).toHaveText('Play to the end');

  // Leave the tour, go back to the start, and play freely: no stop at 30 s.
  await page.getByRole('button', { name: 'Leave the tour' }).click();
  await expect(page.getByTestId('tour-start')).toBeVisible();
  await page.getByTestId('seek-input').fill('25');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await waitForTime(page, 25_000_000);
  // At 20x the caption of 30 s to 40 s would be on screen for half a second of wall time: on
  // a busy machine the check below could miss it. At 2x it stays five seconds.
  await page.evaluate(() => window.__faultline!.setSpeed(2));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(32_000_000);
  expect((await state(page)).playing).toBe(true);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  // Paused past the 30 s caption: it shows (or the 40 s one, if this machine was slow to pause).
  await expect.poll(async () => (await state(page)).idle).toBe(true);
  const pausedUs = (await state(page)).nowUs;
  await expect(caption).toContainText(pausedUs < 40_000_000 ? 'db1 crashes' : 'The orchestrator promotes');
});

test('a question before the reveal; the caption is plain text, never markup', async ({ page }) => {
  await openPlayground(page);
  const doc = JSON.parse(readFileSync('src/scenario/library/split-brain.json', 'utf8')) as Record<string, unknown>;
  const narration = [
    { atMs: 0, text: 'Two apps, one primary. <img src=x onerror="window.__pwned=1"> <b>not bold</b>' },
    {
      atMs: 20000,
      text: 'db1 keeps acknowledging the batch job\'s writes: two primaries.',
      question: 'db1 is cut off from the orchestrator but not from its clients. What happens to the batch job\'s writes?',
      choices: ['They fail at once', 'db1 keeps acknowledging them'],
      answer: 1,
      focus: ['db1'],
    },
  ];
  expect(await page.evaluate((d) => window.__faultline!.load(d), { ...doc, narration })).toBe(true);
  const caption = page.getByTestId('narration');
  await expect(caption).toContainText('<img src=x onerror="window.__pwned=1"> <b>not bold</b>');
  await expect(caption.locator('img, b')).toHaveCount(0);

  await page.evaluate(() => window.__faultline!.setSpeed(20));
  await page.getByTestId('tour-start').click();
  await page.getByTestId('tour-continue').click();
  await waitForTime(page, 20_000_000);
  await expect(caption).toContainText('What do you predict?');
  await expect(caption).toContainText('What happens to the batch job\'s writes?');
  await expect(caption).not.toContainText('two primaries');
  await expect(page.getByTestId('tour-continue')).toBeDisabled();
  await page.getByTestId('prediction').getByRole('button', { name: 'They fail at once' }).click();
  await expect(caption).toContainText('db1 keeps acknowledging the batch job\'s writes: two primaries.');
  await expect(page.getByTestId('verdict')).toHaveText('You predicted “They fail at once”; the run shows “db1 keeps acknowledging them”.');
  await expect(page.getByTestId('tour-continue')).toBeEnabled();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});
