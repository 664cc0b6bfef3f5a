import { expect, test } from '@playwright/test';
import { openPlayground, state, waitForTime } from './helpers';

// "What if?": the learner applies a scenario's fix and sees the outcome change; undo takes it back.

const kinds = async (page: import('@playwright/test').Page) => (await state(page)).anomalies.map((a) => a.kind);

test('turning fencing on in the split-brain scenario removes the two primaries', async ({ page }) => {
  await openPlayground(page, '', 'split-brain');
  await page.getByRole('button', { name: 'Run to end' }).click();
  await waitForTime(page, 90_000_000);
  expect(await kinds(page)).toContain('split-brain');
  await expect(page.getByTestId('anomaly-panel')).toContainText('TWO PRIMARIES');
  const before = await state(page);

  const fix = page.locator('[data-testid="whatif"][data-id="fencing"]');
  await expect(fix).toContainText('Turn fencing on');
  await fix.getByTestId('whatif-apply').click();
  await expect(fix).toHaveAttribute('data-applied', 'true');
  await waitForTime(page, 90_000_000);
  expect((await page.evaluate(() => window.__faultline!.doc()))!.nodes.find((n) => n.id === 'orch')).toMatchObject({ fencing: true });
  expect(await kinds(page)).not.toContain('split-brain');
  await expect(page.getByTestId('anomaly-panel')).not.toContainText('TWO PRIMARIES');
  const compare = fix.getByTestId('whatif-compare');
  await expect(compare).toContainText(/Before the fix, to 1 min 30\.0 s.*TWO PRIMARIES ×/);
  await expect(fix.getByTestId('whatif-after')).not.toContainText('TWO PRIMARIES');
  expect((await state(page)).trace).not.toBe(before.trace);
  await page.screenshot({ path: 'test-results/whatif.png', fullPage: true });

  // Undo (keyboard) takes the fix back: the same run as before.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Control+z');
  await expect(fix).toHaveAttribute('data-applied', 'false');
  await waitForTime(page, 90_000_000);
  expect((await state(page)).trace).toBe(before.trace);
  expect(await kinds(page)).toContain('split-brain');
});
