// Where a cold page's wall time goes, from navigation to a built-in's end shown (issue 11's
// "cold page to the end of catchup-storm" target), outside the simulation itself:
//
//   npx tsx bench/cold-profile.ts [--scenario catchup-storm] [--rounds N]
//       [--dist label=DIR,label=DIR] [--trace DIR]
//
// Each round opens the built-in's share link at its end in a fresh browser context (nothing
// cached), as `npm run bench` does, and waits, as it does, until the page shows the end with
// the worker idle (the page's own clock gives the time since navigation). Builds given with
// --dist (`npx vite build --outDir DIR` of each checkout) are served each on a port of its own
// and measured interleaved, round by round, so that the machine's load falls on all alike.
//
// Per round it prints the cold time and every Chromium thread's CPU time over the page's life
// (from /proc: what the thread itself ran, whatever else the machine ran), summed by thread
// name: the page's main thread, the simulation's worker, the link reader's worker, the
// collector's helper threads, the compositors. With --trace it also records a Chromium trace
// of the round and prints the page's timeline: when the main bundle, the workers' scripts and
// the first simulated work began and ended, and what the main thread did while the worker ran.

import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { BUILT_INS } from '../src/scenario/library';
import { encodeShareLink } from '../src/scenario/share-link';
import { CHROMIUM_FLAGS, findChromium } from '../tests/e2e/browser';
import { descendants, freePort, stopPreview, waitForShown, type TraceEvent } from './browser';
import { fmt, quantile } from './report';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'catchup-storm' },
    rounds: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'this=dist' },
    trace: { type: 'string' },
    /** How the end is waited for: 'raf' (as npm run bench: a check on every animation frame, which itself asks the page for frames) or a period in ms (the page left alone; the time is then late by up to it). */
    poll: { type: 'string', default: 'raf' },
    /** Traces written before (comma-separated files): their timelines only, nothing run. */
    read: { type: 'string' },
  },
});

interface Hook {
  state(): { nowUs: number; busy: boolean; events: number; trace: string };
}
type PageGlobal = { __faultline?: Hook };

/** CPU ticks (utime + stime) of every thread of this process's descendants, by pid:tid, with the thread's and the process's names. */
function threadTicks(): Map<string, { ticks: number; thread: string; proc: string }> {
  const out = new Map<string, { ticks: number; thread: string; proc: string }>();
  for (const pid of descendants(process.pid)) {
    let proc = '';
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chrom/i.test(cmd)) continue;
      proc = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        const thread = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        out.set(`${pid}:${tid}`, { ticks: Number(f[11]) + Number(f[12]), thread, proc });
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** CPU ms by "process/thread name" between two samples (threads born in between count from zero). */
function cpuBetween(a: ReturnType<typeof threadTicks>, b: ReturnType<typeof threadTicks>): Map<string, number> {
  const tickMs = 1000 / 100; // USER_HZ on Linux
  const by = new Map<string, number>();
  for (const [k, v] of b) {
    const d = v.ticks - (a.get(k)?.ticks ?? 0);
    if (d <= 0) continue;
    // Thread-pool threads are numbered: one name for all of them.
    const name = `${v.proc}/${v.thread.replace(/\d+$/, '')}`;
    by.set(name, (by.get(name) ?? 0) + d * tickMs);
  }
  return by;
}

async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading', 'toplevel', 'v8.gc', 'v8'],
    },
  });
  return async () => {
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.end');
    await done;
    return events;
  };
}

