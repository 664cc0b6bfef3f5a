import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { collectErrors } from './helpers';

// A learner attempts a challenge as they would: from the library's Challenges shelf, with the
// inspector, the check over N seeds, a failing seed's replay, and Submit. The challenge is
// quiet-but-quick (its seeds run in under a second each): the unchanged scenario fails every
// seed (a false failover), and a 2.5 s timeout passes them all (its unit tests run all 20).

const TITLE = 'No false alarm, but a real crash caught in 5 s';

async function checkOver(page: Page, seeds: number): Promise<void> {
  const panel = page.getByTestId('challenge');
  await panel.getByTestId('check-seeds').fill(String(seeds));
  await panel.getByRole('button', { name: `Check over ${seeds} seeds` }).click();
}

test('open a challenge from the shelf, fix it in the inspector, check it, replay a failing seed, submit and open the answer in a fresh browser', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.goto('/#library');
  const shelf = page.getByTestId('challenge-shelf');
  await expect(shelf.getByTestId('challenge-card')).toHaveCount(9);
  await shelf.screenshot({ path: 'test-results/challenge-shelf.png' });
  await shelf.getByRole('link', { name: new RegExp(TITLE) }).click();

  // It opens with its brief and goal, at the challenge's own address.
  await expect(page).toHaveURL(/#challenge=quiet-but-quick$/);
  const panel = page.getByTestId('challenge');
  await expect(panel.getByRole('heading', { name: TITLE })).toBeVisible();
  await expect(panel.getByTestId('challenge-brief')).toContainText('Tune the failure detector');
  await expect(panel.getByTestId('challenge-goal')).toContainText('firstFailoverAtMs at least 170000 and at most 175000');
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');

  // Hints on request, one at a time.
  await expect(panel.getByTestId('hints').getByRole('listitem')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Show a hint (1 of 3)' }).click();
  await expect(panel.getByTestId('hints').getByRole('listitem')).toHaveCount(1);
  await expect(panel.getByRole('button', { name: 'Show a hint (2 of 3)' })).toBeVisible();

  // As written it fails: each seed's outcome and each requirement's result are shown.
  await checkOver(page, 3);
  await expect(panel.getByTestId('check-status')).toContainText('Not yet: 0 of 3 runs meet the goal', { timeout: 120_000 });
  await expect(panel.getByTestId('check-requirements')).toContainText('firstFailoverAtMs at least 170000 and at most 175000');
  await expect(panel.getByTestId('seed-outcome')).toHaveCount(3);
  await expect(panel.getByTestId('seed-outcome').first()).toContainText('Seed 1: failed firstFailoverAtMs at least 170000 and at most 175000 (measured');

  // A failing seed opens as a replay in one click; nothing can be changed in it.
  await panel.getByRole('button', { name: 'Replay seed 1' }).click();
  await expect(panel.getByTestId('replay-banner')).toContainText('Replaying seed 1');
  await expect(page.getByTestId('seed')).toHaveText('seed 1');
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await page.getByTestId('inspect-node').selectOption('orch');
  await expect(page.getByLabel(/Timeout \(ms\)/)).toBeDisabled();
  await page.screenshot({ path: 'test-results/challenge-replay.png', fullPage: true });
  await panel.getByRole('button', { name: 'Back to your answer' }).click();
  await expect(panel.getByTestId('replay-banner')).toHaveCount(0);
  await expect(page.getByTestId('seed')).toHaveText('seed 3');

  // An allowed setting, changed in the inspector; the others are read-only, saying why.
  await expect(page.getByTestId('lock-note')).toContainText("you may change orch's");
  const promotion = page.getByLabel(/Promotion/);
  await expect(promotion).toBeDisabled();
  await expect(page.getByText(/promotion may not be changed in this challenge/)).toBeAttached();
  const timeout = page.getByLabel(/Timeout \(ms\)/);
  await expect(timeout).toBeEnabled();
  await timeout.fill('2500');
  await timeout.press('Enter');
  await expect(page).toHaveURL(/#challenge=quiet-but-quick$/);
  await page.getByRole('region', { name: 'Inspector' }).screenshot({ path: 'test-results/challenge-inspector.png' });

  // The check runs off the page with a progress bar, and passes.
  await checkOver(page, 4);
  const progress = panel.getByTestId('check-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('max', '4');
  await expect(panel.getByTestId('check-status')).toContainText('Passed in all 4 runs checked', { timeout: 120_000 });
  await expect(progress).toHaveAttribute('value', '4');
  await expect(panel.getByTestId('seed-outcome').filter({ hasText: 'passed' })).toHaveCount(4);
  await panel.screenshot({ path: 'test-results/challenge-passed.png' });

  // A change the challenge does not allow is refused, with the sentence why, and changes nothing.
  await expect(page.locator('[data-fault-kind="crash"]')).toBeDisabled();
  await expect(page.getByTestId('palette-note')).toContainText('does not let you add failures');
  const crash = page.getByTestId('timeline-fault');
  await crash.focus();
  await crash.press('Delete');
  await expect(page.getByTestId('notice')).toContainText('Not allowed: faults[real-crash]');
  await expect(page.getByTestId('timeline-fault')).toHaveCount(1);

  // Submit: an answer link to hand in.
  await panel.getByRole('button', { name: 'Submit' }).click();
  const link = await panel.getByTestId('answer-link').inputValue();
  expect(link).toMatch(/#fl1\./);
  await panel.screenshot({ path: 'test-results/challenge-submitted.png' });

  // A fresh browser (a teacher's) opens the answer as the challenge, with the learner's change.
  const teacher = await browser.newContext();
  const t = await teacher.newPage();
  const terrors = collectErrors(t);
  await t.goto(link);
  const tpanel = t.getByTestId('challenge');
  await expect(tpanel.getByRole('heading', { name: TITLE })).toBeVisible();
  await expect(tpanel.getByTestId('from-link')).toBeVisible();
  await t.getByTestId('inspect-node').selectOption('orch');
  await expect(t.getByLabel(/Timeout \(ms\)/)).toHaveValue('2500');
  await tpanel.getByTestId('check-seeds').fill('2');
  await tpanel.getByRole('button', { name: 'Check over 2 seeds' }).click();
  await expect(tpanel.getByTestId('check-status')).toContainText('Passed in all 2 runs checked', { timeout: 120_000 });
  await t.screenshot({ path: 'test-results/challenge-teacher.png', fullPage: true });

  // The embeddable player shows the answer with its challenge's brief and goal.
  await t.goto(link.replace('/#', '/embed.html#'));
  const embedded = t.getByTestId('embed-challenge');
  await expect(embedded.getByRole('heading', { name: TITLE })).toBeVisible();
  await expect(embedded.getByTestId('challenge-goal')).toContainText('failovers at most 1');
  await expect(t.getByTestId('time')).toHaveAttribute('data-us', '0');
  await teacher.close();
  expect(terrors).toEqual([]);
  expect(errors).toEqual([]);
});

test("a check can be cancelled; the attempt is kept apart from the learner's own work, and the shelf shows progress", async ({ page }) => {
  test.setTimeout(180_000);
  // The learner's own work, saved before.
  await page.goto('/#play=first-failover');
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await page.getByTestId('inspect-node').selectOption('orch');
  const heartbeat = page.getByLabel('Heartbeat every (ms)');
  await heartbeat.fill('700');
  await heartbeat.press('Enter');
  await expect(page).toHaveURL(/#mine$/);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('faultline:work:v1'))).toContain('A primary crashes');
  const work = await page.evaluate(() => localStorage.getItem('faultline:work:v1'));

  await page.goto('/#challenge=quiet-but-quick');
  const panel = page.getByTestId('challenge');
  await expect(panel.getByRole('heading', { name: TITLE })).toBeVisible();
  await page.getByTestId('inspect-node').selectOption('orch');
  await page.getByLabel(/Timeout \(ms\)/).fill('2500');
  await page.getByLabel(/Timeout \(ms\)/).press('Enter');
  await panel.getByRole('button', { name: 'Show a hint (1 of 3)' }).click();
  // Saved under the challenges' key; the learner's work untouched.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('faultline:challenges:v1'))).toContain('fl1.');
  expect(await page.evaluate(() => localStorage.getItem('faultline:work:v1'))).toBe(work);

  // Twenty seeds take a while: the learner cancels, and nothing is left running.
  await checkOver(page, 20);
  await expect(panel.getByTestId('check-progress')).toBeVisible();
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByTestId('check-status')).toContainText('Cancelled after');
  await expect(panel.getByRole('button', { name: 'Check over 20 seeds' })).toBeEnabled();

  // Back later: the attempt (with its hint) is where they left it, and the shelf says so.
  await page.goto('/#library');
  await expect(page.getByTestId('challenge-card').filter({ hasText: TITLE }).getByTestId('challenge-status')).toContainText('Started · 1 hint seen');
  await page.goto('/#challenge=quiet-but-quick');
  await page.getByTestId('inspect-node').selectOption('orch');
  await expect(page.getByLabel(/Timeout \(ms\)/)).toHaveValue('2500');
  await expect(panel.getByTestId('hints').getByRole('listitem')).toHaveCount(1);
  // And the learner's own work opens as it was.
  await page.goto('/#mine');
  await page.getByTestId('inspect-node').selectOption('orch');
  await expect(page.getByLabel('Heartbeat every (ms)')).toHaveValue('700');
});

test('a challenge by keyboard, with no serious or critical accessibility issue', async ({ page }) => {
  await page.goto('/#library');
  const card = page.getByTestId('challenge-card').filter({ hasText: 'Make a read go back in time' });
  await card.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('challenge');
  await expect(panel.getByRole('heading', { name: /Make a read go back in time/ })).toBeVisible();
  await panel.getByRole('button', { name: 'Show a hint (1 of 3)' }).focus();
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('hints').getByRole('listitem')).toHaveCount(1);
  await page.getByTestId('inspect-node').selectOption('app');
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
});

test('the embeddable player shows a challenge, with a link to try it in the app', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/embed.html#challenge=split-brain-one-fault');
  const embedded = page.getByTestId('embed-challenge');
  await expect(embedded.getByRole('heading', { name: 'Two primaries from one fault' })).toBeVisible();
  await expect(embedded.getByTestId('challenge-brief')).toContainText('Add one fault');
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await expect(page.getByTestId('embed-whatif')).toHaveCount(0);
  const tryIt = embedded.getByRole('link', { name: /Try this challenge in Faultline/ });
  await page.screenshot({ path: 'test-results/challenge-embed.png' });
  await page.goto((await tryIt.getAttribute('href'))!);
  await expect(page.getByTestId('challenge').getByRole('heading', { name: 'Two primaries from one fault' })).toBeVisible();
  await page.goto('/embed.html#challenge=no-such-thing');
  await expect(page.getByTestId('embed-errors')).toContainText("There is no built-in challenge 'no-such-thing'");
  expect(errors).toEqual([]);
});

test("a list the challenge allows (a monitor's alert rules) is edited as JSON in the inspector; bad JSON is refused beside it", async ({ page }) => {
  await page.goto('/?testhook#challenge=alert-the-pinned-app');
  await expect(page.getByTestId('challenge').getByRole('heading', { name: /pinned-endpoint outage/ })).toBeVisible();
  await page.waitForFunction(() => window.__faultline !== undefined);
  await page.getByTestId('inspect-node').selectOption('monitor');
  const rules = page.getByTestId('json-rules');
  await expect(rules).toBeEnabled();
  await rules.fill('[{ "metric": "write-error-rate", ');
  await rules.blur();
  await expect(page.getByTestId('field-problem')).toContainText('rules must be JSON');
  const wanted = [{ name: 'node down', metric: 'node-up', forMs: 60000 }, { name: 'write errors', metric: 'write-error-rate', above: 0.05, forMs: 60000 }];
  await rules.fill(JSON.stringify(wanted));
  await rules.blur();
  await expect(page.getByTestId('field-problem')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => (window.__faultline!.doc()!.nodes.find((n) => n.id === 'monitor') as unknown as { rules: unknown }).rules)).toEqual(wanted);
  // The app's own fields stay read-only.
  await page.getByTestId('inspect-node').selectOption('app');
  await expect(page.getByTestId('lock-note')).toHaveText('Nothing on app may change in this challenge: its fields are read-only.');
  await page.getByRole('region', { name: 'Inspector' }).screenshot({ path: 'test-results/challenge-locked-node.png' });
});

test('the header leads to the challenges from anywhere, and the scenario menu names the challenge being attempted', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/#play=async-failover');
  await expect(page.getByTestId('scenario')).toBeVisible();
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Challenges' }).click();
  await expect(page).toHaveURL(/#challenges$/);
  // The library, at its shelf, with the shelf's heading focused for the keyboard.
  const heading = page.getByRole('heading', { name: 'Challenges', level: 2 });
  await expect(heading).toBeFocused();
  await expect(heading).toBeInViewport();
  await expect(page.getByTestId('nav-challenges')).toHaveAttribute('aria-current', 'page');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#challenge=/);
  // The challenge opens at the top of its page, the header in view, however far down the shelf was.
  await expect(page.getByTestId('scenario')).toBeInViewport();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const title = await page.getByTestId('challenge').locator('#challenge-h').textContent();
  await expect(page.getByTestId('scenario').locator('option:checked')).toHaveText(`(challenge: ${title!.trim()})`);
  await page.screenshot({ path: 'test-results/challenge-header.png' });
  expect(errors).toEqual([]);
});
