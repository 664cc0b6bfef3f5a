// npm run sim -- <scenario.json | built-in-id | share link> [--seed N] [--until MS] [--json]
//                                             [--seeds A..B] [--max-events N] [--what-if ID]
// npm run sim -- <scenario.json | built-in-id | share link> --compare <what-if id | changes.json | link>
//                                             [--seed N] [--until MS] [--json]
// npm run sim -- <scenario.json | built-in-id | share link> --link
// npm run sim -- --list
//
// The contract (SCENARIO-FORMAT.md): with --json, stdout holds one JSON object and nothing
// else. Exit 0 when the run completed (anomalies are results, not errors), 2 for an invalid
// scenario or arguments (errors on stderr, one per line, with field paths), 1 when the run
// could not complete (an internal failure, or a limit such as the event budget).

import { parseArgs } from 'node:util';
import { BUILT_INS } from '../scenario/library';
import { encodeShareLink } from '../scenario/share-link';
import { applyWhatIf, whatIfsOf } from '../scenario/what-if';
import { validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/types';
import { diffSummaries, type Comparison } from '../scenario/compare';
import { comparisonArg, loadInputArg } from './load';
import { compareScenarios, runScenario, type CompareOutput, type RunOutput } from './run';
import { parseSeedRange, sweep, type SweepOutput } from './seeds';
import { forTerminal, jsonForTerminal, linesForTerminal } from './terminal';

const USAGE = `usage: npm run sim -- <scenario.json | built-in-id | share link> [--seed N] [--until MS] [--json] [--seeds A..B] [--max-events N] [--what-if ID]
       npm run sim -- <scenario.json | built-in-id | share link> --compare <what-if id | changes.json | link> [--seed N] [--until MS] [--json]
       npm run sim -- <scenario.json | built-in-id | share link> --link
       npm run sim -- --list`;

/** Lines for a person: user text in them (titles, ids, quoted values) is made safe to print. */
function print(lines: string[]): void {
  console.log(lines.map(forTerminal).join('\n'));
}

function fail(code: number, lines: string[]): never {
  for (const l of lines) process.stderr.write(forTerminal(l) + '\n');
  process.exit(code);
}

function parseIntArg(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(2, [`--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}; found '${text}'`]);
  return n;
}

function untilFlag(v: string | undefined): boolean {
  return v !== undefined;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function printRun(o: RunOutput): void {
  const m = o.metrics;
  const out = [
    o.scenario,
    `seed ${o.seed}, until ${fmt(o.untilMs)} ms: ${fmt(o.events)} events, trace ${o.trace}`,
    `writes: ${fmt(m.writes.attempted)} attempted, ${fmt(m.writes.acked)} acked, ${fmt(m.writes.failed)} failed, ${fmt(m.writes.unknown)} unknown`,
    `reads:  ${fmt(m.reads.attempted)} attempted, ${fmt(m.reads.ok)} ok, ${fmt(m.reads.failed)} failed`,
    `failovers: ${m.failovers}${m.alerts.length ? `, alerts: ${m.alerts.map((a) => `${a.rule} at ${fmt(a.firedAtMs)} ms`).join('; ')}` : ''}`,
  ];
  if (o.anomalies.length === 0) out.push('anomalies: none found');
  for (const a of o.anomalies) out.push(`${a.kind} x${a.count} from ${fmt(a.firstAtMs)} ms (${a.nodes.join(', ')}): ${a.explanation}`);
  print(out);
}

function printCompare(o: CompareOutput, title: string): void {
  const rows = diffSummaries(o.a, o.b);
  const cells: [string, string, string][] = [
    ['', 'A: as written', `B: ${title}`],
    ['trace', o.a.trace, o.b.trace],
    ['events', fmt(o.a.events), fmt(o.b.events)],
    ...rows.map((r): [string, string, string] => [r.label, r.aText, r.bText]),
  ];
  const w0 = Math.max(...cells.map((c) => c[0].length));
  const w1 = Math.max(...cells.map((c) => c[1].length));
  const out = [o.a.scenario, `seed ${o.a.seed}, until ${fmt(o.a.untilMs)} ms`, ''];
  for (const [k, a, b] of cells) {
    const changed = k !== '' && k !== 'trace' && a !== b;
    out.push(`${k.padEnd(w0)}  ${a.padStart(k === '' ? 0 : w1).padEnd(w1)}  ${changed ? '->' : '  '}  ${b}`);
  }
  out.push('');
  out.push(
    o.divergedAtMs === null
      ? 'The two runs are the same run: the same trace at every moment to the end.'
      : `The two runs are the same until ${fmt(o.divergedAtMs)} ms, where they first differ (divergedAtMs ${o.divergedAtMs}).`,
  );
  for (const [name, run] of [['A', o.a], ['B', o.b]] as const) {
    for (const a of run.anomalies) out.push(`${name}: ${a.kind} x${a.count} from ${fmt(a.firstAtMs)} ms: ${a.explanation}`);
  }
  print(out);
}

function printSweep(s: SweepOutput): void {
  const out = [`${s.scenario}: seeds ${s.seeds.from}..${s.seeds.to} (${s.runs} runs), until ${fmt(s.untilMs)} ms`];
  const kinds = Object.entries(s.anomalies);
  if (kinds.length === 0) out.push('no anomaly in any run');
  const width = Math.max(...kinds.map(([k]) => k.length), 0);
  for (const [kind, runs] of kinds) out.push(`${kind.padEnd(width)}  in ${runs} of ${s.runs} runs`);
  const broken = s.results.filter((r) => r.error || r.aborted);
  for (const r of broken) out.push(`seed ${r.seed} did not complete: ${r.error ?? r.aborted}`);
  print(out);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        seed: { type: 'string' },
        until: { type: 'string' },
        json: { type: 'boolean' },
        seeds: { type: 'string' },
        'max-events': { type: 'string' },
        list: { type: 'boolean' },
        link: { type: 'boolean' },
        'what-if': { type: 'string' },
        compare: { type: 'string' },
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
  if (values.list) {
    const width = Math.max(...BUILT_INS.map((b) => b.id.length));
    print(BUILT_INS.map((b) => `${b.id.padEnd(width)}  ${b.title}`));
    return;
  }
  if (positionals.length !== 1) fail(2, [positionals.length === 0 ? 'name a scenario file or a built-in id' : `one scenario at a time; found ${positionals.length}`, ...USAGE.split('\n')]);

  const arg = positionals[0];
  const loaded = await loadInputArg(arg);
  if (!loaded.ok) fail(2, loaded.errors.map((e) => e.message));
  let scenario = loaded.scenario;
  const seed = parseIntArg('seed', values.seed, Number.MIN_SAFE_INTEGER);

  if (values['what-if'] !== undefined) {
    const all = whatIfsOf(scenario);
    const w = all.find((x) => x.id === values['what-if']);
    if (!w) fail(2, [`--what-if: the scenario has no what-if '${values['what-if']}'; ${all.length ? `it has ${all.map((x) => x.id).join(', ')}` : 'it has none'}`]);
    const res = validateScenario(applyWhatIf(scenario, w));
    if (!res.ok) fail(2, res.errors.map((e) => e.message));
    scenario = res.scenario;
  }

  const linkView = loaded.view;
  let compare: { comparison: Comparison; b: Scenario } | null = null;
  if (values.compare !== undefined) {
    const c = comparisonArg(scenario, values.compare, linkView);
    if (!c.ok) fail(2, c.errors);
    compare = c;
  }
  if (!compare && linkView?.compare && !values.json) process.stderr.write(forTerminal(`(the link compares with "${linkView.compare.title}"; add --compare link to run both)`) + '\n');
  if (compare && (values.seeds !== undefined || values.link)) fail(2, ['--compare runs two versions of one scenario with one seed; it does not go with --seeds or --link']);

  if (values.link) {
    if (values.seeds !== undefined || values.json || untilFlag(values.until)) fail(2, ['--link prints a link; it does not go with --seeds, --json or --until']);
    const doc = seed === undefined ? scenario : { ...scenario, seed };
    const view = loaded.view ?? {};
    console.log(await encodeShareLink(doc, view, BUILT_INS));
    return;
  }
  if (loaded.view) {
    const atMs = loaded.view.atMs;
    if (atMs !== undefined && !values.json) process.stderr.write(`(the link was opened at ${fmt(atMs)} ms; add --until ${Math.round(atMs)} to stop there)\n`);
  }
  const untilMs = parseIntArg('until', values.until, 0);
  const maxEvents = parseIntArg('max-events', values['max-events'], 1);
  // A run ends at durationMs (the scenario's faults and narration are bounded by it); --until
  // only stops it earlier, so a later time is a mistake worth saying rather than running past.
  if (untilMs !== undefined && untilMs > scenario.durationMs) {
    fail(2, [`--until ${untilMs} is after the end of the run: the scenario lasts ${fmt(scenario.durationMs)} ms (its durationMs). --until stops a run earlier; leave it out to run to the end`]);
  }

  if (values.seeds !== undefined) {
    if (seed !== undefined) fail(2, ['--seed and --seeds do not go together']);
    const range = parseSeedRange(values.seeds);
    if (typeof range === 'string') fail(2, [range]);
    const result = await sweep({ scenario, untilMs, maxEvents }, range.from, range.to);
    if (values.json) console.log(jsonForTerminal(result));
    else printSweep(result);
    return;
  }

  if (compare) {
    const both = compareScenarios({ scenario, seed, untilMs, maxEvents }, compare.b);
    if (values.json) console.log(jsonForTerminal(both));
    else printCompare(both, compare.comparison.title);
    const stopped = both.a.aborted ?? both.b.aborted;
    const which = both.a.aborted ? 'A' : 'B';
    if (stopped) fail(1, [stopped.kind === 'limit' ? `run ${which} stopped: ${stopped.reason}` : `run ${which} stopped at ${fmt(stopped.atMs)} ms: ${stopped.reason}`]);
    return;
  }

  const out = runScenario({ scenario, seed, untilMs, maxEvents });
  if (values.json) console.log(jsonForTerminal(out));
  else printRun(out);
  // A limit's sentence says when itself ("... at t = 2.1 s"); an internal error's does not.
  if (out.aborted) fail(1, [out.aborted.kind === 'limit' ? `the run stopped: ${out.aborted.reason}` : `the run stopped at ${fmt(out.aborted.atMs)} ms: ${out.aborted.reason}`]);
}

main().catch((e: unknown) => fail(1, linesForTerminal(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)));
