import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/sim/kernel/component';
import { LINEARIZABILITY_DATA_DIR } from '../fixtures/linearizability';
import { runCli } from '../cli';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = LINEARIZABILITY_DATA_DIR;
const EXPECTED_PATH = join(DATA_DIR, 'expected.json');
const expected: Record<string, boolean> = existsSync(EXPECTED_PATH)
  ? (JSON.parse(readFileSync(EXPECTED_PATH, 'utf8')) as { linearizable: Record<string, boolean> }).linearizable
  : {};

/** The smallest file with a verdict in a directory of the test data, optionally with a given verdict. */
function smallest(dir: string, verdict?: boolean): string {
  const files = Object.keys(expected).filter((f) => f.startsWith(`${dir}/`) && (verdict === undefined || expected[f] === verdict));
  if (files.length === 0) throw new Error(`no reference histories in ${join(DATA_DIR, dir)}: the test data is missing`);
  return files.sort((a, b) => statSync(join(DATA_DIR, a)).size - statSync(join(DATA_DIR, b)).size)[0];
}

function lincheck(...args: string[]) {
  const r = runCli('lincheck', args, { cwd: ROOT });
  return { status: r.code, stdout: r.out, stderr: r.err };
}

const verdictOf = (linearizable: boolean) => (linearizable ? 'linearizable' : 'not linearizable');

const tmp = mkdtempSync(join(tmpdir(), 'lincheck-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTmp(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

let n = 0;
function entries(f: 'read' | 'write', value: number | null, from: number, to: number, key = 'k'): HistoryEntry[] {
  const op = `app#${++n}`;
  return [
    { op, client: 'app', type: 'invoke', f, key, value: f === 'write' ? value : null, atUs: from },
    { op, client: 'app', type: 'ok', f, key, value, atUs: to },
  ];
}

describe('npm run lincheck', () => {
  it('--json on a Jepsen etcd log: one JSON object with the expected verdict', () => {
    const file = smallest('jepsen-etcd');
    const r = lincheck(join(DATA_DIR, file), '--json');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out.verdict).toBe(verdictOf(expected[file]));
    expect(out.operations).toBeGreaterThan(0);
    expect(typeof out.ms).toBe('number');
    expect(out.format).toBe('jepsen-etcd');
    if (expected[file]) expect(out.counterexample).toBeNull();
    else expect(out.counterexample.stuck.length).toBeGreaterThan(0);
  });

  it('human output on kv EDN lines: the verdict first, then why', () => {
    const file = smallest('kv', false);
    const r = lincheck(join(DATA_DIR, file));
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('not linearizable');
    expect(r.stdout).toMatch(/none of these can come next/);
    const ok = smallest('kv', true);
    const r2 = lincheck(join(DATA_DIR, ok), '--json');
    expect(JSON.parse(r2.stdout)).toMatchObject({ verdict: 'linearizable', format: 'kv-edn', counterexample: null });
  });

  it('the project JSON export, in both forms', () => {
    const stale = [...entries('write', 1, 0, 10), ...entries('read', null, 20, 30)];
    const bad = lincheck(writeTmp('stale.json', JSON.stringify({ history: stale }, null, 2)), '--json');
    expect(bad.status).toBe(0);
    const out = JSON.parse(bad.stdout);
    expect(out).toMatchObject({ verdict: 'not linearizable', operations: 2, format: 'json' });
    expect(out.counterexample.key).toBe('k');
    expect(out.counterexample.stuck[0]).toMatchObject({ description: 'read() -> nil', callAt: 20 });

    const fine = [...entries('write', 1, 0, 10), ...entries('read', 1, 20, 30)];
    const good = lincheck(writeTmp('fine.json', JSON.stringify(fine)));
    expect(good.status).toBe(0);
    expect(good.stdout.split('\n')[0]).toBe('linearizable');
  });

  it('an exhausted budget is a verdict too: unknown, exit 0', () => {
    const file = smallest('jepsen-etcd');
    const r = lincheck(join(DATA_DIR, file), '--json', '--budget-steps', '1');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-steps', steps: 1 });
    // c50-ok needs about a million steps: far more than a millisecond.
    const slow = lincheck(join(DATA_DIR, 'kv/c50-ok.txt'), '--json', '--timeout-ms', '1');
    expect(slow.status).toBe(0);
    expect(JSON.parse(slow.stdout)).toMatchObject({ verdict: 'unknown', unknownReason: 'budget-time' });
  });

  it('an unparseable file exits 2 naming the file and the line', () => {
    const good = '{:process 0, :type :invoke, :f :get, :key "1", :value nil}';
    const path = writeTmp('broken.txt', `${good}\n{:process 0, :type :ok, :f :get, :key "1", :value ""}\n{:process 0, :type :invoke, :f :get :key}\n`);
    const r = lincheck(path, '--json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path}:3:`);

    const json = writeTmp('broken.json', '[\n' + JSON.stringify(entries('write', 1, 0, 10)[0]) + ',\n{"op": "x#1", "type": "ok"}\n]');
    const r2 = lincheck(json);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain(`${json}:3:`);
  });

  it('a missing file or bad arguments exit 2', () => {
    const missing = join(tmp, 'nope.log');
    const r = lincheck(missing);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(missing);
    const noFile = lincheck('--json');
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toMatch(/usage:/);
    expect(lincheck(missing, '--budget-steps', 'many').status).toBe(2);
  });
});
