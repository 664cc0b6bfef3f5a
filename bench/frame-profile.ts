// Where a frame's time goes while the stage plays with dots (issue 11 item 6):
//
//   npx tsx bench/frame-profile.ts [--rounds N] [--speed X] [--wall MS] [--dist DIR]
//       [--trace out.json] [--cpu out.cpuprofile] [--mutations] [--shot out.png]
//
// Plays the browser benchmark's 50-node world from 5 s at 0.2x (or --speed) for 5 s of wall
// time (or --wall), as `npm run bench` does, and prints the frame deltas (requestAnimationFrame
// in the page), the worker's round trips and how often the static layer was drawn; then, if
// asked, records a Chromium trace (each thread's CPU time per frame, from the trace's thread
// clock, which other work on the machine does not inflate as it does wall time; the main
// thread's time by event), a CPU profile of the main thread, which parts of the page change
// while playing, and a screenshot of the stage paused at 5 s at that speed (two builds'
// pictures compare pixel for pixel). --dist serves another build (`npx vite build --outDir
// DIR` of another checkout), so that builds can be measured interleaved in one sitting.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from '../tests/e2e/browser';
import { busyWorld, buildIfNeeded, freePort, startPreview, stopPreview, type PageGlobal, type TraceEvent } from './browser';
import { fmt, quantile } from './report';

type G = PageGlobal;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    wall: { type: 'string', default: '5000' },
    speed: { type: 'string', default: '0.2' },
    trace: { type: 'string' },
    cpu: { type: 'string' },
    shot: { type: 'string' },
    mutations: { type: 'boolean' },
    /** A style sheet added to the page before measuring (to see what a part of it costs). */
    css: { type: 'string' },
    /** Another build to serve (for builds interleaved in one sitting). */
    dist: { type: 'string' },
  },
});
const port = values.port ? Number(values.port) : await freePort();
const wallMs = Number(values.wall);
const speedX = Number(values.speed);

async function warm(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as G).__faultline.pause());
  // The speed first: it decides what the stage draws on arriving (dots or flows).
  await page.evaluate((s) => (globalThis as unknown as G).__faultline.setSpeed(s), speedX);
  await page.evaluate(() => (globalThis as unknown as G).__faultline.seek(5_000));
  await page.waitForFunction(() => (globalThis as unknown as G).__faultline.state().nowUs === 5_000_000 && !(globalThis as unknown as G).__faultline.state().busy, undefined, { timeout: 60_000 });
  await page.evaluate((s) => (globalThis as unknown as G).__faultline.setSpeed(s), speedX);
}

async function play(page: Page, during?: () => Promise<void>): Promise<{ frameMs: number[]; workerMs: number[]; inFlight: number; staticDraws: number }> {
  const draws = async () => Number(await page.getAttribute('[data-testid="stage-static"]', 'data-draws'));
  const draws0 = await draws();
  await page.evaluate(() => {
    (globalThis as unknown as G).__faultline.perfStart();
    (globalThis as unknown as G).__faultline.play();
  });
  const t0 = Date.now();
  let sum = 0;
  let n = 0;
  const sampling = (async () => {
    while (Date.now() - t0 < wallMs) {
      await page.waitForTimeout(500);
      sum += await page.evaluate(() => (globalThis as unknown as G).__faultline.state().messagesInFlight);
      n++;
    }
  })();
  if (during) await during();
  await sampling;
  const perf = await page.evaluate(() => {
    (globalThis as unknown as G).__faultline.pause();
    return (globalThis as unknown as G).__faultline.perfStop();
  });
  return { ...perf, inFlight: sum / Math.max(1, n), staticDraws: (await draws()) - draws0 };
}

