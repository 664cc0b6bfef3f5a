// The browser benchmark: the production build in real Chromium, playing a busy scenario (50
// nodes, thousands of messages in flight), measuring the page's frame time (from
// requestAnimationFrame timestamps in the page) and the worker's time per frame (from a
// request to its frame's arrival), and the size of what a visitor downloads (gzipped).
//
// It builds first if the build is missing or older than the sources, serves `dist/` with
// `vite preview` on a free port, and stops that server (by its own pid) when done.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from '../tests/e2e/browser';
import { buildAppIfNeeded } from '../src/cli/browser/app-build';
import type { NodeSpec } from '../src/sim/spec';
import type { WorkProfile } from '../src/sim/host';
import { fmt, quantile, type BenchSection } from './report';

const ROOT = new URL('..', import.meta.url).pathname;

/** The page's test hook (src/app/test-hook.ts), as far as the benchmark uses it; typed here because this file is compiled without the DOM's types. */
/** The page's test hook, as the benchmarks drive it (bench/frame-profile.ts too). */
export interface Hook {
  state(): { nowUs: number; busy: boolean; events: number; messagesInFlight: number; runAhead: { knownUs: number; state: string } | null };
  load(doc: unknown): Promise<boolean>;
  seek(ms: number): void;
  play(): void;
  pause(): void;
  setSpeed(speedX: number): void;
  perfStart(): void;
  perfStop(): { frameMs: number[]; workerMs: number[] };
  /** Absent from builds before the work profile (the benchmark may measure one for comparison). */
  workProfile?(reset?: boolean): Promise<WorkProfile | null>;
}
/** Functions passed to page.evaluate run in the page: they reach the hook as a global there. */
export type PageGlobal = { __faultline: Hook };
/** Pids of every process descended from `root`, from /proc (Linux). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** A Chromium trace event, as the DevTools protocol's Tracing domain hands them over. */
export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: what the thread itself spent, whatever else the machine ran. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

/**
 * Wait until a page opened at a moment shows it, with nothing on its way from the worker, and
 * return the page's clock then (ms since navigation start). Polled on every animation frame by
 * `npm run bench` (bench/builtins.ts); bench/cold-profile.ts may poll less often, to see what
 * the polling itself costs.
 */
export async function waitForShown(page: Page, endUs: number, polling: 'raf' | number, timeoutMs: number): Promise<number> {
  type Shown = { __faultline?: { state(): { nowUs: number; busy: boolean } }; __shownAtMs?: number };
  await page.waitForFunction(
    (us) => {
      const g = globalThis as unknown as Shown;
      const s = g.__faultline?.state();
      if (!s || s.nowUs !== us || s.busy) return false;
      g.__shownAtMs ??= performance.now();
      return true;
    },
    endUs,
    { polling, timeout: timeoutMs },
  );
  return page.evaluate(() => (globalThis as unknown as Shown).__shownAtMs!);
}

/** Wall time each playback measurement lasts. */
const PLAY_WALL_MS = 5_000;
/**
 * The playbacks measured, in order: slow with dots, fast from where the run-ahead has got to
 * (beyond it, the simulation's own speed is the limit), and fast inside the known range
 * (the issue's target: a speed is honoured once the run-ahead is past it), after seeking
 * back to 5 s and waiting, on the run-ahead's own word, until it is known far enough.
 */
const PLAYS = [
  { key: 'at0.2x', speedX: 0.2, wallMs: PLAY_WALL_MS, inside: false },
  { key: 'at20xBeyond', speedX: 20, wallMs: PLAY_WALL_MS, inside: false },
  { key: 'at20x', speedX: 20, wallMs: 2_500, inside: true },
] as const;
const START_US = 5_000_000;
/** How long the run-ahead may take to get past the moments the inside measurement plays. */
const RUN_AHEAD_WAIT_MS = 240_000;
const SERVER_START_MS = 30_000;

/**
 * One replicated database (a primary and four replicas in two data sites), an orchestrator,
 * a role endpoint and 43 application servers in five application sites 50 ms away: 50 nodes,
 * with requests, replies and replication in flight by the thousand. One cluster, because a
 * role endpoint follows whoever is primary anywhere in the world.
 */
