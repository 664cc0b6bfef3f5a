// One table of every built-in scenario, measured as people use them:
//
// - the CLI (`npm run sim -- <id>`, the built bundle): events, wall seconds of the run after
//   start-up, the process's peak resident memory, and its events per second as a ratio to
//   the bare event loop (bench/bare.ts) measured in this same benchmark run;
// - Chromium on the production build: a cold page (a fresh browser context, so nothing
//   cached) opened at the built-in's share link with its moment at the scenario's end, as a
//   blog embed or a shared link does, timed from navigation start until the page shows the
//   end (the test hook's state: the shown frame is at the end and the worker is idle); the
//   renderer processes' memory then; and seeks inside the known range: ten to scattered
//   moments after reaching the end, and one 1 s forward from the middle, each timed from the
//   seek until the page shows that moment.
//
// Only addresses and the test hook's state (src/app/test-hook.ts) are used, never the
// worker's internals, so the table keeps measuring the same thing as the worker and the core
// change (run-ahead, checkpoints, a faster core).

import { readFileSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { BUILT_INS } from '../src/scenario/library';
import { encodeShareLink } from '../src/scenario/share-link';
import { CHROMIUM_FLAGS, findChromium } from '../tests/e2e/browser';
import { buildIfNeeded, descendants, freePort, startPreview, stopPreview, waitForShown } from './browser';
import { measureCli, type CliFigures } from './cli';
import { fmt, quantile, type BenchSection } from './report';

/** The page's test hook, as far as this file uses it (compiled without the DOM's types). */
interface Hook {
  state(): { nowUs: number; busy: boolean; events: number; trace: string; failure: string | null };
  seek(ms: number): void;
}
type PageGlobal = { __faultline?: Hook };

/** Where the ten scattered seeks go, as fractions of the scenario's duration (a fixed, jumbled order). */
const SEEK_FRACTIONS = [0.37, 0.81, 0.12, 0.66, 0.05, 0.93, 0.29, 0.55, 0.74, 0.18];
/** A page that has not shown the end by then is reported as such (the machine may be busy). */
const COLD_TIMEOUT_MS = 300_000;
const SEEK_TIMEOUT_MS = 120_000;

export interface BrowserFigures {
  coldToEndMs: number;
  eventsAtEnd: number;
  traceAtEnd: string;
  /** The tab's renderer (the largest), resident bytes; see rendererMemory. */
  rendererRssBytes: number;
  rendererSumRssBytes: number;
  rendererPssBytes: number;
  rendererProcesses: number;
  seekMs: number[];
  seekForwardMs: number;
  seekP50Ms: number;
  seekP95Ms: number;
  error?: string;
}

export interface BuiltInFigures {
  id: string;
  cli: CliFigures;
  cliRatio: number;
  browser?: BrowserFigures;
}

/**
 * Memory of Chromium's renderer processes (this benchmark's browser only: the descendants of
 * this process), from /proc. The simulation's worker is a thread of the tab's renderer, so it
 * is counted there. `tabBytes` is the largest renderer's resident set: the tab's (its page
 * and worker heaps, and the Chromium code it maps, as an OS task manager shows it); the others
 * are spare renderers Chromium keeps ready. `sumBytes` adds them all; `pssSumBytes` adds each
 * one's proportional share (shared pages divided among the processes that map them).
 */
export function rendererMemory(): { tabBytes: number; sumBytes: number; pssSumBytes: number; processes: number } {
  const m = { tabBytes: 0, sumBytes: 0, pssSumBytes: 0, processes: 0 };
  for (const pid of descendants(process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      const pss = Number(/Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
      m.tabBytes = Math.max(m.tabBytes, rss);
      m.sumBytes += rss;
      m.pssSumBytes += pss;
      m.processes++;
    } catch {
      // The process ended meanwhile.
    }
  }
  return m;
}

async function measureInChromium(browser: Browser, origin: string, id: string, durationMs: number): Promise<BrowserFigures> {
  const doc = BUILT_INS.find((b) => b.id === id)!.document as object;
  const link = await encodeShareLink(doc, { atMs: durationMs }, BUILT_INS);
  const endUs = Math.round(durationMs * 1000);
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const figures: BrowserFigures = { coldToEndMs: NaN, eventsAtEnd: NaN, traceAtEnd: '', rendererRssBytes: NaN, rendererSumRssBytes: NaN, rendererPssBytes: NaN, rendererProcesses: 0, seekMs: [], seekForwardMs: NaN, seekP50Ms: NaN, seekP95Ms: NaN };
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/?testhook#${link}`);
    // Polled on every animation frame; the page's own clock says when (ms since navigation start).
    figures.coldToEndMs = await waitForShown(page, endUs, 'raf', COLD_TIMEOUT_MS);
    const end = await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline!.state());
    figures.eventsAtEnd = end.events;
    figures.traceAtEnd = end.trace;
    const mem = rendererMemory();
    figures.rendererRssBytes = mem.tabBytes;
    figures.rendererSumRssBytes = mem.sumBytes;
    figures.rendererPssBytes = mem.pssSumBytes;
    figures.rendererProcesses = mem.processes;

    const middleMs = Math.round(durationMs / 2);
    const targets = SEEK_FRACTIONS.map((f) => Math.round(durationMs * f));
    const timed = (await page.evaluate(`(${SEEKS_IN_PAGE})(${JSON.stringify({ targets, middleMs, timeoutMs: SEEK_TIMEOUT_MS })})`)) as { seekMs: number[]; forwardMs: number };
    figures.seekMs = timed.seekMs;
    figures.seekForwardMs = timed.forwardMs;
    const all = [...timed.seekMs, timed.forwardMs];
    figures.seekP50Ms = quantile(all, 0.5);
    figures.seekP95Ms = quantile(all, 0.95);
  } catch (e) {
    figures.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    await context.close();
  }
  return figures;
}

