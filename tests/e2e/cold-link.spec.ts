import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { encodeShareLink } from '../../src/scenario/share-link';
import { cliOfPage, collectErrors, state } from './helpers';

// A cold page opened at a share link's moment, as a blog reader or a student following a
// teacher's link meets it (issue 11): the page lays out the scenario at once (not the library
// first), shows the run's progress on the way (the timeline's known range grows), and ends
// showing the moment the link names, the same run as the CLI's.

const LESSON = 'surge-lag';

test('a cold link to the end of a lesson shows its end, with the run\'s progress shown on the way', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const doc = JSON.parse(readFileSync(new URL(`../../src/scenario/library/${LESSON}.json`, import.meta.url), 'utf8')) as { durationMs: number };
  const endUs = doc.durationMs * 1000;
  const link = await encodeShareLink(doc, { atMs: doc.durationMs });
  // Everything the page shows on its way, as it changes: each length of the known range, and
  // whether the library was ever laid out.
  await page.addInitScript(() => {
    const seen = { known: [] as number[], gallery: false, working: false };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() => {
      const k = document.querySelector('[data-testid="timeline-known"]')?.getAttribute('data-known-us');
      if (k != null && Number(k) !== seen.known[seen.known.length - 1]) seen.known.push(Number(k));
      if (document.querySelector('[data-testid="gallery"]')) seen.gallery = true;
      if (document.querySelector('[data-testid="working"]')) seen.working = true;
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-known-us'] });
  });
  await page.goto(`/?testhook#${link}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', String(endUs), { timeout: 240_000 });
  await expect.poll(async () => (await state(page)).idle).toBe(true);
  const s = await state(page);
  expect(s.nowUs).toBe(endUs);
  const seen = await page.evaluate(() => (window as unknown as { __seen: { known: number[]; gallery: boolean; working: boolean } }).__seen);
  expect(seen.gallery, 'the library was laid out before the link\'s scenario').toBe(false);
  expect(seen.known.at(-1)).toBe(endUs);
  expect(seen.known.some((us) => us > 0 && us < endUs), `the known range was shown growing on the way (seen: ${seen.known.join(', ')})`).toBe(true);
  for (let i = 1; i < seen.known.length; i++) expect(seen.known[i], 'the known range never shrinks while nothing is edited').toBeGreaterThanOrEqual(seen.known[i - 1]);
  await expect(page.getByRole('progressbar', { name: 'Simulated ahead' })).toHaveAttribute('aria-valuetext', 'the whole run is simulated');
  await page.screenshot({ path: test.info().outputPath('cold-link-end.png') });
  // The same run as the CLI's, from the start to the end.
  const c = await cliOfPage(page);
  expect(s.trace).toBe(c.trace);
  expect(s.events).toBe(c.events);
  expect(errors).toEqual([]);
});
