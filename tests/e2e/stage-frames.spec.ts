import { expect, test } from '@playwright/test';
import { goTo, openPlayground, state } from './helpers';

// What the stage draws while playing: the dynamic layer every animation frame, the static
// layer (sites, nodes, their state) only when it changes, and node state at most every
// STATE_REDRAW_MS (100 ms) of wall time. A slow machine only makes fewer redraws.

test('while playing, the static layer is redrawn at most every 100 ms, not with every frame', async ({ page }) => {
  await openPlayground(page);
  const draws = async () => Number(await page.getByTestId('stage-static').getAttribute('data-draws'));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  // Playing, with frames arriving.
  await expect.poll(async () => (await state(page)).playback.frames).toBeGreaterThan(2);
  const before = { draws: await draws(), wallMs: await page.evaluate(() => performance.now()), frames: (await state(page)).playback.frames };
  await expect.poll(async () => (await state(page)).playback.frames).toBeGreaterThan(before.frames + 40);
  const after = { draws: await draws(), wallMs: await page.evaluate(() => performance.now()) };
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const redraws = after.draws - before.draws;
  // Some, since node state changes as it plays; never more than one per 100 ms (plus the one
  // under way at each end of the look).
  expect(redraws).toBeGreaterThan(0);
  expect(redraws).toBeLessThanOrEqual(Math.floor((after.wallMs - before.wallMs) / 100) + 2);
});

test('paused, a slower speed shows the messages as dots at once: flows too quick to see at 1x, dots in slow motion', async ({ page }) => {
  await openPlayground(page);
  await goTo(page, 20);
  // At 1x a message on the 40 ms link would cross the screen in 40 ms: a flow.
  await expect(page.getByTestId('speed-label')).toHaveText('1×');
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-mode', 'flows');
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 3; i++) await page.keyboard.press('-');
  await expect(page.getByTestId('speed-label')).toHaveText('0.1×');
  // The same moment, still paused: drawn again for the new speed.
  await expect(page.getByTestId('stage-canvas')).toHaveAttribute('data-mode', /dots|mixed/);
  expect((await state(page)).nowUs).toBe(20_000_000);
});

test('the stage\'s canvases are shown pixel for pixel, not stretched: their backing store is their box on the page times the pixel ratio', async ({ page }) => {
  await openPlayground(page);
  for (const id of ['stage-static', 'stage-canvas']) {
    const fit = await page.getByTestId(id).evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const r = canvas.getBoundingClientRect();
      return { width: canvas.width, height: canvas.height, boxWidth: r.width * devicePixelRatio, boxHeight: r.height * devicePixelRatio };
    });
    expect(fit.width).toBe(fit.boxWidth);
    expect(fit.height).toBe(fit.boxHeight);
  }
});

test('a stage with nothing new to show asks for no animation frames; playing, it asks for them again', async ({ page }) => {
  // The page's own requests for animation frames, counted; the test's own window is a count of
  // frames, not of milliseconds.
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    let asked = 0;
    window.requestAnimationFrame = (cb) => {
      asked++;
      return raf(cb);
    };
    (window as unknown as { __frames: unknown }).__frames = {
      asked: () => asked,
      pass: (n: number) => new Promise<void>((resolve) => {
        let i = 0;
        const next = () => (++i >= n ? resolve() : raf(next));
        raf(next);
      }),
    };
  });
  type Frames = { __frames: { asked(): number; pass(n: number): Promise<void> } };
  await openPlayground(page);
  // Paused at 0 s (no anomaly's mark pulsing there), once what a frame shows is drawn.
  await expect.poll(async () => (await state(page)).idle).toBe(true);
  await page.evaluate(() => (window as unknown as Frames).__frames.pass(5));
  const before = await page.evaluate(() => (window as unknown as Frames).__frames.asked());
  await page.evaluate(() => (window as unknown as Frames).__frames.pass(30));
  expect(await page.evaluate(() => (window as unknown as Frames).__frames.asked()), 'animation frames asked for in 30 frames of a paused stage').toBe(before);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => (await state(page)).playback.frames).toBeGreaterThan(2);
  await page.evaluate(() => (window as unknown as Frames).__frames.pass(10));
  expect(await page.evaluate(() => (window as unknown as Frames).__frames.asked())).toBeGreaterThan(before + 10);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
});