export function busyWorld(): Record<string, unknown> {
  const appSites = 5;
  const sites: { id: string }[] = [{ id: 'data' }, { id: 'data2' }];
  const links: { between: [string, string]; latencyMs: number }[] = [{ between: ['data', 'data2'], latencyMs: 30 }];
  const nodes: NodeSpec[] = [
    { id: 'db1', kind: 'database', site: 'data', role: 'primary', serviceMs: 0.01 },
    { id: 'db2', kind: 'database', site: 'data', role: 'replica', replicateFrom: 'db1', replication: 'async', serviceMs: 0.01 },
    { id: 'db3', kind: 'database', site: 'data', role: 'replica', replicateFrom: 'db1', replication: 'async', serviceMs: 0.01 },
    { id: 'db4', kind: 'database', site: 'data2', role: 'replica', replicateFrom: 'db1', replication: 'async', serviceMs: 0.01 },
    { id: 'db5', kind: 'database', site: 'data2', role: 'replica', replicateFrom: 'db1', replication: 'async', serviceMs: 0.01 },
    { id: 'orch', kind: 'orchestrator', site: 'data', watches: ['db1', 'db2', 'db3', 'db4', 'db5'], detector: 'timeout', timeoutMs: 10_000, promotion: 'auto', fencing: false },
    { id: 'rw', kind: 'endpoint', resolvesTo: 'role:primary', ttlMs: 5000 },
  ];
  for (let s = 0; s < appSites; s++) {
    sites.push({ id: `apps${s}` });
    links.push({ between: [`apps${s}`, 'data'], latencyMs: 50 });
    links.push({ between: [`apps${s}`, 'data2'], latencyMs: 70 });
  }
  for (let k = 0; nodes.length < 50; k++) {
    nodes.push({ id: `app${k}`, kind: 'client', site: `apps${k % appSites}`, target: 'rw', writesPerSec: 240, readsPerSec: 360, keys: 1000, timeoutMs: 2000 });
  }
  return {
    format: 'faultline/1',
    title: 'Benchmark: 50 nodes, busy',
    seed: 1,
    durationMs: 600_000,
    sites,
    links,
    nodes,
    faults: [{ atMs: 30_000, kind: 'crash', target: 'db1' }],
  };
}

