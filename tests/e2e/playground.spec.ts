import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { cliOfPage, collectErrors, dragFaultOnto, goTo, nodeButton, nodePoint, openPlayground, state, waitForTime } from './helpers';

// The playground as a learner uses it: a built-in scenario, a failure dragged onto the
// primary, the failover it causes, a scrub back before the failure, and a replay that is the
// same run (same trace as the CLI's run of the page's own scenario document).

test('drag a crash onto the primary, see the failover, scrub back before it, replay the same run', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page);

  // The built-in crash at 30 s is removed from the timeline by keyboard, so the learner's
  // crash is the one that matters.
  const builtIn = page.locator('[data-testid="timeline-fault"][data-fault-id="crash-db1"]');
  await builtIn.focus();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('timeline-fault')).toHaveCount(0);

  // Play for a moment, then go to 20 s.
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(100_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await goTo(page, 20);
  await expect(nodeButton(page, /^db1, database, up: primary/)).toBeAttached();

  // Drag "Crash" from the palette onto db1 with the mouse.
  await dragFaultOnto(page, 'crash', 'db1');
  const fault = page.getByTestId('timeline-fault');
  await expect(fault).toHaveCount(1);
  await expect(fault).toHaveAttribute('data-at-ms', '20000');
  await expect(fault).toHaveAccessibleName(/^crash db1 at 20\.0 s/);
  await expect(nodeButton(page, /^db1, database, down/)).toBeAttached();
  expect((await state(page)).nowUs).toBe(20_000_000);

  // The orchestrator needs 10 s of silence, then promotes a replica.
  await goTo(page, 45);
  await expect(nodeButton(page, /^db[23], database, up: primary/)).toBeAttached();
  await expect(page.getByTestId('log')).toContainText(/failover\b.*: promoting/);
  const firstRun = await state(page);

  // Scrub back before the crash by dragging on the timeline: db1 is the primary again, and
  // the learner's fault is still on the timeline (it is part of the scenario now).
  const track = page.getByTestId('timeline-track');
  const box = (await track.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  // Where the drag ended, with nothing more on its way (each move asked for a frame).
  await expect.poll(async () => {
    const s = await state(page);
    return s.idle && s.nowUs < 20_000_000;
  }).toBe(true);
  await expect(nodeButton(page, /^db1, database, up: primary/)).toBeAttached();
  await expect(page.getByTestId('timeline-fault')).toHaveCount(1);

  // Play again through the crash: the same run as before, and as the CLI's.
  await goTo(page, 45);
  const again = await state(page);
  expect(again.trace).toBe(firstRun.trace);
  expect(again.events).toBe(firstRun.events);
  expect(again.trace).toBe((await cliOfPage(page, ['--until', '45000'])).trace);
  await page.getByRole('button', { name: 'Run to end' }).click();
  await waitForTime(page, 120_000_000);
  expect((await state(page)).trace).toBe((await cliOfPage(page)).trace);
  expect(errors).toEqual([]);
});

test('a fault on the timeline can be dragged to another time, and the run follows', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 35);
  await expect(nodeButton(page, /^db1, database, down/)).toBeAttached();
  const fault = page.locator('[data-testid="timeline-fault"][data-fault-id="crash-db1"]');
  const track = (await page.getByTestId('timeline-track').boundingBox())!;
  const from = (await fault.boundingBox())!;
  // 30 s -> about 60 s on a 120 s run: a quarter of the track to the right.
  await page.mouse.move(from.x + 4, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 4 + track.width / 4, from.y + from.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => Number(await fault.getAttribute('data-at-ms'))).toBeGreaterThan(55_000);
  const atMs = Number(await fault.getAttribute('data-at-ms'));
  expect(atMs).toBeLessThan(65_000);
  // At 35 s db1 has not crashed yet in the new timeline: the world replayed without it.
  await waitForTime(page, 35_000_000);
  await expect(nodeButton(page, /^db1, database, up: primary/)).toBeAttached();
  const doc = await page.evaluate(() => window.__faultline!.doc());
  expect(doc!.faults.find((f) => f.id === 'crash-db1')!.atMs).toBe(atMs);
  expect((await state(page)).trace).toBe((await cliOfPage(page, ['--until', '35000'])).trace);
});