/** The page's timeline from a trace: milestones, and each thread's work in time. */
function timeline(events: TraceEvent[], shownAtMs: number): string[] {
  const lines: string[] = [];
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, String((e.args as { name: string }).name));
  const nav = events.find((e) => e.name === 'navigationStart' && (e.args as { data?: { isLoadingMainFrame?: boolean } })?.data?.isLoadingMainFrame !== false && e.cat.includes('blink.user_timing'));
  const t0 = nav?.ts ?? Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
  const at = (ts: number) => fmt((ts - t0) / 1000);
  // Resources: when each was asked for and when it arrived.
  const sends = new Map<string, { url: string; ts: number }>();
  for (const e of events) {
    const d = (e.args as { data?: { requestId?: string; url?: string } })?.data;
    if (e.name === 'ResourceSendRequest' && d?.requestId) sends.set(d.requestId, { url: d.url ?? '', ts: e.ts });
    if (e.name === 'ResourceFinish' && d?.requestId && sends.has(d.requestId)) {
      const s = sends.get(d.requestId)!;
      lines.push(`  resource ${s.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')}: asked at ${at(s.ts)}, done at ${at(e.ts)} ms`);
    }
  }
  // Milestones: the entry and the app evaluated, the simulation's worker (the worker thread
  // that worked longest) started, its script compiled, its first request (the load) and its
  // first long task (the simulation running), the first contentful paint.
  const complete0 = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
  const tasksOf = (k: string) => complete0.filter((e) => `${e.pid}:${e.tid}` === k && e.name === 'ThreadControllerImpl::RunTask');
  const workerKeys = [...names].filter(([, n]) => /DedicatedWorker/.test(n)).map(([k]) => k);
  const simKey = workerKeys.sort((x, y) => tasksOf(y).reduce((s, e) => s + e.dur!, 0) - tasksOf(x).reduce((s, e) => s + e.dur!, 0))[0];
  const mainKey = [...names].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k).sort((x, y) => tasksOf(y).length - tasksOf(x).length)[0];
  const onMain = complete0.filter((e) => `${e.pid}:${e.tid}` === mainKey);
  const evals = onMain.filter((e) => e.name === 'v8.evaluateModule').sort((x, y) => x.ts - y.ts);
  const biggest = [...evals].sort((x, y) => y.dur! - x.dur!)[0];
  const fcp = events.find((e) => e.name === 'firstContentfulPaint' && `${e.pid}:${e.tid}` === mainKey);
  const ms: string[] = [];
  if (evals[0]) ms.push(`entry evaluated ${at(evals[0].ts + evals[0].dur!)}`);
  if (biggest && biggest !== evals[0]) ms.push(`app evaluated ${at(biggest.ts + biggest.dur!)} (${fmt(biggest.dur! / 1000)} ms)`);
  if (fcp) ms.push(`first contentful paint ${at(fcp.ts)}`);
  if (simKey) {
    const sim = complete0.filter((e) => `${e.pid}:${e.tid}` === simKey).sort((x, y) => x.ts - y.ts);
    const compiled = sim.find((e) => e.name === 'v8.compileModule');
    const load = sim.find((e) => e.name === 'HandlePostMessage' && (!compiled || e.ts > compiled.ts));
    const running = sim.find((e) => e.name === 'ThreadControllerImpl::RunTask' && load && e.ts > load.ts + load.dur! - 1 && e.dur! > 20_000);
    ms.push(`sim worker started ${at(sim[0].ts)}`);
    if (compiled) ms.push(`its script compiled ${at(compiled.ts + compiled.dur!)}`);
    if (load) ms.push(`load asked ${at(load.ts)} (${fmt(load.dur! / 1000)} ms)`);
    if (running) ms.push(`simulating from ${at(running.ts)}`);
  }
  lines.push(`  milestones (ms): ${ms.join(', ')}`);
  // Each thread that ran JavaScript: its script evaluations and tasks over 3 ms, with what is in them.
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of complete) {
    const k = `${e.pid}:${e.tid}`;
    (byThread.get(k) ?? byThread.set(k, []).get(k)!).push(e);
  }
  for (const [k, evs] of byThread) {
    const n = names.get(k) ?? k;
    if (!/CrRendererMain|DedicatedWorker/.test(n)) continue;
    const js = evs.filter((e) => /EvaluateScript|v8.compile|FunctionCall|v8.run|RunMicrotasks|EventDispatch|TimerFire|FireAnimationFrame|V8.GC/.test(e.name));
    if (!js.length) continue;
    const tasks = evs.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask' || e.name === 'WorkerThread::RunTask').sort((a, b) => a.ts - b.ts);
    const cpu = tasks.reduce((s, e) => s + (e.tdur ?? 0), 0);
    const first = Math.min(...evs.map((e) => e.ts));
    const last = Math.max(...evs.map((e) => e.ts + e.dur!));
    lines.push(`  thread ${n} (${k}): first work at ${at(first)}, last ends ${at(last)} ms, ${tasks.length} tasks, task CPU ${fmt(cpu / 1000)} ms`);
    const byName = new Map<string, { n: number; us: number; cpu: number }>();
    for (const e of evs) {
      if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') continue;
      const b = byName.get(e.name) ?? { n: 0, us: 0, cpu: 0 };
      b.n++;
      b.us += e.dur!;
      b.cpu += e.tdur ?? 0;
      byName.set(e.name, b);
    }
    lines.push(`    by event (wall ms, nested events counted in each): ${[...byName].sort((a, b) => b[1].us - a[1].us).slice(0, 14).map(([x, b]) => `${x} ${b.n}x ${fmt(b.us / 1000)}`).join(', ')}`);
    for (const t of tasks.filter((e) => e.dur! > 3000).slice(0, 40)) {
      const inside = evs.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur! && e.dur! > 1000 && !/RunTask/.test(e.name));
      const what = inside.slice(0, 5).map((e) => {
        const d = (e.args as { data?: { url?: string; functionName?: string; type?: string } })?.data;
        const tag = d?.url ? ` ${d.url.split('/').pop()}` : d?.functionName ? ` ${d.functionName}` : d?.type ? ` ${d.type}` : '';
        return `${e.name}${tag} ${fmt(e.dur! / 1000, 1)}`;
      });
      lines.push(`    ${at(t.ts)} ms: task ${fmt(t.dur! / 1000, 1)} ms (CPU ${fmt((t.tdur ?? 0) / 1000, 1)}): ${what.join(', ')}`);
    }
    // Busy share per 500 ms of the page's life.
    const bins: number[] = [];
    for (const t of tasks) {
      const b = Math.floor((t.ts - t0) / 500_000);
      if (b >= 0) bins[b] = (bins[b] ?? 0) + (t.tdur ?? t.dur!);
    }
    lines.push(`    CPU per 500 ms (ms): ${Array.from(bins, (v) => fmt((v ?? 0) / 1000)).join(' ')}`);
  }
  lines.push(`  end shown at ${fmt(shownAtMs)} ms (the page's clock)`);
  return lines;
}

