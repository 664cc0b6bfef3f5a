// What the browser tests share: driving the page to a known state through the test hook
// (`?testhook`: seek to t = N and wait for that frame, never a fixed sleep), dragging as a
// person does, and running the same scenario through the CLI to compare traces.

import { expect, type Page } from '@playwright/test';
import type { FaultlineHook } from '../../src/app/test-hook';
import { runCli } from '../cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the page's test hook reports (its own type, so the two never drift apart). */
export type HookState = ReturnType<FaultlineHook['state']>;

/** Open the playground on a built-in scenario, with the test hook, and wait for the first frame. */
export async function openPlayground(page: Page, query = '', scenario = 'first-failover'): Promise<void> {
  await page.goto(`/?testhook${query}#play=${scenario}`);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', '0');
  await page.waitForFunction(() => window.__faultline !== undefined);
}

export function state(page: Page): Promise<HookState> {
  return page.evaluate(() => window.__faultline!.state());
}

/**
 * Wait until the page shows virtual time `us` with nothing on its way from the worker. Both in
 * one look: the moment shown just before a reload replaces it (an edit, an undo) is not it.
 */
export async function waitForTime(page: Page, us: number): Promise<void> {
  await expect.poll(async () => {
    // A page just opened may not have mounted the app yet (it comes after the load event).
    const s = await page.evaluate(() => window.__faultline?.state() ?? null);
    if (!s) return 'the app is not there yet';
    return s.idle ? s.nowUs : `not idle (showing ${s.nowUs})`;
  }).toBe(us);
  await expect(page.getByTestId('time')).toHaveAttribute('data-us', String(us));
}

/** Go to a moment the way a person can: type it into "Go to" and press Go. */
export async function goTo(page: Page, seconds: number): Promise<void> {
  await page.getByTestId('seek-input').fill(String(seconds));
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await waitForTime(page, Math.round(seconds * 1e6));
}

/** Where a node is drawn on the page. */
export async function nodePoint(page: Page, id: string): Promise<{ x: number; y: number }> {
  const p = await page.evaluate((nodeId) => window.__faultline!.nodePoint(nodeId), id);
  if (!p) throw new Error(`node ${id} is not on the stage`);
  return p;
}

/** Press a palette entry and drag it onto a node with the mouse, in small steps. */
export async function dragFaultOnto(page: Page, kind: string, nodeId: string): Promise<void> {
  const chip = page.locator(`[data-fault-kind="${kind}"]`);
  await chip.scrollIntoViewIfNeeded();
  const box = (await chip.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // The stage may need scrolling into view on a small screen: keep the node where we aim.
  await page.getByTestId('stage').scrollIntoViewIfNeeded();
  const to = await nodePoint(page, nodeId);
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + box.height / 2 + 10, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** The accessible description of a node (the canvas's fallback content). */
export function nodeButton(page: Page, text: RegExp) {
  return page.getByTestId('node-list').getByRole('button', { name: text });
}

export function cli(target: string, args: string[] = []): { trace: string; events: number; anomalies: { kind: string; count: number; firstAtMs: number }[] } {
  const r = runCli('sim', [target, '--json', ...args]);
  if (r.code !== 0) throw new Error(`sim failed (${r.code}): ${r.err}`);
  return JSON.parse(r.out);
}

/** Run the page's own scenario document (with the learner's faults) through the CLI. */
export async function cliOfPage(page: Page, args: string[] = []) {
  const doc = await page.evaluate(() => window.__faultline!.doc());
  const dir = mkdtempSync(join(tmpdir(), 'faultline-e2e-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ format: 'faultline/1', ...doc }));
  return cli(file, args);
}

/** Errors printed by the page fail the test that collected them. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
