import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { collectErrors, dragFaultOnto, goTo, openPlayground, state, waitForTime } from './helpers';

// A stuck worker must not look like a playing run (issue 14, item 7). While a request has been
// outstanding for a while, the page says that it is working and on what, and offers a Stop:
// the worker is replaced, and the learner's document is loaded again at the last moment that
// was shown, with everything they did.

const docOf = (page: import('@playwright/test').Page) => page.evaluate(() => window.__faultline!.doc()!);
const shownUs = async (page: import('@playwright/test').Page) => Number(await page.getByTestId('time').getAttribute('data-us'));

test('a worker stuck while playing shows that it is working, and Stop brings the run back as it was shown', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page);
  // Something the learner did: a pause of db2 from 20 s.
  await goTo(page, 20);
  await dragFaultOnto(page, 'pause', 'db2');
  await expect.poll(async () => (await docOf(page)).faults.some((f) => f.kind === 'pause' && f.target === 'db2')).toBe(true);
  const learnerFaults = (await docOf(page)).faults;

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(20_000_000);
  // The worker now computes without answering, as a runaway replay does (for ten minutes:
  // longer than the test, and the watchdog is set beyond it).
  await page.evaluate(() => window.__faultline!.stallWorker(600_000));

  const working = page.getByTestId('working');
  await expect(working).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Working: running the simulation' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  expect((await state(page)).slow).toMatch(/^running the simulation/);
  // Time stands still at the last frame shown, and says so.
  const lastShown = await shownUs(page);
  expect(lastShown).toBeGreaterThan(20_000_000);
  await page.screenshot({ path: 'test-results/stuck-working.png' });

  await page.getByTestId('stop-work').click();
  await expect(working).toBeHidden();
  await expect(page.getByTestId('notice')).toContainText('Stopped running the simulation');
  await waitForTime(page, lastShown);
  const after = await state(page);
  expect(after).toMatchObject({ playing: false, slow: null, failure: null, nowUs: lastShown });
  await page.screenshot({ path: 'test-results/stuck-stopped.png' });
  // Nothing the learner did is lost: their fault is still there, and the run goes on.
  expect((await docOf(page)).faults).toEqual(learnerFaults);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(lastShown);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  expect(errors).toEqual([]);
});

test('a genuinely heavy run (to the end of a week of heartbeats every millisecond) can be stopped', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page);
  const week = JSON.parse(readFileSync('src/scenario/library/first-failover.json', 'utf8'));
  week.title = 'A week of heartbeats';
  week.durationMs = 604_800_000;
  week.limits = { maxEvents: 200_000_000 };
  week.nodes.find((n: { id: string }) => n.id === 'orch').heartbeatMs = 1;
  // Hours of work at any speed: the watchdog (30 s) must not end it before the learner does.
  await page.evaluate(() => window.__faultline!.setWatchdogMs?.(600_000));
  expect(await page.evaluate((d) => window.__faultline!.load(d), week)).toBe(true);
  await goTo(page, 2);
  await page.getByRole('button', { name: 'Run to end' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Working: going to 604800.0 s' })).toBeVisible();
  await page.getByTestId('stop-work').click();
  await expect(page.getByTestId('working')).toBeHidden();
  await expect(page.getByTestId('notice')).toContainText('Stopped going to 604800.0 s. The run is back at 2.0 s');
  await waitForTime(page, 2_000_000);
  expect((await docOf(page)).title).toBe('A week of heartbeats');
  expect(errors).toEqual([]);
});