function serve(dir: string, port: number): ChildProcess {
  return spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', '--outDir', dir], { stdio: 'ignore', detached: true });
}

async function ready(port: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return;
    } catch {
      if (i > 150) throw new Error(`no preview on ${port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function round(browser: Browser, origin: string, link: string, endUs: number, tracePath?: string): Promise<{ coldMs: number; cpu: Map<string, number>; timeline: string[]; load: number; events: number; trace: string }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    let stop: (() => Promise<TraceEvent[]>) | null = null;
    if (tracePath) stop = await startTrace(await context.newCDPSession(page));
    const before = threadTicks();
    const load = loadavg()[0];
    await page.goto(`${origin}/?testhook#${link}`);
    // As npm run bench polls (on every animation frame, unless --poll says otherwise): the page's clock at the first frame showing the end.
    const coldMs = await waitForShown(page, endUs, values.poll === 'raf' ? 'raf' : Number(values.poll), 300_000);
    const after = threadTicks();
    const st = await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline!.state());
    let tl: string[] = [];
    if (stop) {
      const events = await stop();
      writeFileSync(tracePath!, JSON.stringify({ traceEvents: events }));
      tl = timeline(events, coldMs);
    }
    return { coldMs, cpu: cpuBetween(before, after), timeline: tl, load, events: st.events, trace: st.trace };
  } finally {
    await context.close();
  }
}

if (values.read) {
  for (const f of values.read.split(',')) {
    console.log(f);
    const { traceEvents } = JSON.parse(readFileSync(f, 'utf8')) as { traceEvents: TraceEvent[] };
    for (const l of timeline(traceEvents, NaN).filter((x) => !/^ {4}\d/.test(x))) console.log(l);
  }
  process.exit(0);
}

const id = values.scenario!;
const b = BUILT_INS.find((x) => x.id === id);
if (!b) throw new Error(`no built-in ${id}`);
const durationMs = (b.document as { durationMs: number }).durationMs;
const link = await encodeShareLink(b.document as object, { atMs: durationMs }, BUILT_INS);
const builds = values.dist!.split(',').map((s) => {
  const [label, dir] = s.includes('=') ? s.split('=') : [s, s];
  return { label, dir };
});
const servers: ChildProcess[] = [];
const ports: number[] = [];
for (const bd of builds) {
  const port = await freePort();
  servers.push(serve(bd.dir, port));
  ports.push(port);
}
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
const results = new Map<string, { coldMs: number[]; cpu: Map<string, number>[] }>();
try {
  for (const port of ports) await ready(port);
  if (values.trace) mkdirSync(values.trace, { recursive: true });
  for (let r = 0; r < Number(values.rounds); r++) {
    for (let i = 0; i < builds.length; i++) {
      const bd = builds[(i + r) % builds.length];
      const port = ports[(i + r) % builds.length];
      const res = await round(browser, `http://127.0.0.1:${port}`, link, Math.round(durationMs * 1000), values.trace ? `${values.trace}/${bd.label}-${id}-${r + 1}.json` : undefined);
      const acc = results.get(bd.label) ?? results.set(bd.label, { coldMs: [], cpu: [] }).get(bd.label)!;
      acc.coldMs.push(res.coldMs);
      acc.cpu.push(res.cpu);
      const top = [...res.cpu].filter(([, ms]) => ms >= 20).sort((x, y) => y[1] - x[1]);
      console.log(`${bd.label} round ${r + 1}: ${id} cold to end ${fmt(res.coldMs)} ms (load ${fmt(res.load, 1)}), ${fmt(res.events)} events, trace ${res.trace}`);
      console.log(`  CPU ms: ${top.map(([k, ms]) => `${k} ${fmt(ms)}`).join(', ')}`);
      for (const l of res.timeline) console.log(l);
    }
  }
} finally {
  await browser.close();
  for (const s of servers) stopPreview(s);
}
console.log('\nmedians:');
for (const [label, acc] of results) {
  const keys = new Set(acc.cpu.flatMap((m) => [...m.keys()]));
  const med = [...keys].map((k) => [k, quantile(acc.cpu.map((m) => m.get(k) ?? 0), 0.5)] as const).filter(([, v]) => v >= 20).sort((x, y) => y[1] - x[1]);
  console.log(`${label}: cold to end ${fmt(quantile(acc.coldMs, 0.5))} ms (${acc.coldMs.map((x) => fmt(x)).join(', ')}); CPU ms ${med.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
}
