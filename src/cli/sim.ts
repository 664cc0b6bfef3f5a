// npm run sim -- <scenario.json | built-in-id> [--seed N] [--until MS] [--json]
//                                             [--seeds A..B] [--max-events N]
// npm run sim -- --list
//
// The contract (SCENARIO-FORMAT.md): with --json, stdout holds one JSON object and nothing
// else. Exit 0 when the run completed (anomalies are results, not errors), 2 for an invalid
// scenario or arguments (errors on stderr, one per line, with field paths), 1 when the run
// could not complete (an internal failure, or a limit such as the event budget).

import { parseArgs } from 'node:util';
import { BUILT_INS } from '../scenario/library';
import { loadScenarioArg } from './load';
import { runScenario, type RunOutput } from './run';
import { parseSeedRange, sweep, type SweepOutput } from './seeds';

const USAGE = `usage: npm run sim -- <scenario.json | built-in-id> [--seed N] [--until MS] [--json] [--seeds A..B] [--max-events N]
       npm run sim -- --list`;

function fail(code: number, lines: string[]): never {
  for (const l of lines) process.stderr.write(l + '\n');
  process.exit(code);
}

function parseIntArg(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(2, [`--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}; found '${text}'`]);
  return n;
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
  console.log(out.join('\n'));
}

function printSweep(s: SweepOutput): void {
  const out = [`${s.scenario}: seeds ${s.seeds.from}..${s.seeds.to} (${s.runs} runs), until ${fmt(s.untilMs)} ms`];
  const kinds = Object.entries(s.anomalies);
  if (kinds.length === 0) out.push('no anomaly in any run');
  const width = Math.max(...kinds.map(([k]) => k.length), 0);
  for (const [kind, runs] of kinds) out.push(`${kind.padEnd(width)}  in ${runs} of ${s.runs} runs`);
  const broken = s.results.filter((r) => r.error || r.aborted);
  for (const r of broken) out.push(`seed ${r.seed} did not complete: ${r.error ?? r.aborted}`);
  console.log(out.join('\n'));
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(2, [(e as Error).message, USAGE]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.list) {
    const width = Math.max(...BUILT_INS.map((b) => b.id.length));
    for (const b of BUILT_INS) console.log(`${b.id.padEnd(width)}  ${b.title}`);
    return;
  }
  if (positionals.length !== 1) fail(2, [positionals.length === 0 ? 'name a scenario file or a built-in id' : `one scenario at a time; found ${positionals.length}`, USAGE]);

  const loaded = loadScenarioArg(positionals[0]);
  if (!loaded.ok) fail(2, loaded.errors.map((e) => e.message));
  const scenario = loaded.scenario;
  const seed = parseIntArg('seed', values.seed, Number.MIN_SAFE_INTEGER);
  const untilMs = parseIntArg('until', values.until, 0);
  const maxEvents = parseIntArg('max-events', values['max-events'], 1);

  if (values.seeds !== undefined) {
    if (seed !== undefined) fail(2, ['--seed and --seeds do not go together']);
    const range = parseSeedRange(values.seeds);
    if (typeof range === 'string') fail(2, [range]);
    const result = await sweep({ scenario, untilMs, maxEvents }, range.from, range.to);
    if (values.json) console.log(JSON.stringify(result));
    else printSweep(result);
    return;
  }

  const out = runScenario({ scenario, seed, untilMs, maxEvents });
  if (values.json) console.log(JSON.stringify(out));
  else printRun(out);
  if (out.aborted) fail(1, [`the run stopped at ${fmt(out.aborted.atMs)} ms: ${out.aborted.reason}`]);
}

main().catch((e: unknown) => fail(1, [`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`]));
