// Linearizability checker on the reference histories (Porcupine's test data, with known
// verdicts): total time over every file that has a verdict, and the slowest file.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLinearizability, parseHistoryText } from '../src/sim/checks/linearizability';
import { fmt, msSince, type BenchSection } from './report';

/** `dataDir`: the vendored histories (tests/fixtures/linearizability), passed in by bench/run.ts. */
export async function benchLincheck(DATA_DIR: string): Promise<BenchSection> {
  const title = 'Linearizability checker (reference histories)';
  const expectedPath = join(DATA_DIR, 'expected.json');
  if (!existsSync(expectedPath)) return { title, rows: [['skipped', `no test data at ${DATA_DIR}`]] };
  const expected = (JSON.parse(readFileSync(expectedPath, 'utf8')) as { linearizable: Record<string, boolean> }).linearizable;

  let checkMs = 0;
  let parseMs = 0;
  let agreeing = 0;
  let steps = 0;
  let slowest = { file: '', ms: -1, operations: 0, steps: 0 };
  const files = Object.keys(expected).sort();
  for (const file of files) {
    const text = readFileSync(join(DATA_DIR, file), 'utf8');
    const t0 = performance.now();
    const parsed = parseHistoryText(text);
    parseMs += msSince(t0);
    const t1 = performance.now();
    const result = checkLinearizability(parsed);
    const ms = msSince(t1);
    checkMs += ms;
    steps += result.steps;
    if (result.verdict === (expected[file] ? 'linearizable' : 'not linearizable')) agreeing++;
    if (ms > slowest.ms) slowest = { file, ms, operations: result.operations, steps: result.steps };
  }
  return {
    title,
    rows: [
      ['files', fmt(files.length)],
      ['verdicts as expected', `${agreeing} / ${files.length}`],
      ['check time, total', `${fmt(checkMs, 1)} ms`],
      ['parse time, total', `${fmt(parseMs, 1)} ms`],
      ['search steps, total', fmt(steps)],
      ['slowest file', slowest.file],
      ['slowest file, time', `${fmt(slowest.ms, 1)} ms`],
      ['slowest file, operations', fmt(slowest.operations)],
      ['slowest file, steps', fmt(slowest.steps)],
    ],
  };
}