test('a node dragged on the stage keeps its new place in the scenario', async ({ page }) => {
  await openPlayground(page);
  const before = await nodePoint(page, 'db3');
  await page.mouse.move(before.x, before.y);
  await page.mouse.down();
  await page.mouse.move(before.x - 60, before.y + 40, { steps: 8 });
  await page.mouse.up();
  const after = await nodePoint(page, 'db3');
  expect(after.x).toBeCloseTo(before.x - 60, 0);
  expect(after.y).toBeCloseTo(before.y + 40, 0);
  const doc = await page.evaluate(() => window.__faultline!.doc());
  // Every node is pinned once one is moved, so the picture no longer depends on the screen.
  expect(doc!.nodes.every((n) => n.position !== undefined)).toBe(true);
  // The position survives a seek (it is the scenario's, not the frame's).
  await goTo(page, 10);
  const later = await nodePoint(page, 'db3');
  expect(later.x).toBeCloseTo(after.x, 0);
  // Pan by dragging empty stage space moves everything together.
  const stage = (await page.getByTestId('stage-canvas').boundingBox())!;
  await page.mouse.move(stage.x + 8, stage.y + stage.height - 8);
  await page.mouse.down();
  await page.mouse.move(stage.x + 48, stage.y + stage.height - 8, { steps: 5 });
  await page.mouse.up();
  expect((await nodePoint(page, 'db3')).x).toBeCloseTo(later.x + 40, 0);
});

test('editing a parameter in the inspector reloads the scenario and returns to the same moment', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 12);
  await page.getByTestId('inspect-node').selectOption('app');
  await expect(page.getByTestId('inspector-status')).toContainText('app, client');
  const writes = page.getByLabel('Writes per second');
  await writes.fill('200');
  await writes.press('Enter');
  await writes.blur();
  await expect.poll(async () => (await page.evaluate(() => window.__faultline!.doc()))!.nodes.find((n) => n.id === 'app')).toMatchObject({ writesPerSec: 200 });
  await waitForTime(page, 12_000_000);
  await expect(page.getByTestId('inspector-status')).toContainText('200 w/s');
  expect((await state(page)).trace).toBe((await cliOfPage(page, ['--until', '12000'])).trace);
});

test('a runaway scenario stops with a clear message and the page stays usable', async ({ page }) => {
  await openPlayground(page);
  const doc = await page.evaluate(() => window.__faultline!.doc());
  await page.getByRole('button', { name: 'Open JSON…' }).click();
  await page.getByTestId('scenario-json').fill(JSON.stringify({ ...doc, format: 'faultline/1', title: 'Runaway', limits: { maxEvents: 2000 } }));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Runaway' })).toBeVisible();
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByTestId('failure')).toContainText('passed its budget of 2,000 events');
  // Back to a built-in: it plays.
  await page.getByTestId('scenario').selectOption('first-failover');
  await waitForTime(page, 0);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).nowUs).toBeGreaterThan(100_000);
});

test('a worker that fails is restarted, with a message, and the page goes on working', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 5);
  await dragFaultOnto(page, 'crash', 'db3');
  await expect(page.getByTestId('timeline-fault')).toHaveCount(2);
  // A call the worker cannot answer: its error comes back as a rejected request.
  await page.evaluate(() => window.__faultline!.breakWorker());
  await expect(page.getByTestId('failure')).toContainText('has been restarted');
  await waitForTime(page, 0);
  // The learner's scenario survived the restart, their fault included.
  await expect(page.getByTestId('timeline-fault')).toHaveCount(2);
  await goTo(page, 7);
  await expect(nodeButton(page, /^db3, database, down/)).toBeAttached();
  expect((await state(page)).trace).toBe((await cliOfPage(page, ['--until', '7000'])).trace);
});

test('an invalid scenario is refused with each problem and its field', async ({ page }) => {
  await openPlayground(page);
  await page.getByRole('button', { name: 'Open JSON…' }).click();
  await page.getByTestId('scenario-json').fill('{"format":"faultline/1","seed":1,"durationMs":1000,"sites":[{"id":"a"}],"nodes":[{"id":"x","kind":"database","site":"nowhere","role":"primary"}]}');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('nodes[0].site');
  await page.getByRole('button', { name: 'Cancel' }).click();
  // The scenario that was loaded is still there and still works.
  await goTo(page, 3);
});

test('a scenario overtaken while it loads gives way to the newer one, and is not shown as a bad link', async ({ page }) => {
  const errors = collectErrors(page);
  await openPlayground(page);
  const other = JSON.parse(readFileSync(new URL('../../src/scenario/library/stale-read.json', import.meta.url), 'utf8')) as { title: string };
  // The address changes to another lesson, and before its load has answered another document
  // is loaded over it (as the benchmark does on a page opened at a lesson).
  const loaded = await page.evaluate(async (doc) => {
    // Listeners run in the order they were added: the app's own has started its load by then.
    const routed = new Promise((r) => addEventListener('hashchange', r, { once: true }));
    location.hash = '#play=async-failover';
    await routed;
    return window.__faultline!.load(doc);
  }, other);
  expect(loaded).toBe(true);
  await waitForTime(page, 0);
  await expect(page.getByRole('heading', { level: 2, name: other.title })).toBeVisible();
  await expect(page.getByTestId('stage-canvas')).toBeVisible();
  await expect(page.getByTestId('bad-link')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('overtaken-load.png') });
  expect(errors).toEqual([]);
});
