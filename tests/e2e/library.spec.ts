import { expect, test } from '@playwright/test';
import { runCli } from '../cli';
import { readFileSync } from 'node:fs';
import { collectErrors, state, waitForTime } from './helpers';

// The built-ins as the CLI lists them, with each one's teaser from its file.
const BUILT_INS = runCli('sim', ['--list'])
  .out.trim()
  .split('\n')
  .map((line) => {
    const id = line.split(/\s+/)[0];
    const doc = JSON.parse(readFileSync(`src/scenario/library/${id}.json`, 'utf8'));
    return { id, title: doc.title as string, teaser: doc.teaser as string };
  });

// The outage library: every built-in scenario as a card with its teaser and a thumbnail of
// its stage, opened by mouse or keyboard.

test('the gallery shows every built-in with its teaser and a drawn thumbnail, and opens one by keyboard', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?testhook');
  const cards = page.getByTestId('gallery-card');
  await expect(cards).toHaveCount(BUILT_INS.length);
  for (const b of BUILT_INS) {
    const card = page.locator(`[data-testid="gallery-card"][data-id="${b.id}"]`);
    await expect(card).toContainText(b.title);
    await expect(card).toContainText(b.teaser);
  }
  // Each thumbnail is the scenario's own stage: drawn, and not blank.
  const thumbs = page.getByTestId('thumbnail');
  await expect(thumbs.first()).toHaveAttribute('data-drawn', 'true');
  await expect(thumbs.last()).toHaveAttribute('data-drawn', 'true');
  const inked = await thumbs.evaluateAll((cs) =>
    (cs as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n / (c.width * c.height);
    }),
  );
  expect(inked.length).toBe(BUILT_INS.length);
  for (const share of inked) expect(share).toBeGreaterThan(0.05);
  // Different systems give different pictures.
  const [a, b] = await thumbs.evaluateAll((cs) => (cs as HTMLCanvasElement[]).slice(0, 2).map((c) => c.toDataURL()));
  expect(a).not.toBe(b);
  await page.screenshot({ path: 'test-results/gallery.png' });

  // Keyboard: Tab to the split-brain card, Enter opens it.
  const target = page.locator('[data-testid="gallery-card"][data-id="split-brain"]');
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Split-brain: two primaries without fencing' })).toBeVisible();
  await expect(page).toHaveURL(/#play=split-brain$/);
  await waitForTime(page, 0);
  expect((await state(page)).trace).not.toBe('');
  // Back to the library with the browser's back button.
  await page.goBack();
  await expect(page.getByTestId('gallery')).toBeVisible();
  expect(errors).toEqual([]);
});
