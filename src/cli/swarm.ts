// npm run swarm -- --seeds A..B | --minutes N [--from S] [--jobs N] [--json]
//
// The swarm test: each seed draws a whole world (src/cli/swarm/world.ts), runs it twice with
// the checkers on and holds it to the invariants (src/cli/swarm/check.ts). Seeds run on every
// core; each seed that breaks an invariant is printed as it is found, with the invariant, a
// sentence, and a share link that replays its world (in the app: the address with `#` and
// the link; here: `npm run sim -- <link>`). Exit 0 when every seed passed, 1 otherwise.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { parseSeedRange } from './seeds';
import type { SeedResult } from './swarm/check';
import { formatFailure } from './swarm/report';

const USAGE = 'usage: npm run swarm -- --seeds A..B | --minutes N [--from S] [--jobs N] [--json]';

function fail(lines: string[]): never {
  for (const l of lines) process.stderr.write(l + '\n');
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { seeds: { type: 'string' }, minutes: { type: 'string' }, from: { type: 'string' }, jobs: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return fail([(e as Error).message, USAGE]);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if ((values.seeds === undefined) === (values.minutes === undefined)) fail(['give either --seeds A..B or --minutes N', USAGE]);
let next: number;
let last = Infinity;
let deadline = Infinity;
if (values.seeds !== undefined) {
  const range = parseSeedRange(values.seeds);
  if (typeof range === 'string') fail([range.replace('--seeds', '--seeds')]);
  next = range.from;
  last = range.to;
} else {
  const minutes = Number(values.minutes);
  if (!(minutes > 0) || minutes > 7 * 24 * 60) fail([`--minutes must be a number of minutes above 0 (at most a week); found '${values.minutes}'`]);
  next = values.from === undefined ? 1 : Number(values.from);
  if (!Number.isSafeInteger(next)) fail([`--from must be an integer; found '${values.from}'`]);
  deadline = Date.now() + minutes * 60_000;
}
const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64) fail([`--jobs must be an integer from 1 to 64; found '${values.jobs}'`]);

const results: (SeedResult & { link?: string })[] = [];
const startedAt = Date.now();
const more = () => next <= last && Date.now() < deadline;

function report(r: SeedResult & { link?: string }): void {
  results.push(r);
  if (values.json || r.violations.length === 0) return;
  console.log(formatFailure(r));
}

await Promise.all(
  Array.from({ length: jobs }, () => {
    if (!more()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL('./swarm-worker.mjs', import.meta.url));
      const feed = () => w.postMessage(more() ? next++ : null);
      w.on('message', (r: SeedResult & { link?: string }) => {
        report(r);
        feed();
      });
      w.on('error', reject);
      w.on('exit', () => resolve());
      feed();
    });
  }),
);

results.sort((a, b) => a.seed - b.seed);
const failed = results.filter((r) => r.violations.length);
const byInvariant: Record<string, number> = {};
for (const r of failed) for (const inv of new Set(r.violations.map((v) => v.invariant))) byInvariant[inv] = (byInvariant[inv] ?? 0) + 1;
const anomalies: Record<string, number> = {};
for (const r of results) for (const k of Object.keys(r.anomalies)) anomalies[k] = (anomalies[k] ?? 0) + 1;
const seconds = Math.round((Date.now() - startedAt) / 1000);
if (values.json) {
  console.log(JSON.stringify({ seeds: results.length, failed: failed.length, seconds, byInvariant, anomalies, failures: failed }));
} else {
  const span = results.length ? `${results[0].seed}..${results[results.length - 1].seed}` : 'none';
  console.log(`swarm: ${results.length} seeds (${span}) in ${seconds} s, ${failed.length} broke an invariant${failed.length ? `: ${Object.entries(byInvariant).map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`);
  console.log(`anomalies found (seeds): ${Object.entries(anomalies).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
}
process.exitCode = failed.length ? 1 : 0;