function line(label: string, r: { frameMs: number[]; workerMs: number[]; inFlight: number; staticDraws: number }): void {
  const long = r.frameMs.filter((d) => d > 20).length;
  // What one vsync reads as (the clock's jitter): a p95 there is a frame on time.
  const one = r.frameMs.filter((d) => d <= 20);
  const oneRange = one.length ? `${fmt(Math.min(...one), 2)}-${fmt(Math.max(...one), 2)}` : '-';
  console.log(
    `${label}: frames p50 ${fmt(quantile(r.frameMs, 0.5), 1)} p95 ${fmt(quantile(r.frameMs, 0.95), 1)} max ${fmt(Math.max(...r.frameMs), 1)} ms, ${fmt(r.frameMs.length / (wallMs / 1000), 1)} fps, ${long} of ${r.frameMs.length} over 20 ms (the others ${oneRange} ms); worker p50 ${fmt(quantile(r.workerMs, 0.5), 1)} ms; ${fmt(r.inFlight)} in flight; static layer drawn ${r.staticDraws} times`,
  );
}

async function traceDuring(cdp: CDPSession, page: Page, out: string): Promise<void> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8', 'v8.gc', 'blink', 'cc', 'toplevel', 'benchmark', 'viz'],
    },
  });
  const r = await play(page);
  await cdp.send('Tracing.end');
  await done;
  line('traced', r);
  writeFileSync(out, JSON.stringify({ traceEvents: events }));
  // The renderer's main thread: its tasks, and the time inside them by event name.
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, String((e.args as { name: string }).name));
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
  const byThread = new Map<string, number>();
  for (const e of complete) if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur!);
  const cpuByThread = new Map<string, number>();
  for (const e of complete) if (e.name === 'ThreadControllerImpl::RunTask') cpuByThread.set(`${e.pid}:${e.tid}`, (cpuByThread.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
  const frames = r.frameMs.length;
  console.log(`CPU ms per frame (${frames} frames) by thread: ${[...cpuByThread].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${names.get(k) ?? k} ${fmt(v / 1000 / frames, 2)}`).join(', ')}`);
  console.log('task time by thread (ms):', [...byThread].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${names.get(k) ?? k} ${fmt(v / 1000)}`).join(', '));
  const mains = [...names].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k);
  const main = mains.sort((a, b) => (byThread.get(b) ?? 0) - (byThread.get(a) ?? 0))[0];
  const onMain = complete.filter((e) => `${e.pid}:${e.tid}` === main);
  const t0 = Math.min(...onMain.map((e) => e.ts));
  const t1 = Math.max(...onMain.map((e) => e.ts + e.dur!));
  const byName = new Map<string, { n: number; us: number; max: number; cpu: number }>();
  for (const e of onMain) {
    const b = byName.get(e.name) ?? { n: 0, us: 0, max: 0, cpu: 0 };
    b.n++;
    b.us += e.dur!;
    b.cpu += e.tdur ?? 0;
    b.max = Math.max(b.max, e.dur!);
    byName.set(e.name, b);
  }
  console.log(`main thread over ${fmt((t1 - t0) / 1000)} ms of trace:`);
  for (const [n, b] of [...byName].sort((a, b) => b[1].us - a[1].us).slice(0, 40)) console.log(`  ${n}: ${b.n} x, ${fmt(b.us / 1000, 1)} ms (CPU ${fmt(b.cpu / 1000 / frames, 2)} ms per frame), max ${fmt(b.max / 1000, 1)} ms`);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask').sort((a, b) => b.dur! - a.dur!);
  console.log('longest main-thread tasks (ms) and what is in them:');
  for (const t of tasks.slice(0, 4)) {
    const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur! && e.dur! > 300);
    console.log(`  ${fmt(t.dur! / 1000, 1)} at +${fmt((t.ts - t0) / 1000)}: ${inside.map((e) => `${e.name} ${fmt(e.dur! / 1000, 1)}`).join(', ')}`);
  }
  // Other threads that could hold a frame back: the compositor and raster.
  for (const [k, n] of names) {
    if (!/Compositor|Raster|VizCompositor|CrGpuMain/.test(n)) continue;
    const evs = complete.filter((e) => `${e.pid}:${e.tid}` === k);
    const by = new Map<string, number>();
    for (const e of evs) by.set(e.name, (by.get(e.name) ?? 0) + e.dur!);
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 6);
    if (top.length) console.log(`  ${n} (${k}): ${top.map(([x, us]) => `${x} ${fmt(us / 1000)}`).join(', ')}`);
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

