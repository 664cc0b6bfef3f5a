import { expect, test } from '@playwright/test';
import { goTo, nodeButton, openPlayground, state, waitForTime } from './helpers';
import { restartDuringRestore } from '../fixtures/restart-during-restore';

// Everything the mouse does has a keyboard way: the shortcuts of the issue, and adding a
// failure without dragging it.

test('space plays and pauses, arrows seek, . steps, + and - change speed, ? shows the sheet', async ({ page }) => {
  await openPlayground(page);
  await page.locator('body').click({ position: { x: 2, y: 2 } });

  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(0);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();

  await goTo(page, 5);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('ArrowRight');
  await waitForTime(page, 6_000_000);
  await page.keyboard.press('Shift+ArrowRight');
  await waitForTime(page, 16_000_000);
  await page.keyboard.press('ArrowLeft');
  await waitForTime(page, 15_000_000);

  // One event: time moves to the next event's time, a little later.
  const before = await state(page);
  await page.keyboard.press('.');
  await expect.poll(async () => (await state(page)).events).toBe(before.events + 1);
  const after = await state(page);
  expect(after.nowUs).toBeGreaterThanOrEqual(before.nowUs);
  expect(after.nowUs).toBeLessThan(before.nowUs + 1_000_000);

  const speed = page.getByTestId('speed-label');
  await expect(speed).toHaveText('1×');
  await page.keyboard.press('+');
  await expect(speed).toHaveText('2×');
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect(speed).toHaveText('0.5×');

  await page.keyboard.press('?');
  const sheet = page.getByTestId('shortcuts');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('play / pause');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
});

test('"next event" lands exactly on the next notable thing', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 32);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  // After the crash at 30 s (and the failed requests it causes from 31 s), the next notable
  // thing is the orchestrator calling db1 down, after 10 s of silence.
  await page.keyboard.press('n');
  // Landed: past 32 s, with the scan and its last step done.
  await expect.poll(async () => {
    const s = await state(page);
    return s.idle && s.nowUs > 32_000_000;
  }).toBe(true);
  const at = (await state(page)).nowUs;
  await expect(page.getByTestId('log')).toContainText('declares db1 down');
  const log = await page.getByTestId('log').textContent();
  // The line that stopped us is the newest one in the log, at the time we landed on.
  expect(log).toContain(`${(at / 1e6).toFixed(3)} s orch declares db1 down`);
});

test('a failure can be added without dragging: press it, choose the target, add it', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 10);
  // Reach the palette's Crash entry with Tab, as a keyboard user does.
  const crash = page.locator('[data-fault-kind="crash"]');
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 60 && !(await crash.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(crash).toBeFocused();
  await page.keyboard.press('Enter');
  const target = page.getByTestId('fault-target');
  await target.focus();
  await target.selectOption({ label: 'db3 (database)' });
  await page.getByRole('button', { name: /^Add at 10\.0 s/ }).press('Enter');
  const added = page.locator('[data-testid="timeline-fault"]', { hasText: 'crash db3' });
  await expect(added).toHaveAttribute('data-at-ms', '10000');
  await expect(nodeButton(page, /^db3, database, down/)).toBeAttached();

  // And removed from the timeline with the keyboard.
  await added.focus();
  await page.keyboard.press('Delete');
  await expect(added).toHaveCount(0);
  await expect(nodeButton(page, /^db3, database, up/)).toBeAttached();

  // A node can be selected from the keyboard too: its list is part of the stage.
  await nodeButton(page, /^db2, database/).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector-status')).toContainText('db2, database');
});

test('an operator action with a choice: restore a replica from a backup of another, and see it come back', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 10);
  await page.locator('[data-fault-kind="restore-backup"]').click();
  await page.getByTestId('fault-target').selectOption({ label: 'db3 (database)' });
  // Its own source is offered first.
  const option = page.getByTestId('fault-option');
  await expect(option.locator('option').first()).toHaveText('from a backup of db1');
  await option.selectOption({ label: 'from a backup of db2' });
  await page.getByRole('button', { name: /^Add at 10\.0 s/ }).click();
  const added = page.locator('[data-testid="timeline-fault"]', { hasText: 'restore db3 from a backup of db2' });
  await expect(added).toHaveAttribute('data-at-ms', '10000');
  await expect(nodeButton(page, /^db3, database, down/)).toBeAttached();
  expect((await page.evaluate(() => window.__faultline!.doc()))!.faults.at(-1)).toMatchObject({ kind: 'restore-backup', target: 'db3', from: 'db2', atMs: 10_000, untilMs: 40_000 });

  // Thirty seconds later it starts from the backup and replays the rest from db1.
  await goTo(page, 45);
  await expect(nodeButton(page, /^db3, database, up/)).toBeAttached();
  await expect(page.getByTestId('log')).toContainText(/db3 restored from the backup at lsn \d+; it starts with that data and replays the log since/);
  // The lesson's own crash of db1 at 30 s still fails requests; nothing is wrong with db3.
  expect((await state(page)).anomalies.filter((a) => a.nodes.includes('db3'))).toEqual([]);
});

test('a database refusing to start during a restore: "next event" stops there, and the timeline marks it', async ({ page }) => {
  await openPlayground(page);
  const doc = restartDuringRestore;
  expect(await page.evaluate((d) => window.__faultline!.load(d), doc)).toBe(true);
  await goTo(page, 21);
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('n');
  await waitForTime(page, 22_000_000);
  await expect(page.getByTestId('log')).toContainText('db2 does not start: a backup of db1 is still being restored onto it');
  // On the timeline, beside the restore's crash, a tick says so.
  const tick = page.locator('.tick.start-refused');
  await expect(tick).toHaveCount(1);
  await expect(tick).toHaveAttribute('title', /^start refused db2 at /);
});
