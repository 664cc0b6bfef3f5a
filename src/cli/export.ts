// npm run export -- <scenario.json | built-in-id | share link> --from SECONDS --to SECONDS
//                   --format gif|webm|mp4|png --out FILE [--fps N] [--width PX] [--speed X]
//                   [--compare <what-if id | changes.json | link>] [--theme light|dark]
//                   [--no-timeline] [--no-captions] [--no-badges]
//
// Renders a range of a run as the learner sees it, with the app's own renderer and encoders,
// in headless Chromium (found as the browser tests find it), from virtual time: the same
// scenario, range and options give the same file. The app's production build is served from
// a local port for the purpose (built first when it is older than the sources).
//
// Exit 0: the file is written. 2: a bad scenario, link, range or option, or a format this
// browser cannot encode (a sentence on stderr). 1: no browser, or the export failed.

import { parseArgs } from 'node:util';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BUILT_INS } from '../scenario/library';
import { encodeShareLink } from '../scenario/share-link';
import { checkExportOptions, EXPORT_FORMATS, type ExportHookResult, type ExportRequest } from '../app/export/options';
import { comparisonArg, loadInputArg } from './load';
import { forTerminal, linesForTerminal } from './terminal';
import { CHROMIUM_FLAGS, HOW_TO_GET_CHROMIUM, locateChromium } from './browser/chromium';
import { buildAppIfNeeded, projectRoot } from './browser/app-build';
import { serveStatic } from './browser/static-server';

const USAGE = `usage: npm run export -- <scenario.json | built-in-id | share link> --from SECONDS --to SECONDS --format ${EXPORT_FORMATS.join('|')} --out FILE
         [--fps N] [--width PX] [--speed X] [--compare <what-if id | changes.json | link>] [--theme light|dark]
         [--no-timeline] [--no-captions] [--no-badges]`;

/** The page's export door (src/app/export/hook.ts), as this file (compiled without the DOM's types) sees it. */
type PageGlobal = { __faultlineExport: (link: string, request: ExportRequest) => Promise<ExportHookResult> };

/** How long the page may take to load and offer its export door. */
const PAGE_READY_MS = 60_000;
/** An export longer than this is taken for a hang. */
const EXPORT_TIMEOUT_MS = 30 * 60_000;

function fail(code: number, lines: string[]): never {
  for (const l of lines) process.stderr.write(forTerminal(l) + '\n');
  process.exit(code);
}

