// npm run lincheck -- <file> [--json] [--budget-steps N] [--timeout-ms N]
//
// Checks a client history for linearizability. The format is detected: a Jepsen etcd log,
// kv EDN lines, or the project's JSON (an array of history entries or `{ "history": [...] }`).
//
// Output: the verdict on the first line (`linearizable`, `not linearizable`, `unknown`),
// then a short explanation; with --json, exactly one JSON object on stdout:
//   { "verdict", "operations", "ms", "counterexample" (null unless not linearizable),
//     "format", "checkedOperations", "dropped", "steps", "partitions", "unknownReason"? }
//
// Exit codes: 0 the check ran (whatever the verdict), 2 the file cannot be read or parsed
// (or the arguments are wrong), 1 an internal error.

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { forTerminal, jsonForTerminal, linesForTerminal } from './terminal';
import { checkLinearizability, describeResult, parseHistoryText, ParseError, type CheckOptions } from '../sim/checks/linearizability';

const USAGE = 'usage: npm run lincheck -- <file> [--json] [--budget-steps N] [--timeout-ms N]';
/** Bigger than any history we expect; refusing early beats running out of memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const FORMAT_NAMES = { 'jepsen-etcd': 'Jepsen etcd log', 'kv-edn': 'key-value EDN lines', json: 'project JSON history' } as const;

class UsageError extends Error {}

interface Args {
  file: string;
  json: boolean;
  budgetSteps?: number;
  timeoutMs?: number;
}

function positiveInt(flag: string, text: string | undefined): number {
  const v = Number(text);
  if (text === undefined || !Number.isSafeInteger(v) || v <= 0) throw new UsageError(`${flag} needs a positive integer`);
  return v;
}

function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  const args: Partial<Args> = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--budget-steps') args.budgetSteps = positiveInt(a, argv[++i]);
    else if (a === '--timeout-ms') args.timeoutMs = positiveInt(a, argv[++i]);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`one file at a time (got ${file} and ${a})`);
  }
  if (file === undefined) throw new UsageError('no file given');
  return { ...args, file } as Args;
}

function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${forTerminal(`lincheck: ${err.message}`)}\n${USAGE}`);
    return 2;
  }

  let text: string;
  try {
    const size = statSync(args.file).size;
    if (size > MAX_FILE_BYTES) {
      console.error(forTerminal(`lincheck: ${args.file}: ${size} bytes, more than the limit of ${MAX_FILE_BYTES}`));
      return 2;
    }
    text = readFileSync(args.file, 'utf8');
  } catch (err) {
    console.error(forTerminal(`lincheck: cannot read ${args.file}: ${err instanceof Error ? err.message : String(err)}`));
    return 2;
  }

  let parsed;
  try {
    parsed = parseHistoryText(text);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    console.error(forTerminal(`lincheck: ${args.file}:${err.line}: ${err.detail}`));
    return 2;
  }

  const options: CheckOptions = { now: () => performance.now() };
  if (args.budgetSteps !== undefined) options.budgetSteps = args.budgetSteps;
  if (args.timeoutMs !== undefined) options.budgetMs = args.timeoutMs;
  const t0 = performance.now();
  const result = checkLinearizability(parsed, options);
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  if (result.unknownReason === 'invalid-history') {
    console.error(forTerminal(`lincheck: ${args.file}: ${result.message}`));
    return 2;
  }

  if (args.json) {
    const out = {
      verdict: result.verdict,
      operations: result.operations,
      ms,
      counterexample: result.counterexample ?? null,
      format: parsed.format,
      checkedOperations: result.checkedOperations,
      dropped: result.dropped,
      steps: result.steps,
      partitions: result.partitionCount,
      ...(result.unknownReason ? { unknownReason: result.unknownReason } : {}),
    };
    console.log(jsonForTerminal(out));
    return 0;
  }
  const keys = result.partitionCount === 1 ? '1 key' : `${result.partitionCount} keys`;
  console.log(result.verdict);
  console.log(forTerminal(`${basename(args.file)}: ${FORMAT_NAMES[parsed.format]}, ${result.operations} operations (${keys}), ${result.steps} search steps, ${ms} ms`));
  for (const line of describeResult(result)) console.log(forTerminal(line));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(linesForTerminal(`lincheck: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`).join('\n'));
  process.exitCode = 1;
}
