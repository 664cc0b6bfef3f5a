import { expect, test } from '@playwright/test';
import { goTo, openPlayground } from './helpers';

// The stage's static layer at a fixed virtual time is a golden image; the themes and a
// phone-sized screen are screenshotted for review and checked for what can be measured.

test('golden: the static layer of the stage at 25 s', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openPlayground(page);
  await goTo(page, 25);
  // Only the static layer: the dynamic one (messages) is hidden for the comparison.
  await page.addStyleTag({ content: '[data-testid="stage-canvas"], .zoom-controls { visibility: hidden; }' });
  const draws = await page.getByTestId('stage-static').getAttribute('data-draws');
  await expect(page.getByTestId('stage')).toHaveScreenshot('stage-static-25s.png', { maxDiffPixels: 40 });
  // Nothing changed, so the static layer was not redrawn while we looked at it.
  await expect(page.getByTestId('stage-static')).toHaveAttribute('data-draws', draws!);
});

for (const colorScheme of ['light', 'dark'] as const) {
  for (const width of [360, 1920, 3840]) {
    test(`the stage reads at ${width} px in the ${colorScheme} theme`, async ({ page }) => {
      await page.setViewportSize({ width, height: width === 360 ? 740 : (width * 9) / 16 });
      await page.emulateMedia({ colorScheme });
      await openPlayground(page);
      await goTo(page, 45);
      // No sideways scrolling on a phone; the stage fills the width it has.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const stage = (await page.getByTestId('stage').boundingBox())!;
      expect(stage.width).toBeGreaterThan(width * 0.55);
      // Every node is drawn inside the visible stage.
      for (const id of ['db1', 'db2', 'db3', 'orch', 'primary', 'app']) {
        const p = (await page.evaluate((n) => window.__faultline!.nodePoint(n), id))!;
        expect(p.x).toBeGreaterThan(stage.x);
        expect(p.x).toBeLessThan(stage.x + stage.width);
        expect(p.y).toBeGreaterThan(stage.y);
        expect(p.y).toBeLessThan(stage.y + stage.height);
      }
      // The canvas follows the theme: its background pixel is light or dark.
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const lum = bg.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
      expect(colorScheme === 'dark' ? lum < 60 : lum > 200).toBe(true);
      await page.getByTestId('stage').screenshot({ path: `test-results/stage-${colorScheme}-${width}.png` });
      await page.screenshot({ path: `test-results/page-${colorScheme}-${width}.png`, fullPage: true });
    });
  }
}
