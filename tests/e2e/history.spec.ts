import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { runCli } from '../cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectErrors, openPlayground, state, waitForTime } from './helpers';

// The history view as a learner uses it: play a failover lesson past the crash, open the
// view, check linearizability in the worker, read the verdict and the operations that cannot
// be ordered, jump to one of them on the stage; export the history and have the CLI judge
// the file the same way. Times are reached through the test hook, never by waiting.

/** Drive the page to `ms` through the test hook and wait for that frame. */
async function driveTo(page: Page, ms: number): Promise<void> {
  await page.evaluate((t) => window.__faultline!.seek(t), ms);
  await waitForTime(page, ms * 1000);
}

async function openHistory(page: Page): Promise<void> {
  const toggle = page.getByTestId('history-toggle');
  await toggle.scrollIntoViewIfNeeded();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** Apply a scenario's what-if with the button a person presses. */
async function applyWhatIf(page: Page, id: string): Promise<void> {
  const w = page.locator(`[data-testid="whatif"][data-id="${id}"]`);
  await w.getByTestId('whatif-apply').click();
  await expect(w).toHaveAttribute('data-applied', 'true');
}

function lincheckCli(file: string): { verdict: string; operations: number; counterexample: { key: string; stuck: { ref: string }[] } | null } {
  const r = runCli('lincheck', [file, '--json']);
  if (r.code !== 0) throw new Error(`lincheck failed (${r.code}): ${r.err}`);
  return JSON.parse(r.out);
}

test('async failover with reads from the replica: not linearizable, the offending operations shown, one chosen on the stage; the export agrees', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page, '', 'async-failover');
  await applyWhatIf(page, 'read-replica');
  expect((await page.evaluate(() => window.__faultline!.doc()))!.nodes.find((n) => n.id === 'app')).toMatchObject({ readTarget: 'db2' });
  // Play through the promotion of db2 (the crash is at 30 s, the promotion 5 s later), then
  // go on to 45 s.
  await driveTo(page, 34_000);
  await page.evaluate(() => window.__faultline!.setSpeed(5));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByTestId('node-list').getByRole('button', { name: /^db2, database, up: primary/ })).toBeAttached();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await driveTo(page, 45_000);

  await openHistory(page);
  // Before any check, the diagram follows the current moment (the last half second), one
  // lane: the app's reads and writes.
  const diagram = page.getByTestId('history-diagram');
  await expect(diagram).toHaveAttribute('data-mode', 'now');
  await expect.poll(async () => Number(await diagram.getAttribute('data-ops'))).toBeGreaterThan(20);
  await expect(page.getByTestId('history-note')).toContainText('All keys, 44.500 s to 45.000 s.');
  await expect(diagram.locator('g.lane')).toHaveCount(1);
  // A read names the write whose value it returned, even one written before the window.
  await expect(diagram.locator('g.op', { hasText: /^R → / }).first()).toBeAttached();
  expect(await diagram.textContent()).not.toMatch(/R → \d/);

  await page.getByTestId('lincheck').click();
  const verdict = page.getByTestId('lincheck-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'not linearizable');
  await expect(page.getByTestId('lincheck-result')).toHaveText('✗ Not linearizable');
  // Why, in words: which read and which write cannot both be as the app saw them.
  const why = page.getByTestId('lincheck-why');
  await expect(why).toContainText(/the read app#\d+ \(app, .* served by db2\) returned the value app#\d+ wrote\. But app#\d+ had replaced that value/);
  // The diagram now shows the counterexample's key, its operations highlighted.
  await expect(diagram).toHaveAttribute('data-mode', 'counterexample');
  await expect.poll(async () => Number(await diagram.getAttribute('data-highlighted'))).toBeGreaterThanOrEqual(2);
  await expect(diagram.locator('g.op[data-role="stuck"]')).toHaveCount(1);
  await expect(diagram.locator('g.op[data-role="overwrite"]')).toHaveCount(1);

  const stuck = page.locator('[data-testid="offender"][data-role="stuck"]');
  await expect(stuck).toHaveCount(1);
  await expect(page.locator('[data-testid="offender"][data-role="overwrite"]')).toHaveCount(1);
  const atUs = Number(await stuck.getAttribute('data-at-us'));
  const opId = (await stuck.getAttribute('data-op'))!;
  expect(await stuck.getAttribute('data-node')).toBe('db2');
  await page.screenshot({ path: 'test-results/history-light.png', fullPage: true });

  // Choosing it takes the playground to its moment, with the node that served it selected.
  await stuck.click();
  await waitForTime(page, atUs);
  expect(atUs).toBeGreaterThan(35_000_000);
  expect(await page.evaluate(() => window.__faultline!.selected())).toBe('db2');
  await expect(page.getByTestId('inspect-node')).toHaveValue('db2');
  await expect(page.getByTestId('node-list').getByRole('button', { name: /^db2,/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('picked-note')).toContainText(`${opId} at`);
  await expect(diagram.locator(`g.op.picked[data-op="${opId}"]`)).toHaveCount(1);
  // The verdict stays, about the history up to 45 s.
  await expect(verdict).toContainText('up to 45.000 s');

  // Export at 45 s (where the check was made): the CLI judges the downloaded file the same.
  await driveTo(page, 45_000);
  await page.getByTestId('lincheck').click();
  await expect(verdict).toHaveAttribute('data-verdict', 'not linearizable');
  const shownStuck = await page.locator('[data-testid="offender"][data-role="stuck"]').getAttribute('data-op');
  const download = page.waitForEvent('download');
  await page.getByTestId('history-export').click();
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-history-')), 'history.json');
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/^async-failover-loses-acknowledged-writes-history-45\.000s\.json$/);
  await d.saveAs(file);
  const cli = lincheckCli(file);
  expect(cli.verdict).toBe('not linearizable');
  expect(cli.counterexample!.stuck.map((s) => s.ref)).toEqual([shownStuck]);
  await expect(verdict).toContainText(`${cli.operations.toLocaleString('en-US')} operations`);
  expect(errors).toEqual([]);
});

test('the synchronous standby with reads from the primary is linearizable, failover included; the export agrees', async ({ page }) => {
  await openPlayground(page, '', 'sync-standby');
  await driveTo(page, 45_000);
  expect((await state(page)).anomalies.filter((a) => a.kind === 'lost-write')).toEqual([]);
  await openHistory(page);
  await page.getByTestId('lincheck').click();
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'linearizable');
  await expect(page.getByTestId('lincheck-result')).toHaveText('✓ Linearizable');
  await expect(page.getByTestId('offenders')).toHaveCount(0);
  const download = page.waitForEvent('download');
  await page.getByTestId('history-export').click();
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-history-')), 'history.json');
  await (await download).saveAs(file);
  expect(lincheckCli(file).verdict).toBe('linearizable');
});

