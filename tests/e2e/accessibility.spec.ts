import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { runCli } from '../cli';
import { goTo, openPlayground } from './helpers';

// axe-core finds no serious or critical problem, in either theme, with the panels filled.
for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe reports no serious or critical issues (${colorScheme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await openPlayground(page);
    await goTo(page, 45);
    await page.getByTestId('inspect-node').selectOption('db1');
    await page.locator('[data-fault-kind="repoint"]').click();
    await expect(page.getByTestId('fault-option')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  });
}

test('with reduced motion, messages are shown as flows, never as moving dots', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openPlayground(page);
  await goTo(page, 20);
  // Slow motion: without the preference, the 40 ms link's messages would be dots.
  await page.evaluate(() => window.__faultline!.setSpeed(0.01));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await page.evaluate(() => window.__faultline!.state())).nowUs).toBeGreaterThan(20_000_000);
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-mode', 'flows');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();

  // The same moment without the preference does show dots.
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-mode', /dots|mixed/);
});

async function expectNoSeriousIssues(page: import('@playwright/test').Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the gallery, the share dialog, the editor and the embed have no serious or critical issues (${colorScheme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/?testhook');
    await expect(page.getByTestId('thumbnail').first()).toHaveAttribute('data-drawn', 'true');
    await expectNoSeriousIssues(page);

    await openPlayground(page, '', 'split-brain');
    await page.getByTestId('edit-mode').click();
    await page.getByTestId('tour-start').click();
    await expectNoSeriousIssues(page);
    await page.getByTestId('share').click();
    await expect(page.getByTestId('share-link')).toHaveValue(/#fl1\./);
    await expectNoSeriousIssues(page);
    // The dialog is reachable and closable by keyboard.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('share-dialog')).toBeHidden();

    const link = runCli('sim', ['split-brain', '--link']).out.trim();
    await page.goto(`/embed.html#${link}`);
    await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
    await expectNoSeriousIssues(page);
  });
}

test('the embed honours reduced motion: messages as flows, never moving dots', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const link = runCli('sim', ['first-failover', '--link']).out.trim();
  await page.goto(`/embed.html?speed=0.01&autoplay=1#${link}`);
  await expect.poll(async () => Number(await page.getByTestId('time').getAttribute('data-us'))).toBeGreaterThan(0);
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-mode', 'flows');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a comparison, its dialog and the export dialog have no serious or critical issues (${colorScheme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPlayground(page, '', 'split-brain');
    await page.getByTestId('compare').click();
    await expect(page.getByTestId('compare-dialog')).toBeVisible();
    await expectNoSeriousIssues(page);
    await page.getByTestId('compare-dialog').getByLabel("a node's parameter").check();
    await expectNoSeriousIssues(page);
    await page.getByTestId('compare-dialog').getByLabel('an added failure or action').check();
    await expectNoSeriousIssues(page);
    await page.getByTestId('compare-dialog').getByLabel('a what-if of this scenario').check();
    await page.getByTestId('compare-open').click();
    await expect(page.getByTestId('divergence-mark')).toBeVisible();
    await goTo(page, 40);
    await expect(page.locator('[data-testid="diff-row"]').first()).toBeVisible();
    await expectNoSeriousIssues(page);
    await page.screenshot({ path: `test-results/compare-${colorScheme}.png`, fullPage: true });
    await page.getByTestId('export-media').click();
    await expect(page.getByTestId('export-dialog')).toBeVisible();
    await expectNoSeriousIssues(page);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('export-dialog')).toBeHidden();
  });
}
