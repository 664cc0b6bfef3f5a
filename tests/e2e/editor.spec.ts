import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTOSAVE_KEY } from '../../src/app/autosave';
import { cliOfPage, goTo, nodeButton, openPlayground, state, waitForTime } from './helpers';

// Editor mode: add and remove nodes, sites and links, set parameters, the seed, a caption at
// the current moment; undo and redo by keyboard; the work survives a reload; export and
// import as a JSON file.

const docOf = (page: import('@playwright/test').Page) => page.evaluate(() => window.__faultline!.doc()!);

test('build on a scenario in editor mode, undo and redo, and find the work again after a reload', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('edit-mode').click();
  const editor = page.getByTestId('editor');
  await expect(editor).toBeVisible();

  // A node: a new replica in data centre B.
  await page.getByTestId('add-kind').selectOption('database');
  await page.getByTestId('add-site').selectOption('dc-b');
  await page.getByTestId('add-node').click();
  await expect(nodeButton(page, /^db4, database, up: replica/)).toBeAttached();
  // Its parameters in the inspector (selected for us): synchronous replication.
  await expect(page.getByTestId('inspect-node')).toHaveValue('db4');
  await page.getByLabel('Replication (ack rule)').selectOption('sync');
  await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'db4')).toMatchObject({ replicateFrom: 'db1', replication: 'sync' });

  // A site and a link to it.
  await page.getByTestId('add-site-button').click();
  await page.getByTestId('link-a').selectOption('dc-a');
  await page.getByTestId('link-b').selectOption('site1');
  await page.getByTestId('link-latency').fill('75');
  await page.getByTestId('add-link').click();
  await expect(page.getByTestId('link-item')).toHaveCount(2);

  // The seed.
  await page.getByTestId('edit-seed').fill('99');
  await page.getByTestId('edit-seed').press('Enter');
  await page.getByTestId('edit-seed').blur();
  await expect(page.getByTestId('seed')).toHaveText('seed 99');

  // A caption at the current moment.
  await goTo(page, 12.5);
  await page.getByTestId('caption-text').fill('db4 joins and waits for every write.');
  await page.getByTestId('add-caption').click();
  await expect(page.getByTestId('narration')).toContainText('db4 joins and waits for every write.');
  expect((await docOf(page)).narration!.find((n) => n.text.startsWith('db4 joins'))).toMatchObject({ atMs: 12500, focus: ['db4'] });

  // Undo the caption and the seed with the keyboard, then redo one.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await docOf(page)).narration!.some((n) => n.text.startsWith('db4 joins'))).toBe(false);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('seed')).toHaveText('seed 7');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('seed')).toHaveText('seed 99');
  await waitForTime(page, 12_500_000);

  // Remove a node: the orchestrator stops watching it.
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY)).not.toBeNull();
  const savedBefore = await page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY);
  await page.getByTestId('inspect-node').selectOption('db3');
  await page.getByTestId('remove-node').click();
  await expect(nodeButton(page, /^db3,/)).toHaveCount(0);
  expect((await docOf(page)).nodes.find((n) => n.kind === 'orchestrator')).toMatchObject({ watches: ['db1', 'db2', 'db4'] });
  // The edit reloads the scenario and goes back to 12.5 s: a run-ahead still on its way
  // there answers "pending" meanwhile, so the moment is waited for, not assumed.
  await waitForTime(page, 12_500_000);
  const work = await docOf(page);
  const trace = (await state(page)).trace;
  expect(trace).toBe((await cliOfPage(page, ['--until', '12500'])).trace);

  // Saved as the learner's own work; a reload brings it back exactly.
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY)).not.toBe(savedBefore);
  expect(JSON.parse((await page.evaluate((k) => localStorage.getItem(k), AUTOSAVE_KEY))!).link).toMatch(/^fl1\./);
  await expect(page).toHaveURL(/#mine$/);
  await page.reload();
  await waitForTime(page, 12_500_000);
  expect(await docOf(page)).toEqual(work);
  expect((await state(page)).trace).toBe(trace);
  await page.screenshot({ path: 'test-results/editor.png', fullPage: true });
});

test('export a scenario as a JSON file and import it back; an invalid file is refused with its errors', async ({ page }) => {
  await openPlayground(page, '', 'stale-read');
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported).toMatchObject({ format: 'faultline/1', title: 'Reading your own writes from an async replica', seed: 4 });
  expect(exported.whatIf[0].id).toBe('read-primary');

  const dir = mkdtempSync(join(tmpdir(), 'faultline-import-'));
  const edited = join(dir, 'edited.json');
  writeFileSync(edited, JSON.stringify({ ...exported, title: 'Imported and edited', seed: 12 }));
  await page.getByRole('button', { name: 'Open JSON…' }).click();
  await page.getByTestId('import-file').setInputFiles(edited);
  await expect(page.getByRole('heading', { name: 'Imported and edited' })).toBeVisible();
  await expect(page.getByTestId('seed')).toHaveText('seed 12');
  await expect(page).toHaveURL(/#mine$/);

  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ ...exported, nodes: [...exported.nodes, { id: 'db9', kind: 'database', site: 'nowhere', role: 'replica' }] }));
  await page.getByRole('button', { name: 'Open JSON…' }).click();
  await page.getByTestId('import-file').setInputFiles(broken);
  const alert = page.getByRole('dialog').getByRole('alert');
  await expect(alert).toContainText("nodes[4].site names 'nowhere', which is not a site");
  await expect(alert).toContainText('nodes[4].replicateFrom is missing');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'Imported and edited' })).toBeVisible();
});