function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) fail(2, [`--${flag} takes a time in seconds, such as 20 or 12.5; found '${text}'`]);
  return v * 1000;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) fail(2, [`--${flag} takes a number; found '${text}'`]);
  return v;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        fps: { type: 'string' },
        width: { type: 'string' },
        speed: { type: 'string' },
        compare: { type: 'string' },
        theme: { type: 'string' },
        'no-timeline': { type: 'boolean' },
        'no-captions': { type: 'boolean' },
        'no-badges': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(2, [(e as Error).message, ...USAGE.split('\n')]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) fail(2, [positionals.length === 0 ? 'name a scenario file, a built-in id or a share link' : `one scenario at a time; found ${positionals.length}`, ...USAGE.split('\n')]);
  if (values.format === undefined) fail(2, [`--format is needed: one of ${EXPORT_FORMATS.join(', ')}`]);
  if (values.out === undefined) fail(2, ['--out is needed: the file to write']);
  if (values.from === undefined) fail(2, ['--from is needed: where the range starts, in seconds']);
  if (values.to === undefined && values.format !== 'png') fail(2, ['--to is needed: where the range ends, in seconds (a png needs only --from)']);
  if (values.theme !== undefined && values.theme !== 'light' && values.theme !== 'dark') fail(2, [`--theme is light or dark; found '${values.theme}'`]);
  const out = resolve(values.out);
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) fail(2, [`--out ${values.out}: the folder ${dirname(out)} does not exist`]);
  if (existsSync(out) && statSync(out).isDirectory()) fail(2, [`--out ${values.out} is a folder; name a file`]);

  const loaded = await loadInputArg(positionals[0]);
  if (!loaded.ok) fail(2, loaded.errors.map((e) => e.message));
  const scenario = loaded.scenario;
  const request: ExportRequest = {
    format: values.format,
    fromMs: seconds('from', values.from),
    toMs: seconds('to', values.to),
    fps: number('fps', values.fps),
    widthPx: number('width', values.width),
    speedX: number('speed', values.speed),
    timeline: !values['no-timeline'],
    captions: !values['no-captions'],
    badges: !values['no-badges'],
  };
  // The same check the page makes, before a browser is started for nothing.
  const checked = checkExportOptions(request, scenario.durationMs);
  if (!checked.ok) fail(2, checked.errors.map((e) => `${e.charAt(0).toUpperCase()}${e.slice(1)}.`));
  let compare;
  if (values.compare !== undefined) {
    const c = comparisonArg(scenario, values.compare, loaded.view);
    if (!c.ok) fail(2, c.errors);
    compare = { title: c.comparison.title, changes: c.comparison.changes };
  } else if (loaded.view?.compare) compare = loaded.view.compare;
  const link = await encodeShareLink(scenario, compare ? { compare } : {}, BUILT_INS);

  const chromium = locateChromium();
  if (!('path' in chromium)) fail(1, ['npm run export renders in Chromium, and none was found.', ...HOW_TO_GET_CHROMIUM, `(tried: ${chromium.tried.join(', ')})`]);

  const root = projectRoot();
  const t0 = performance.now();
  if (buildAppIfNeeded(root) === 'rebuilt') process.stderr.write('(built the app first: its sources had changed)\n');
  const server = await serveStatic({ root: join(root, 'dist'), prefix: '/' });
  const { chromium: pw } = await import('@playwright/test');
  const browser = await pw.launch({ executablePath: chromium.path, args: CHROMIUM_FLAGS });
  let result: ExportHookResult;
  const tExport = performance.now();
  try {
    const context = await browser.newContext({ colorScheme: values.theme === 'dark' ? 'dark' : 'light' });
    const page = await context.newPage();
    const tty = process.stderr.isTTY;
    await page.exposeFunction('__faultlineExportProgress', (done: number, total: number) => {
      if (tty) process.stderr.write(`\rrendering frame ${done} of ${total}…`);
    });
    await page.goto(`${server.origin}/index.html?export`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).__faultlineExport !== undefined, undefined, { timeout: PAGE_READY_MS });
    result = await Promise.race([
      page.evaluate(([l, r]) => (globalThis as unknown as PageGlobal).__faultlineExport(l, r), [link, request] as const),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the export took more than ${EXPORT_TIMEOUT_MS / 60_000} minutes`)), EXPORT_TIMEOUT_MS).unref()),
    ]);
    if (tty) process.stderr.write('\r\x1b[K');
  } finally {
    await browser.close();
    await server.close();
  }
  if (!result.ok) fail(result.code, result.errors);
  const bytes = Buffer.from(result.base64, 'base64');
  writeFileSync(out, bytes);
  const wallS = (performance.now() - tExport) / 1000;
  const pace = result.videoSeconds > 0 ? `, ${(result.videoSeconds / wallS).toFixed(1)}× real time` : '';
  console.log(
    forTerminal(
      `${values.out}: ${result.frames} frame${result.frames === 1 ? '' : 's'}, ${result.widthPx}×${result.heightPx}, ${(bytes.length / 1024).toFixed(0)} KB` +
        `${result.videoSeconds > 0 ? `, ${result.videoSeconds.toFixed(1)} s of video` : ''}; rendered in ${wallS.toFixed(1)} s${pace} (${((performance.now() - t0) / 1000).toFixed(1)} s in all)`,
    ),
  );
}

main().catch((e: unknown) => fail(1, linesForTerminal(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)));
