import { expect, test, type Page } from '@playwright/test';
import { cliOfPage, collectErrors, goTo, openPlayground, state, waitForTime } from './helpers';

// The inspector's fields come from the parameter tables: their labels, units, bounds and
// defaults are the ones the validator enforces. A learner changes a number and sees the run
// change; types one out of bounds and is told why, beside the field, with nothing lost.

const docOf = (page: Page) => page.evaluate(() => window.__faultline!.doc()!);
const nodeOf = async (page: Page, id: string) => (await docOf(page)).nodes.find((n) => n.id === id) as unknown as Record<string, unknown>;

test('a parameter from the tables: edit it, see it applied; out of bounds, see the sentence and lose nothing', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page);
  await goTo(page, 12);
  await page.getByTestId('inspect-node').selectOption('orch');
  await expect(page.getByTestId('inspector-status')).toContainText('orch, orchestrator');

  // The field shows its unit, its bounds and its default, as the table has them.
  const heartbeat = page.getByLabel('Heartbeat every (ms)');
  await expect(heartbeat).toHaveAttribute('min', '1');
  await expect(heartbeat).toHaveAttribute('max', '3600000');
  await expect(heartbeat).toHaveAttribute('placeholder', 'default 1000');

  // A sensible value is applied, and the run replays to the same moment.
  await heartbeat.fill('500');
  await heartbeat.press('Enter');
  await expect.poll(async () => (await nodeOf(page, 'orch')).heartbeatMs).toBe(500);
  await waitForTime(page, 12_000_000);
  const trace = (await state(page)).trace;
  expect(trace).toBe((await cliOfPage(page, ['--until', '12000'])).trace);

  // A heartbeat every nanosecond: refused beside the field, in the validator's words.
  await heartbeat.fill('0.000001');
  await heartbeat.press('Enter');
  const problem = page.getByTestId('field-problem');
  await expect(problem).toHaveText('heartbeatMs must be a number from 1 to 3,600,000; found 0.000001');
  await expect(heartbeat).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('region', { name: 'Inspector' }).screenshot({ path: 'test-results/inspector-out-of-bounds.png' });
  // Nothing lost: the scenario keeps its last good value, the run is the same, and the typed
  // value stays in the field to be corrected.
  expect((await nodeOf(page, 'orch')).heartbeatMs).toBe(500);
  expect((await state(page)).trace).toBe(trace);
  await expect(heartbeat).toHaveValue('0.000001');

  // Corrected, the sentence goes and the value is applied.
  await heartbeat.fill('2000');
  await heartbeat.press('Enter');
  await expect(problem).toHaveCount(0);
  await expect.poll(async () => (await nodeOf(page, 'orch')).heartbeatMs).toBe(2000);
  await waitForTime(page, 12_000_000);
  expect(errors).toEqual([]);
});

test('in the editor, a field inside an object (the daily cycle) is edited like any other', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('edit-mode').click();
  await page.getByTestId('inspect-node').selectOption('app');
  await expect(page.getByTestId('inspector-status')).toContainText('app, client');

  // Without an amplitude a cycle is incomplete: the validator's sentence says so, and the
  // scenario is unchanged.
  const period = page.getByLabel('Daily cycle: Cycle length (ms)');
  await period.fill('60000');
  await period.press('Enter');
  await expect(page.getByTestId('notice')).toContainText('diurnal.amplitude is missing');
  expect((await nodeOf(page, 'app')).diurnal).toBeUndefined();

  const swing = page.getByLabel('Daily cycle: Daily swing');
  await swing.fill('0.5');
  await swing.press('Enter');
  await expect.poll(async () => (await nodeOf(page, 'app')).diurnal).toEqual({ amplitude: 0.5 });
  await period.fill('120000');
  await period.press('Enter');
  await expect.poll(async () => (await nodeOf(page, 'app')).diurnal).toEqual({ amplitude: 0.5, periodMs: 120_000 });
  await page.getByRole('region', { name: 'Inspector' }).screenshot({ path: 'test-results/inspector-editor.png' });
});