/**
 * The seeks, run in the page (as source text: the TypeScript loader would name inner
 * functions with a helper the page does not have). Each is timed from the seek until the
 * page shows that moment with the worker idle, on the page's own clock.
 */
const SEEKS_IN_PAGE = `async ({ targets, middleMs, timeoutMs }) => {
  const hook = window.__faultline;
  const shown = (ms) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      const s = hook.state();
      if (s.nowUs === ms * 1000 && !s.busy) resolve();
      else if (performance.now() - t0 > timeoutMs) reject(new Error('a seek to ' + ms + ' ms was not shown within ' + timeoutMs + ' ms'));
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const seekMs = [];
  for (const ms of targets) {
    const t0 = performance.now();
    hook.seek(ms);
    await shown(ms);
    seekMs.push(performance.now() - t0);
  }
  hook.seek(middleMs);
  await shown(middleMs);
  const t0 = performance.now();
  hook.seek(middleMs + 1000);
  await shown(middleMs + 1000);
  return { seekMs, forwardMs: performance.now() - t0 };
}`;

const MiB = 1024 * 1024;

export async function benchBuiltIns(opts: { bareEventsPerSec: number; scenarios?: string[]; browser?: boolean }): Promise<BenchSection> {
  const ids = BUILT_INS.map((b) => b.id).filter((id) => !opts.scenarios || opts.scenarios.includes(id));
  const results: BuiltInFigures[] = [];
  for (const id of ids) {
    process.stderr.write(`  built-ins: ${id} (CLI)…\n`);
    const cli = measureCli(id);
    results.push({ id, cli, cliRatio: cli.eventsPerSec / opts.bareEventsPerSec });
  }
  const notes: BenchSection['rows'] = [];
  if (opts.browser !== false) {
    notes.push(['build', buildIfNeeded()]);
    const port = await freePort();
    const server = await startPreview(port);
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
    try {
      for (const r of results) {
        process.stderr.write(`  built-ins: ${r.id} (Chromium)…\n`);
        r.browser = await measureInChromium(browser, `http://127.0.0.1:${port}`, r.id, r.cli.untilMs);
      }
    } finally {
      await browser.close();
      stopPreview(server);
    }
  }
  const s = (ms: number) => fmt(ms / 1000, 2);
  const table = {
    columns: ['built-in', 'events', 'CLI s', 'x bare', 'CLI peak RSS MB', 'cold to end s', 'seek p50 ms', 'seek p95 ms', '+1 s ms', 'tab MiB', 'same trace'],
    rows: results.map((r) => {
      const b = r.browser;
      const sameTrace = !b ? '' : b.error ? 'error' : b.traceAtEnd === r.cli.trace && b.eventsAtEnd === r.cli.events ? 'yes' : 'NO';
      return [
        r.id,
        fmt(r.cli.events),
        fmt(r.cli.seconds, 2),
        fmt(r.cliRatio, 3),
        fmt(r.cli.peakRssBytes / 1e6),
        b ? s(b.coldToEndMs) : '',
        b ? fmt(b.seekP50Ms) : '',
        b ? fmt(b.seekP95Ms) : '',
        b ? fmt(b.seekForwardMs) : '',
        b ? fmt(b.rendererRssBytes / MiB) : '',
        sameTrace,
      ];
    }),
  };
  for (const r of results) if (r.browser?.error) notes.push([`${r.id} in Chromium`, r.browser.error]);
  notes.push(['bare loop', `${fmt(opts.bareEventsPerSec)} events/s (bench/bare.ts, this run); "x bare" is the CLI's events/s over it`]);
  notes.push(['CLI s', 'wall time of `npm run sim -- <id>` (the built bundle) less its start-up (the same run to t = 0)']);
  notes.push(['cold to end', 'fresh browser context, the share link at the scenario\'s end, from navigation start to the end shown with the worker idle']);
  notes.push(['seeks', 'ten to scattered moments after the end is shown, and one 1 s forward from the middle (+1 s); p50/p95 over all eleven']);
  notes.push(['tab MiB', "resident memory of the tab's renderer process (the worker is a thread of it) when the end is shown; all renderers' RSS and PSS are in the results file"]);
  return { title: 'Built-in scenarios: CLI and Chromium', rows: notes, table, data: { bareEventsPerSec: opts.bareEventsPerSec, scenarios: results } };
}