async function cpuDuring(cdp: CDPSession, page: Page, out: string): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const r = await play(page);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  line('profiled', r);
  writeFileSync(out, JSON.stringify(profile));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const nd of profile.nodes) {
    const us = self.get(nd.id) ?? 0;
    total += us;
    const f = nd.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  console.log(`CPU profile, ${fmt(total / 1000)} ms sampled, self time:`);
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${fmt((100 * us) / total, 1)} % ${fmt(us / 1000)} ms ${k}`);
}

if (!values.dist) console.log(buildIfNeeded());
const server = values.dist
  ? spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', '--outDir', values.dist], { stdio: 'ignore', detached: true })
  : await startPreview(port);
if (values.dist) {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
    } catch {
      if (i > 150) throw new Error('no preview');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/?testhook#play=first-failover`);
  await page.waitForFunction(() => (globalThis as unknown as Partial<G>).__faultline?.state().nowUs !== undefined);
  if (!(await page.evaluate((doc) => (globalThis as unknown as G).__faultline.load(doc), busyWorld()))) throw new Error('did not load');
  if (values.css) await page.addStyleTag({ content: values.css });
  for (let i = 0; i < Number(values.rounds); i++) {
    await warm(page);
    await page.evaluate('{ const t = globalThis.__T; if (t) for (const k in t) t[k] = 0; }');
    const r = await play(page);
    line(`round ${i + 1}`, r);
    // A build instrumented by hand may keep its own timers in globalThis.__T (ms in all).
    const timers = (await page.evaluate('globalThis.__T')) as Record<string, number> | undefined;
    if (timers) console.log(`  timers per frame: ${Object.entries(timers).map(([k, v]) => `${k} ${fmt(v / (timers.n ?? r.frameMs.length), 2)}`).join(', ')}`);
  }
  if (values.mutations) {
    // Which parts of the page change while playing (each costs style, layout and paint).
    await warm(page);
    // A string, so that the TypeScript loader's helpers do not follow the functions into the page.
    await page.evaluate(`(() => {
      const counts = new Map();
      const where = (n) => {
        const el = n.nodeType === 1 ? n : n.parentElement;
        const tagged = el && el.closest('[data-testid]');
        const own = el ? el.tagName.toLowerCase() + '.' + [...el.classList].join('.') : '?';
        return (tagged ? tagged.getAttribute('data-testid') : '(none)') + ' > ' + own;
      };
      const mo = new MutationObserver((list) => {
        for (const m of list) {
          const k = m.type + (m.attributeName ? '[' + m.attributeName + ']' : '') + ' ' + where(m.target);
          counts.set(k, (counts.get(k) || 0) + 1);
        }
      });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      globalThis.__mut = () => { mo.disconnect(); return [...counts].sort((a, b) => b[1] - a[1]); };
    })()`);
    const r = await play(page);
    line('mutations', r);
    const muts = await page.evaluate(() => (globalThis as unknown as { __mut: () => [string, number][] }).__mut());
    for (const [k, n] of muts.slice(0, 40)) console.log(`  ${n} ${k}`);
  }
  const cdp = await page.context().newCDPSession(page);
  if (values.trace) {
    await warm(page);
    await traceDuring(cdp, page, values.trace);
  }
  if (values.cpu) {
    await warm(page);
    await cpuDuring(cdp, page, values.cpu);
  }
  if (values.shot) {
    // Paused at 5 s at 0.2x: the same moment and speed every time, so two builds' pictures compare.
    await warm(page);
    await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
    await page.locator('[data-testid="stage"]').first().screenshot({ path: values.shot });
  }
} finally {
  await browser.close();
  stopPreview(server);
}
