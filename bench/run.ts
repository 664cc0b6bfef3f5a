// npm run bench [-- --only <section>[,<section>…]] [--scenarios <id>[,<id>…]]
//
// Every benchmark, one report: figures, not pass/fail, each target printed beside its
// figure, and the same figures written to bench/results/ (git-ignored): a file per run, and
// latest.json holding the newest figures of every section (a run with --only replaces only
// its sections there), so two runs can be compared.
//
// The core's sections run from a bundle Vite builds first (ES module, for Node), because that
// is how the core reaches a browser: one module, direct calls. Run through the TypeScript
// loader (tsx), every call across a module boundary goes through a getter, which costs the
// kernel about a third of its speed and would measure the loader, not the simulator.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { printSection, printTable, type BenchSection } from './report';
import { benchBrowser } from './browser';
import { benchBuiltIns } from './builtins';
import { benchCliWorld } from './cli';
import { evaluateTargets } from './targets';
import { LINEARIZABILITY_DATA_DIR } from '../tests/fixtures/linearizability';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}node_modules/.cache/faultline-bench`;
const resultsDir = `${root}bench/results`;

const SECTIONS = ['kernel', 'failover', 'surge', 'lincheck', 'cli', 'builtins', 'browser'] as const;
type SectionName = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, scenarios: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(`usage: npm run bench [-- --only <${SECTIONS.join('|')}>[,…]] [--scenarios <built-in id>[,…]]`);
  process.exit(0);
}
const only = values.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`bench: no section ${unknown.map((u) => `'${u}'`).join(', ')}; the sections are ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const scenarios = values.scenarios?.split(',').map((s) => s.trim());

await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'bench/core.ts',
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'core.mjs' } },
  },
});
type Core = typeof import('./core');
const core = (await import(pathToFileURL(`${outDir}/core.mjs`).href)) as Core;

// The CLI sections run the CLI as a user does: make sure its bundle is current first, so no
// build is timed as part of a run.
const cliBuild = spawnSync(process.execPath, [`${root}src/cli/launch.mjs`, '--build'], { encoding: 'utf8' });
if (cliBuild.status !== 0) throw new Error(`building the CLI failed:\n${cliBuild.stderr}`);

// One yardstick for every "ratio to the bare loop" outside the kernel section (which measures
// its own, at its world's queue size), measured now, in this run, from the bundle.
let bareRate: number | undefined;
const bare = () => (bareRate ??= core.bareLoopRate());

const runners: Record<SectionName, () => Promise<BenchSection>> = {
  kernel: core.benchKernel,
  failover: core.benchFailover,
  surge: core.benchSurge,
  lincheck: () => core.benchLincheck(LINEARIZABILITY_DATA_DIR),
  cli: () => benchCliWorld(bare()),
  builtins: () => benchBuiltIns({ bareEventsPerSec: bare(), scenarios }),
  browser: benchBrowser,
};

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
const machine = { node: process.version, cpu: `${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
const when = new Date().toISOString();
console.log(`Faultline benchmarks: node ${machine.node}, ${machine.cpu}, commit ${commit}${dirty ? ' (with local changes)' : ''}, load average ${machine.loadAverage.join(' ')}`);

interface StoredSection extends BenchSection {
  when: string;
  commit: string;
}
const run: Record<string, StoredSection> = {};
for (const name of SECTIONS) {
  if (!only.includes(name)) continue;
  const section = await runners[name]();
  run[name] = { ...section, when, commit: dirty ? `${commit}+` : commit };
  printSection(section);
}

// latest.json: the newest figures of every section, this run's replacing earlier ones.
const latestPath = `${resultsDir}/latest.json`;
const previous = existsSync(latestPath) ? (JSON.parse(readFileSync(latestPath, 'utf8')) as { sections?: Record<string, StoredSection> }) : {};
const sections = { ...(previous.sections ?? {}), ...run };
const targets = evaluateTargets(Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.data ?? {}])));
console.log('\n## Targets (issue 11)');
printTable({
  columns: ['target', 'figure', 'met', 'from'],
  rows: targets.map((t) => [t.target, t.figure, t.met === undefined ? '' : t.met ? 'yes' : 'NO', t.section && sections[t.section] ? (run[t.section] ? 'this run' : `${sections[t.section].commit}, ${sections[t.section].when}`) : 'not measured']),
});

mkdirSync(resultsDir, { recursive: true });
const thisRun = { when, commit, dirty, machine, argv: process.argv.slice(2), sections: run };
const stamp = when.replace(/[:.]/g, '-');
writeFileSync(`${resultsDir}/${stamp}-${commit}.json`, JSON.stringify(thisRun, null, 1));
writeFileSync(latestPath, JSON.stringify({ when, commit, machine, sections, targets }, null, 1));
console.log(`\nresults: bench/results/${stamp}-${commit}.json and bench/results/latest.json`);