export function buildIfNeeded(): string {
  return buildAppIfNeeded(ROOT);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPreview(port: number): Promise<ChildProcess> {
  const child = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: ROOT, stdio: 'ignore', detached: true });
  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if (res.ok) return child;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - t0 > SERVER_START_MS) {
      stopPreview(child);
      throw new Error(`vite preview did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** npx starts vite as a child of its own: stop the whole group it leads, by its pid. */
export function stopPreview(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/**
 * The worker's own account of the playback (the host's work profile): per frame request, how
 * long it spent and on what; and the run-ahead slices in between.
 */
function workLine(w: WorkProfile): string {
  const calls = w['call.advanceTo']?.count ?? 0;
  const per = (k: string) => (calls ? (w[k]?.ms ?? 0) / calls : 0);
  const parts = ['frame', 'frame.messages', 'frame.nodes', 'frame.anomalies', 'frame.ops', 'replay', 'restore', 'run', 'digest'].filter((k) => w[k]).map((k) => `${k} ${fmt(per(k), 2)}`);
  const slices = w.slice ? `; ${fmt(w.slice.count)} run-ahead slices, ${fmt(w.slice.ms)} ms, ${fmt(w.slice.events)} events` : '';
  const restores = w.restore ? `, ${fmt(w.restore.count)} restores` : '';
  const replayed = w.replay ? `, ${fmt(w.replay.events / Math.max(1, calls))} events replayed per request` : '';
  return `${fmt(calls)} requests, ${fmt(per('call.advanceTo'), 2)} ms each in the worker (${parts.join(', ')} ms)${restores}${replayed}${slices}`;
}

function bundleRows(): BenchSection['rows'] {
  const dir = join(ROOT, 'dist/assets');
  const files = readdirSync(dir).filter((f) => !f.endsWith('.map'));
  let raw = 0;
  let gz = 0;
  const parts: string[] = [];
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    const g = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += g;
    const kind = f.startsWith('sim.worker') ? 'worker' : f.endsWith('.css') ? 'css' : f.endsWith('.js') ? 'page js' : f;
    parts.push(`${kind} ${fmt(g / 1024, 1)}`);
  }
  return [['bundle (dist/assets)', `${fmt(gz / 1024, 1)} KiB gzipped (${fmt(raw / 1024, 1)} KiB raw): ${parts.join(', ')} KiB`]];
}

export async function benchBrowser(): Promise<BenchSection> {
  const rows: BenchSection['rows'] = [];
  const data: Record<string, unknown> = {};
  rows.push(['build', buildIfNeeded()]);
  const port = await freePort();
  const server = await startPreview(port);
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The playground (a bare address opens the gallery), then the benchmark world loaded into it.
    await page.goto(`http://127.0.0.1:${port}/?testhook#play=first-failover`);
    await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobal>).__faultline?.state().events !== undefined);
    const world = busyWorld();
    const loaded = await page.evaluate((doc) => (globalThis as unknown as PageGlobal).__faultline.load(doc), world);
    if (!loaded) throw new Error('the benchmark scenario did not load');
    // Start where the system is warm: queues and replication streams full.
    await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.seek(5_000));
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).__faultline.state().nowUs === 5_000_000 && !(globalThis as unknown as PageGlobal).__faultline.state().busy, undefined, { timeout: 60_000 });
    rows.push(['scenario', `${(world.nodes as unknown[]).length} nodes in ${(world.sites as unknown[]).length} sites: 5 databases, 43 clients at 600 ops/s each, 50 ms away`]);

    for (const { key, speedX, wallMs, inside } of PLAYS) {
      let where = '';
      if (inside) {
        await page.evaluate((ms) => (globalThis as unknown as PageGlobal).__faultline.seek(ms), START_US / 1000);
        await page.waitForFunction((us) => (globalThis as unknown as PageGlobal).__faultline.state().nowUs === us && !(globalThis as unknown as PageGlobal).__faultline.state().busy, START_US, { timeout: 60_000 });
        // Known past the last moment played, with room to spare; or as far as it will go.
        const needUs = START_US + speedX * wallMs * 1000 + 2_000_000;
        const t0 = Date.now();
        await page.waitForFunction(
          (us) => {
            const r = (globalThis as unknown as PageGlobal).__faultline.state().runAhead;
            return r !== null && (r.knownUs >= us || r.state !== 'running');
          },
          needUs,
          { timeout: RUN_AHEAD_WAIT_MS, polling: 250 },
        );
        const r = (await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.state().runAhead))!;
        where = `, inside the known range (known to ${fmt(r.knownUs / 1e6, 1)} s after ${fmt((Date.now() - t0) / 1000, 1)} s more of run-ahead${r.knownUs < needUs ? `: it stopped (${r.state}) short of the ${fmt(needUs / 1e6, 1)} s played` : ''})`;
      } else if (speedX > 1) where = ', from the moment shown (beyond the known range the simulation is the limit)';
      await page.evaluate((s) => (globalThis as unknown as PageGlobal).__faultline.setSpeed(s), speedX);
      const start = await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.state());
      await page.evaluate(async () => {
        await (globalThis as unknown as PageGlobal).__faultline.workProfile?.(true);
        (globalThis as unknown as PageGlobal).__faultline.perfStart();
        (globalThis as unknown as PageGlobal).__faultline.play();
      });
      let inFlightSum = 0;
      let inFlightN = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < wallMs) {
        await page.waitForTimeout(250);
        inFlightSum += (await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.state().messagesInFlight));
        inFlightN++;
      }
      const perf = await page.evaluate(() => {
        (globalThis as unknown as PageGlobal).__faultline.pause();
        return (globalThis as unknown as PageGlobal).__faultline.perfStop();
      });
      const work = (await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.workProfile?.(true))) ?? {};
      const mode = (await page.getAttribute('[data-testid="stage-canvas"]', 'data-mode')) ?? '?';
      const st = await page.evaluate(() => (globalThis as unknown as PageGlobal).__faultline.state());
      const label = `at ${speedX}× (${mode}${inside ? ', inside the known range' : speedX > 1 ? ', from the moment shown' : ''})`;
      rows.push([`frame time ${label}`, `median ${fmt(quantile(perf.frameMs, 0.5), 1)} ms, p95 ${fmt(quantile(perf.frameMs, 0.95), 1)} ms over ${fmt(perf.frameMs.length)} frames (${fmt(perf.frameMs.length / (wallMs / 1000), 0)} fps)`]);
      rows.push([`worker per frame ${label}`, `median ${fmt(quantile(perf.workerMs, 0.5), 1)} ms, p95 ${fmt(quantile(perf.workerMs, 0.95), 1)} ms over ${fmt(perf.workerMs.length)} requests`]);
      rows.push([`worker's work ${label}`, workLine(work)]);
      rows.push([`in flight ${label}`, `${fmt(inFlightSum / Math.max(1, inFlightN))} messages on average`]);
      const wallS = wallMs / 1000;
      data[key] = {
        mode,
        frameP50Ms: quantile(perf.frameMs, 0.5),
        frameP95Ms: quantile(perf.frameMs, 0.95),
        workerP95Ms: quantile(perf.workerMs, 0.95),
        inFlight: inFlightSum / Math.max(1, inFlightN),
        virtualPerWall: (st.nowUs - start.nowUs) / 1e6 / wallS,
        work,
      };
      rows.push([`playback ${label}`, `${fmt((st.nowUs - start.nowUs) / 1e6 / wallS, 2)} virtual s per wall s, ${fmt((st.events - start.events) / wallS)} events/s shown${where}`]);
    }
  } finally {
    await browser.close();
    stopPreview(server);
  }
  rows.push(...bundleRows());
  return { title: 'Browser (Chromium, production build): playback and frames', rows, data };
}

// Run on its own: `npx tsx bench/browser.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printSection } = await import('./report');
  printSection(await benchBrowser());
}
