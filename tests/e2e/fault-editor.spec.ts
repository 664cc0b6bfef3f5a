import { expect, test } from '@playwright/test';
import { collectErrors, openPlayground } from './helpers';

// A fault on the timeline is edited as a whole, not only moved: its end and its own fields
// (read off the fault table), through the validator, one step of undo.

test('edit a fault from the timeline: its end and its factor, refused values said beside them, undo puts it back', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page, '', 'pool-exhaustion');
  const doc = () => page.evaluate(() => window.__faultline!.doc()!.faults.find((f) => f.id === 'bad-statistics'));
  expect(await doc()).toMatchObject({ atMs: 60_000, factor: 25_000 });

  await page.locator('[data-testid="timeline-fault"][data-fault-id="bad-statistics"]').click();
  const editor = page.getByTestId('fault-editor');
  await expect(editor).toContainText('slow-queries db');
  await expect(editor.getByTestId('fault-at')).toHaveValue('60');
  // Slow queries last until someone refreshes the statistics: no end, unless one is given.
  await expect(editor.getByTestId('fault-until')).toHaveValue('');
  await expect(editor.getByLabel('Times slower')).toHaveValue('25000');

  // A factor below 1 and an end before the start are refused here, and nothing changes.
  await editor.getByLabel('Times slower').fill('0.5');
  await editor.getByTestId('fault-until').fill('30');
  await editor.getByTestId('fault-apply').click();
  await expect(editor.getByRole('alert').filter({ hasText: 'untilMs must be after atMs' })).toBeVisible();
  await expect(editor.getByRole('alert').filter({ hasText: /factor/ })).toBeVisible();
  expect(await doc()).toMatchObject({ atMs: 60_000, factor: 25_000 });
  expect((await doc())!.untilMs).toBeUndefined();

  await editor.getByLabel('Times slower').fill('40');
  await editor.getByTestId('fault-until').fill('90');
  await editor.getByTestId('fault-apply').click();
  await expect.poll(doc).toMatchObject({ atMs: 60_000, untilMs: 90_000, factor: 40 });
  await expect(page.locator('[data-testid="timeline-fault"][data-fault-id="bad-statistics"]')).toHaveAttribute('aria-label', /until 1 min 30/);
  await page.screenshot({ path: 'test-results/fault-editor.png' });

  await page.getByTestId('undo').click();
  await expect.poll(doc).toMatchObject({ atMs: 60_000, factor: 25_000 });
  expect((await doc())!.untilMs).toBeUndefined();
  expect(errors).toEqual([]);
});
