import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli';
import { serveStatic, type StaticServer } from './static-server';
import { collectErrors } from './helpers';

// The embeddable player as a blog uses it: the production build on a static host under a
// sub-path, a plain page on another origin with an iframe, and nothing fetched from anywhere
// else. Also: the whole static build works from a sub-path.

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const PREFIX = '/static/tools/faultline/';

function linkFor(id: string, ...args: string[]): string {
  const r = runCli('sim', [id, '--link', ...args]);
  if (r.code !== 0) throw new Error(r.err);
  return r.out.trim();
}

let host: StaticServer;
let blog: StaticServer;
const splitBrain = linkFor('split-brain');

test.beforeAll(async () => {
  host = await serveStatic({ root: DIST, prefix: PREFIX });
  // The blog's page: an iframe and the few lines a blogger adds to let the player size it.
  blog = await serveStatic({
    pages: {
      '/2030/01/split-brain.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A post about split-brain</title></head>
<body><main><h1>Why fencing matters</h1><p>Press play and watch two primaries accept writes.</p>
<iframe id="player" class="faultline" src="${host.origin}${PREFIX}embed.html?autoplay=1&speed=5#${splitBrain}" title="Faultline: split-brain" width="100%" height="200" style="border:0"></iframe>
<p>More words after the player.</p></main>
<script>
  window.heights = [];
  addEventListener('message', (e) => {
    if (!e.data || e.data.type !== 'faultline:height') return;
    window.heights.push(e.data.height);
    for (const f of document.querySelectorAll('iframe.faultline')) if (f.contentWindow === e.source) f.style.height = e.data.height + 'px';
  });
</script></body></html>`,
    },
  });
});

test.afterAll(async () => {
  await host?.close();
  await blog?.close();
});

test('embedded in a blog post on another origin, the player plays, reports its height, and fetches nothing from elsewhere', async ({ page }) => {
  const errors = collectErrors(page);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(`${blog.origin}/2030/01/split-brain.html`);
  const frame = page.frameLocator('#player');
  // It plays (autoplay): virtual time moves.
  await expect.poll(async () => Number(await frame.getByTestId('time').getAttribute('data-us'))).toBeGreaterThan(1_000_000);
  await expect(frame.getByRole('button', { name: 'Pause' })).toBeVisible();
  // The parent heard the height it would like, and resized the frame to it.
  await expect.poll(() => page.evaluate(() => (window as unknown as { heights: number[] }).heights.length)).toBeGreaterThan(0);
  const heights = await page.evaluate(() => (window as unknown as { heights: number[] }).heights);
  const last = heights.at(-1)!;
  expect(last).toBeGreaterThan(250);
  expect(last).toBeLessThan(1200);
  await expect.poll(async () => Math.round((await page.locator('#player').boundingBox())!.height)).toBe(last);
  // The narration is there, and "Open in Faultline" leads to the full app with the same link.
  await expect(frame.getByTestId('narration')).toContainText('db1 is the primary');
  await expect(frame.getByTestId('open-in-faultline')).toHaveAttribute('href', `${host.origin}${PREFIX}#${splitBrain}`);
  await page.screenshot({ path: 'test-results/embed-in-blog.png', fullPage: true });
  // Nothing but the blog's own page and the player's own origin.
  const origins = new Set(requested.map((u) => new URL(u).origin));
  expect([...origins].sort()).toEqual([blog.origin, host.origin].sort());
  expect(errors).toEqual([]);
});

test('player options: start time, speed, read-only, hidden timeline, dark theme; and pause/play', async ({ page }) => {
  await page.goto(`${host.origin}${PREFIX}embed.html?t=30&speed=0.5&readonly=1&hide=timeline&theme=dark&testhook#${splitBrain}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '30000000');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('timeline-track')).toHaveCount(0);
  await expect(page.getByTestId('embed-whatif')).toHaveCount(0);
  await expect(page.getByLabel('Speed')).toHaveValue(String(9));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => Number(await page.getByTestId('time').getAttribute('data-us'))).toBeGreaterThan(30_000_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await page.screenshot({ path: 'test-results/embed-dark.png' });

  // Not read-only: the scenario's what-if is offered, and applying it changes the run.
  await page.goto(`${host.origin}${PREFIX}embed.html?testhook#${splitBrain}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  // The link is read in a worker of its own first: until the run is loaded the player shows
  // 0 of 0 s, and End then means the end of nothing (under load the test pressed it there).
  await expect(page.getByTestId('time')).not.toContainText('/ 0.00 s');
  await page.getByTestId('timeline-track').focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '90000000');
  await expect.poll(() => page.evaluate(() => window.__faultline!.state().anomalies.map((a) => a.kind))).toContain('split-brain');
  await page.getByTestId('embed-whatif').click();
  await expect(page.getByTestId('embed-whatif')).toContainText('✓ Turn fencing on');
  await expect.poll(() => page.evaluate(() => window.__faultline!.state().anomalies.map((a) => a.kind))).not.toContain('split-brain');
});

test('a bad link in the player says what is wrong', async ({ page }) => {
  await page.goto(`${host.origin}${PREFIX}embed.html#fl9.abc`);
  await expect(page.getByTestId('embed-errors')).toContainText('made by a newer version of Faultline (link format 9)');
});

test('the static build works from a sub-path: the library, a scenario with its worker, and the player', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`${host.origin}${PREFIX}?testhook`);
  await expect(page.getByTestId('gallery-card')).not.toHaveCount(0);
  await page.locator('[data-testid="gallery-card"][data-id="first-failover"]').click();
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await page.getByTestId('seek-input').fill('40');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '40000000');
  await page.goto(`${host.origin}${PREFIX}embed.html#${linkFor('stale-read')}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await expect(page.getByTestId('narration')).toContainText('The app writes to db1');
  // Everything came from under the sub-path.
  expect(host.requests.filter((p) => !p.startsWith(PREFIX))).toEqual([]);
  expect(errors).toEqual([]);
});
