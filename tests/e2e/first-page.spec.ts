import { expect, test } from '@playwright/test';
import { runCli } from '../cli';

// The determinism check across runtimes: the page runs the built-in scenario in a Web
// Worker in Chromium; the CLI runs it in Node. Same scenario, same seed: same trace.
function cliRun(id: string, args: string[] = []) {
  const r = runCli('sim', [id, '--json', ...args]);
  if (r.code !== 0) throw new Error(`sim failed (${r.code}): ${r.err}`);
  return JSON.parse(r.out) as { trace: string; events: number; seed: number; untilMs: number };
}

test('the first page plays a built-in scenario live, and its trace matches the CLI', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));

  // The first page is the library: pick the first scenario from the gallery.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Faultline' })).toBeVisible();
  await page.getByRole('link', { name: /A primary crashes and a replica takes over/ }).click();
  await expect(page.getByRole('heading', { name: 'A primary crashes and a replica takes over' })).toBeVisible();
  const time = page.getByTestId('time');
  await expect(time).toHaveAttribute('data-us', '0');

  // Virtual time advances while playing, driven by the page's clock through the worker.
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => Number(await time.getAttribute('data-us'))).toBeGreaterThan(200_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const pausedAt = Number(await time.getAttribute('data-us'));
  const events = Number((await page.getByTestId('events').textContent())!.replace(/,/g, ''));
  expect(events).toBeGreaterThan(0);
  await expect(page.getByTestId('node-list').getByRole('button', { name: /^db1, database, up/ })).toBeAttached();

  // To the end of the run: the worker's trace must be the CLI's.
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(time).toHaveAttribute('data-us', '120000000');
  expect(pausedAt).toBeLessThan(120_000_000);
  const cli = cliRun('first-failover');
  await expect(page.getByTestId('trace')).toHaveText(cli.trace);
  await expect(page.getByTestId('events')).toHaveText(cli.events.toLocaleString('en-US'));
  // The failover happened in the browser too, and the log says so.
  await expect(page.getByTestId('log')).toContainText(/failover\b.*: promoting/);

  // Seeking back restores the earlier state exactly.
  await page.getByTestId('seek-input').fill('20');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(time).toHaveAttribute('data-us', '20000000');
  await expect(page.getByTestId('trace')).toHaveText(cliRun('first-failover', ['--until', '20000']).trace);
  await expect(page.getByTestId('node-list').getByRole('button', { name: /^db1, database, up: primary/ })).toBeAttached();

  await page.screenshot({ path: 'test-results/first-page.png', fullPage: true });
  expect(errors).toEqual([]);
});
