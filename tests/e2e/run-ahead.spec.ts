import { expect, test, type Page } from '@playwright/test';
import { cliOfPage, collectErrors, goTo, openPlayground, state, waitForTime } from './helpers';

// Run-ahead as a learner meets it (issue 11, item 3): after a load the worker simulates ahead
// of what is shown, and the timeline shows how far the run is known, like a video's buffered
// bar. Inside that range, playing at any speed is honoured and a seek lands on a restore.

const SCENARIO = 'pool-exhaustion';
const DURATION_US = 1_200_000_000;

async function known(page: Page): Promise<{ us: number; state: string; widthPx: number; trackPx: number; text: string }> {
  return page.getByTestId('timeline-known').evaluate((el) => ({
    us: Number(el.getAttribute('data-known-us')),
    state: el.getAttribute('data-state') ?? '',
    widthPx: el.getBoundingClientRect().width,
    trackPx: el.parentElement!.getBoundingClientRect().width,
    text: document.querySelector('[data-testid="run-ahead"]')?.textContent ?? '',
  }));
}

/** Wait until the whole run is known, checking on the way that the bar only grows and is as long as it says. */
async function waitForWholeRun(page: Page): Promise<void> {
  let last = 0;
  await expect
    .poll(async () => {
      const k = await known(page);
      expect(k.us, 'the known range never shrinks while nothing is edited').toBeGreaterThanOrEqual(last);
      last = k.us;
      expect(Math.abs(k.widthPx - (k.us / DURATION_US) * k.trackPx)).toBeLessThan(1.5);
      return k.state;
    })
    .toBe('end');
}

test('the timeline shows how far the run is known, growing to its end while the page is paused', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page, '', SCENARIO);
  // Paused at 0 the run still grows: the bar is ahead of the moment shown.
  await expect.poll(async () => (await known(page)).us).toBeGreaterThan(0);
  expect((await state(page)).nowUs).toBe(0);
  await page.locator('.timeline').screenshot({ path: 'test-results/run-ahead-growing.png' });
  await waitForWholeRun(page);
  const k = await known(page);
  expect(k.us).toBe(DURATION_US);
  expect(k.widthPx).toBeCloseTo(k.trackPx, 0);
  await expect(page.getByRole('progressbar', { name: 'Simulated ahead' })).toHaveAttribute('aria-valuetext', 'the whole run is simulated');
  expect((await state(page)).runAhead).toMatchObject({ knownUs: DURATION_US, state: 'end' });
  await page.locator('.timeline').screenshot({ path: 'test-results/run-ahead-end.png' });
  expect(errors).toEqual([]);
});

test('inside the known range, playing at a high speed lands every frame on its target, and a seek gives the run from the start', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page, '', SCENARIO);
  await waitForWholeRun(page);
  // The speed slider as a person moves it: to 200x (pool-exhaustion's 20 minutes in 6 s).
  const speed = page.getByTestId('speed');
  await speed.focus();
  for (let i = 0; i < 30 && (await page.getByTestId('speed-label').textContent()) !== '200×'; i++) await speed.press('ArrowRight');
  await expect(page.getByTestId('speed-label')).toHaveText('200×');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  // Whatever the machine's speed, the worker's answers say whether each frame got where it
  // was asked to. Played until ten frames came, or to the end on a slow machine.
  await expect.poll(async () => {
    const s = await state(page);
    return s.playback.frames >= 10 || !s.playing;
  }).toBe(true);
  // Through the hook: the run may reach its end (and the button turn back to Play) at any moment.
  await page.evaluate(() => window.__faultline!.pause());
  await expect.poll(async () => (await state(page)).idle).toBe(true);
  const s = await state(page);
  expect(s.playback.known).toBe(s.playback.frames);
  expect(s.playback.knownShort, 'a frame inside the known range fell short of its target').toBe(0);
  expect(s.playback.frames).toBeGreaterThan(1);
  expect(s.nowUs).toBeGreaterThan(0);

  // A seek back into the middle and one forward: both land on the moment asked for, and the
  // moment is the same as a run from the start in the CLI.
  await goTo(page, 600);
  const mid = await state(page);
  expect(mid.trace).toBe((await cliOfPage(page, ['--until', '600000'])).trace);
  await goTo(page, 1000);
  const late = await state(page);
  expect(late.trace).toBe((await cliOfPage(page, ['--until', '1000000'])).trace);
  // Back again: the same moment, the same trace.
  await goTo(page, 600);
  expect((await state(page)).trace).toBe(mid.trace);
  await waitForTime(page, 600_000_000);
  expect(errors).toEqual([]);
});