test('the lesson\'s caption asks first, then runs the check from the narration; an exhausted budget says unknown', async ({ page }) => {
  await openPlayground(page, '', 'stale-read');
  await driveTo(page, 10_000);
  const caption = page.getByTestId('narration');
  await expect(caption).toContainText('What do you predict?');
  await expect(page.getByTestId('narration-action')).toHaveCount(0);
  await page.getByTestId('prediction').getByRole('button', { name: 'No, it is not' }).click();
  await expect(page.getByTestId('verdict')).toHaveText('You predicted it: “No, it is not”.');
  // The reveal offers the check; pressing it opens the history view and runs it.
  await page.getByTestId('narration-action').click();
  await expect(page.getByTestId('history-toggle')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'not linearizable');
  await expect(page.getByTestId('lincheck-why')).toContainText('served by db2');

  // The fix the caption names: linearizable.
  await applyWhatIf(page, 'read-primary');
  await waitForTime(page, 10_000_000);
  // The old verdict was about another run: gone.
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'idle');
  await page.getByTestId('narration-action').click();
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'linearizable');

  // A budget too small for a verdict: "unknown", with its reason, never "probably fine".
  await page.evaluate(() => window.__faultline!.setCheckBudget(10));
  await page.getByTestId('lincheck').click();
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'unknown');
  await expect(page.getByTestId('lincheck-reason')).toContainText('step budget');
});

test('keyboard only: open the view, check, choose an operation', async ({ page }) => {
  await openPlayground(page, '', 'stale-read');
  await driveTo(page, 5_000);
  const toggle = page.getByTestId('history-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('lincheck')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'not linearizable');
  const stuck = page.locator('[data-testid="offender"][data-role="stuck"]');
  await stuck.focus();
  await page.keyboard.press('Enter');
  await waitForTime(page, Number(await stuck.getAttribute('data-at-us')));
  expect(await page.evaluate(() => window.__faultline!.selected())).toBe('db2');
});

async function expectNoSeriousIssues(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include('[data-testid="history-view"]').analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const phone of [false, true]) {
    test(`the history view with a counterexample: no serious or critical axe issues (${colorScheme}${phone ? ', phone width' : ''})`, async ({ page }) => {
      if (phone) await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      await openPlayground(page, '', 'async-failover');
      await applyWhatIf(page, 'read-replica');
      await driveTo(page, 45_000);
      await openHistory(page);
      await page.getByTestId('lincheck').click();
      await expect(page.getByTestId('lincheck-verdict')).toHaveAttribute('data-verdict', 'not linearizable');
      await page.locator('[data-testid="offender"][data-role="stuck"]').click();
      await page.getByTestId('history-view').locator('details.legend summary').click();
      await expectNoSeriousIssues(page);
      await page.getByTestId('history-view').screenshot({ path: `test-results/history-view-${colorScheme}${phone ? '-phone' : ''}.png` });
      // The live window too (all keys, following the current moment).
      await page.getByTestId('history-follow').click();
      await expect(page.getByTestId('history-diagram')).toHaveAttribute('data-mode', 'now');
      await expectNoSeriousIssues(page);
      await page.getByTestId('history-view').screenshot({ path: `test-results/history-live-${colorScheme}${phone ? '-phone' : ''}.png` });
    });
  }
}
