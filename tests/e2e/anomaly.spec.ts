import { expect, test } from '@playwright/test';
import { cliOfPage, dragFaultOnto, goTo, nodeButton, openPlayground, state } from './helpers';

// The lost write, end to end, as the issue tells it: a built-in scenario with asynchronous
// replication across regions; the learner drags a crash onto the primary; the orchestrator
// fails over; the checker finds the acknowledged writes the new primary never had and the
// page shows them in the panel and on the stage. Scrubbing back before the crash makes them
// disappear; playing again brings back the same anomaly at the same time (same trace).

test('drag a crash onto the primary: failover, then a lost write in the panel and on the stage; scrub back and replay', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('scenario').selectOption('async-failover');
  await expect(page.getByRole('heading', { name: 'Async failover loses acknowledged writes' })).toBeVisible();
  // The scenario's own crash is taken off the timeline: the learner's is the one that counts.
  for (const f of await page.getByTestId('timeline-fault').all()) {
    await f.focus();
    await page.keyboard.press('Delete');
  }
  await expect(page.getByTestId('timeline-fault')).toHaveCount(0);

  await goTo(page, 20);
  await dragFaultOnto(page, 'crash', 'db1');
  await expect(page.getByTestId('timeline-fault')).toHaveAttribute('data-at-ms', '20000');
  await expect(nodeButton(page, /^db1, database, down/)).toBeAttached();

  await goTo(page, 30);
  await expect(nodeButton(page, /^db2, database, up: primary/)).toBeAttached();
  const lost = page.locator('[data-testid="anomaly"][data-kind="lost-write"]');
  await expect(lost.first()).toBeVisible();
  const first = await state(page);
  const lostAt = first.anomalies.filter((a) => a.kind === 'lost-write');
  expect(lostAt.length).toBeGreaterThan(0);
  expect(lostAt[0].atUs).toBeGreaterThan(20_000_000);
  // On the stage, at the node that acknowledged the writes.
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-anomaly-marks', new RegExp(`lost-write@${lostAt[0].nodes[0]}`));
  await expect(nodeButton(page, new RegExp(`^${lostAt[0].nodes[0]},.*anomaly: lost-write`))).toBeAttached();

  // Choosing it in the panel goes to its moment.
  await lost.first().click();
  await expect.poll(async () => (await state(page)).nowUs).toBe(lostAt[0].atUs);

  // Scrub back before the crash: gone from the panel and from the stage.
  await goTo(page, 15);
  await expect(lost).toHaveCount(0);
  await expect(page.getByTestId('stage-canvas')).not.toHaveAttribute('data-anomaly-marks', /lost-write/);

  // Play again: the same anomaly at the same time, the same run.
  await goTo(page, 30);
  const again = await state(page);
  expect(again.anomalies.filter((a) => a.kind === 'lost-write')).toEqual(lostAt);
  expect(again.trace).toBe(first.trace);
  expect(again.trace).toBe((await cliOfPage(page, ['--until', '30000'])).trace);
});
