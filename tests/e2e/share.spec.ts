import { expect, test, type Page } from '@playwright/test';
import { AUTOSAVE_KEY } from '../../src/app/autosave';
import { cli, collectErrors, dragFaultOnto, goTo, openPlayground, state, waitForTime } from './helpers';

// Share links: the exact run a learner is looking at, in the URL; and what a bad link does.

async function shareLink(page: Page): Promise<string> {
  await page.getByTestId('share').click();
  const dialog = page.getByTestId('share-dialog');
  await expect(dialog).toBeVisible();
  const field = page.getByTestId('share-link');
  await expect(field).toHaveValue(/#fl1\./);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await field.inputValue());
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  return copied;
}

test('a link made in one browser opens in a fresh one as the same run: same trace, same anomalies at the same times', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await a.newPage();
  const errors = collectErrors(page);
  await openPlayground(page);
  // Two changes of the learner's: a crash dragged onto db3 at 5 s, and a pause of db2 at 12 s
  // added from the palette's menu.
  await goTo(page, 5);
  await dragFaultOnto(page, 'crash', 'db3');
  await goTo(page, 12);
  await page.locator('[data-fault-kind="pause"]').click();
  await page.getByTestId('fault-target').selectOption({ label: 'db2 (database)' });
  await page.getByRole('button', { name: /^Add at 12\.0 s/ }).click();
  await expect(page.getByTestId('timeline-fault')).toHaveCount(3);
  await goTo(page, 33.5);
  await page.getByTestId('inspect-node').selectOption('orch');
  const url = await shareLink(page);
  const fragment = new URL(url).hash;
  console.log(`share link for first-failover with two added faults: ${fragment.length - 1} characters`);
  expect(fragment.length).toBeLessThan(300);
  const docA = await page.evaluate(() => window.__faultline!.doc());
  const atA = await state(page);

  // A fresh browser context: no storage, nothing shared.
  const b = await browser.newContext();
  const fresh = await b.newPage();
  const freshErrors = collectErrors(fresh);
  await fresh.goto(`/?testhook${fragment}`);
  await waitForTime(fresh, 33_500_000);
  expect(await fresh.evaluate(() => window.__faultline!.doc())).toEqual(docA);
  expect(await fresh.evaluate(() => window.__faultline!.selected())).toBe('orch');
  await expect(fresh.getByTestId('inspect-node')).toHaveValue('orch');
  const atB = await state(fresh);
  expect(atB.trace).toBe(atA.trace);
  expect(atB.anomalies).toEqual(atA.anomalies);

  // To the end in both: the same run, and the CLI agrees when given the same link.
  for (const p of [page, fresh]) {
    await p.getByRole('button', { name: 'Run to end' }).click();
    await waitForTime(p, 120_000_000);
  }
  const endA = await state(page);
  const endB = await state(fresh);
  expect(endB.trace).toBe(endA.trace);
  expect(endB.anomalies.map((x) => [x.kind, x.atUs])).toEqual(endA.anomalies.map((x) => [x.kind, x.atUs]));
  expect(endA.anomalies.length).toBeGreaterThan(0);
  expect(cli(url).trace).toBe(endA.trace);
  expect(errors).toEqual([]);
  expect(freshErrors).toEqual([]);
  await a.close();
  await b.close();
});

test('a bad link says what is wrong, offers the learner\'s own work, and never overwrites it', async ({ page }) => {
  await openPlayground(page);
  // The learner's own work: the built-in crash removed, saved automatically.
  await page.locator('[data-testid="timeline-fault"][data-fault-id="crash-db1"]').focus();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('timeline-fault')).toHaveCount(0);
  await expect(page).toHaveURL(/#mine$/);
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY)).not.toBeNull();
  const saved = await page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY);
  const good = JSON.parse(saved!).link as string;

  const bad: [string, RegExp][] = [
    [good.slice(0, good.length - 8), /damaged or incomplete|cut short/],
    [`${good.slice(0, 20)}%${good.slice(21)}`, /contains '%' at character 21/],
    ['fl3.eJyrVkpSslIqLsjJ', /made by a newer version of Faultline \(link format 3\)/],
    ['this-is-not-a-link', /is not a Faultline share link/],
  ];
  for (const [link, message] of bad) {
    await page.goto(`/?testhook#${link}`);
    const panel = page.getByTestId('bad-link');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText(message);
    await expect(panel).toContainText('nothing you saved was changed');
    expect(await page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY)).toBe(saved);
  }
  await page.screenshot({ path: 'test-results/bad-link.png' });
  // The learner's own last scenario, one press away.
  await page.getByTestId('open-own-work').click();
  await expect(page).toHaveURL(/#mine$/);
  await waitForTime(page, 0);
  await expect(page.getByTestId('timeline-fault')).toHaveCount(0);
  expect(await page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY)).toBe(saved);
});
