import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openPlayground } from './helpers';

// The timeline's axis labels never overlap, whatever the width and the run's length (issue 14,
// item 9: first-failover's two minutes read "1 min 00.0 s1 min 10.0 s…").

const base = JSON.parse(readFileSync('src/scenario/library/first-failover.json', 'utf8'));
const DURATIONS_MS = [120_000, 10_000, 3_600_000, 604_800_000];
const WIDTHS_PX = [1280, 960, 700, 420];

interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

async function axisBoxes(page: Page): Promise<{ axis: Box; labels: Box[] }> {
  return page.getByTestId('timeline-axis').evaluate((axis) => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    };
    return { axis: box(axis), labels: [...axis.querySelectorAll('span')].map(box) };
  });
}

test('axis labels never overlap nor leave the axis, at several widths and run lengths', async ({ page }) => {
  await openPlayground(page);
  for (const durationMs of DURATIONS_MS) {
    const doc = { ...base, durationMs, faults: [], narration: [] };
    delete doc.whatIf;
    expect(await page.evaluate((d) => window.__faultline!.load(d), doc)).toBe(true);
    for (const width of WIDTHS_PX) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(async () => (await axisBoxes(page)).labels.length).toBeGreaterThanOrEqual(2);
      // Laid out for this width (the labels follow the axis's measured width).
      await expect.poll(async () => {
        const { axis, labels } = await axisBoxes(page);
        return labels.at(-1)!.x + labels.at(-1)!.width <= axis.x + axis.width + 0.5;
      }).toBe(true);
      const { axis, labels } = await axisBoxes(page);
      const where = `${durationMs} ms at ${width} px: ${labels.map((l) => l.text).join(' | ')}`;
      expect(labels[0].text, where).toBe('0 s');
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i];
        expect(l.x, where).toBeGreaterThanOrEqual(axis.x - 0.5);
        expect(l.x + l.width, where).toBeLessThanOrEqual(axis.x + axis.width + 0.5);
        if (i > 0) expect(l.x, where).toBeGreaterThan(labels[i - 1].x + labels[i - 1].width);
      }
      if (width === 1280 || width === 420) await page.locator('.timeline').screenshot({ path: `test-results/axis-${durationMs}-${width}.png` });
    }
  }
});
