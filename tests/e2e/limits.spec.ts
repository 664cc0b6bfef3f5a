import { expect, test } from '@playwright/test';
import { encodeShareLink } from '../../src/scenario/share-link';
import { goTo, state } from './helpers';

// A runaway scenario (a client far beyond its database, for a week): the run must stop with a
// sentence saying which limit and where, and the page must stay usable (issue 14, item 3).
const overload = {
  format: 'faultline/1',
  title: 'A client far beyond its database, for a week',
  seed: 7,
  durationMs: 604_800_000,
  limits: { maxEvents: 200_000_000 },
  sites: [{ id: 'dc' }],
  links: [],
  nodes: [
    { id: 'db1', kind: 'database', site: 'dc', role: 'primary', serviceMs: 10, cores: 1 },
    { id: 'app', kind: 'client', site: 'dc', target: 'db1', writesPerSec: 2000, timeoutMs: 1000 },
  ],
  faults: [],
};

test('a runaway scenario stops with a sentence naming the limit, and the page stays usable', async ({ page }) => {
  test.setTimeout(240_000);
  const link = await encodeShareLink(overload);
  await page.goto(`/?testhook#${link}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await page.getByRole('button', { name: 'Run to end' }).click();
  const failure = page.getByTestId('failure');
  await expect(failure).toContainText(/db1's CPU queue passed its limit of 200,000 waiting requests at t = 10\d\.\d+ s/, { timeout: 200_000 });
  await page.screenshot({ path: test.info().outputPath('runaway-stopped.png') });
  // Still usable: go back to a moment before the limit, and on from there.
  await goTo(page, 50);
  expect((await state(page)).nowUs).toBe(50_000_000);
  await page.getByRole('button', { name: 'Dismiss' }).first().click();
  await goTo(page, 60);
  expect((await state(page)).failure).toBeNull();
});
