import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_INS } from '../../src/scenario/library';
import { runCli } from '../cli';

// The CLI as other tools use it: a process (the built bundle), its stdout, its stderr, its exit code.
function sim(...args: string[]) {
  return runCli('sim', args);
}

const tmp = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
function file(name: string, content: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('npm run sim', () => {
  it('--list prints every built-in id with its title, one per line', () => {
    const r = sim('--list');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBe(BUILT_INS.length);
    for (const b of BUILT_INS) expect(lines.some((l) => l.startsWith(b.id) && l.endsWith(b.title))).toBe(true);
  });

  it('--json prints exactly one object in the v1 shape, and the same trace for the same seed', () => {
    const r = sim('first-failover', '--json', '--seed', '3', '--until', '41000');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o)).toEqual(['format', 'scenario', 'seed', 'untilMs', 'trace', 'events', 'anomalies', 'metrics']);
    expect(o).toMatchObject({ format: 'faultline/1', seed: 3, untilMs: 41000 });
    expect(o.trace).toMatch(/^[0-9a-f]{16}$/);
    expect(o.metrics.writes.attempted).toBeGreaterThan(0);
    expect(o.metrics.failovers).toBe(1);
    expect(JSON.parse(sim('first-failover', '--json', '--seed', '3', '--until', '41000').out).trace).toBe(o.trace);
    expect(JSON.parse(sim('first-failover', '--json', '--seed', '4', '--until', '41000').out).trace).not.toBe(o.trace);
  });

  it('runs a scenario file and exits 2 with field paths for an invalid one', () => {
    const good = file('good.json', BUILT_INS[0].document);
    expect(sim(good, '--until', '1000').code).toBe(0);
    const bad = file('bad.json', { ...(BUILT_INS[0].document as object), seed: 'seven', durationMs: -1 });
    const r = sim(bad);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines.some((l) => l.startsWith('seed '))).toBe(true);
    expect(lines.some((l) => l.startsWith('durationMs '))).toBe(true);
    expect(sim(file('notjson.json', '{ nope')).code).toBe(2);
    expect(sim(join(tmp, 'missing.json')).err).toMatch(/neither a file nor a built-in scenario/);
  });

  it('exits 1 with the reason when a run passes its event budget, still printing the JSON', () => {
    const r = sim('first-failover', '--json', '--max-events', '1000');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).aborted.reason).toMatch(/budget of 1,000 events/);
    expect(r.err).toMatch(/^the run stopped: the run passed its budget of 1,000 events at t = [\d.]+ s$/m);
  });

  it('--seeds sweeps on worker threads with the same traces as single runs', () => {
    const r = sim('first-failover', '--seeds', '1..6', '--until', '30000', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.runs).toBe(6);
    expect(o.results.map((x: { seed: number }) => x.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    const single = JSON.parse(sim('first-failover', '--seed', '5', '--until', '30000', '--json').out);
    expect(o.results[4].trace).toBe(single.trace);
    expect(sim('first-failover', '--seeds', '9..1').code).toBe(2);
  });

  it('--link prints a share link; running the link is the same run as running the scenario', () => {
    const r = sim('split-brain', '--link');
    expect(r.code).toBe(0);
    const link = r.out.trim();
    expect(link).toMatch(/^fl1\.[A-Za-z0-9_-]+$/);
    expect(link.length).toBeLessThan(140);
    const direct = JSON.parse(sim('split-brain', '--json', '--until', '40000').out);
    const viaLink = sim(link, '--json', '--until', '40000');
    expect(viaLink.code).toBe(0);
    expect(JSON.parse(viaLink.out).trace).toBe(direct.trace);
    // A whole address, as copied from the browser, works too.
    const viaUrl = sim(`https://example.org/faultline/#${link}`, '--json', '--until', '40000');
    expect(JSON.parse(viaUrl.out).trace).toBe(direct.trace);
  });

  it('--link of a file with --seed carries the file and the seed; the link runs like the file', () => {
    const doc = { ...(BUILT_INS[0].document as object), title: 'My own copy', faults: [{ atMs: 20000, kind: 'crash', target: 'db2' }] };
    const f = file('own.json', doc);
    const link = sim(f, '--link', '--seed', '5').out.trim();
    expect(link).toMatch(/^fl1\./);
    const fromFile = JSON.parse(sim(f, '--json', '--seed', '5', '--until', '30000').out);
    const fromLink = JSON.parse(sim(link, '--json', '--until', '30000').out);
    expect(fromLink).toMatchObject({ scenario: 'My own copy', seed: 5, trace: fromFile.trace });
  });

  it('--what-if runs a scenario with its fix applied', () => {
    const before = JSON.parse(sim('split-brain', '--json').out);
    const after = JSON.parse(sim('split-brain', '--json', '--what-if', 'fencing').out);
    expect(before.anomalies.map((a: { kind: string }) => a.kind)).toContain('split-brain');
    expect(after.anomalies.map((a: { kind: string }) => a.kind)).not.toContain('split-brain');
    const bad = sim('split-brain', '--what-if', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/has no what-if 'nope'; it has fencing/);
  });

  it('a bad link exits 2 with a sentence saying what is wrong', () => {
    const link = sim('split-brain', '--link').out.trim();
    const cut = sim(link.slice(0, link.length - 6), '--json');
    expect(cut.code).toBe(2);
    expect(cut.out).toBe('');
    expect(cut.err).toMatch(/^the share link is (damaged or incomplete|cut short)/);
    const future = sim('fl7.AAAA');
    expect(future.code).toBe(2);
    expect(future.err).toMatch(/made by a newer version of Faultline \(link format 7\)/);
  });

  it('rejects bad arguments with exit 2', () => {
    expect(sim('first-failover', '--seed', 'x').code).toBe(2);
    expect(sim('first-failover', '--bogus').code).toBe(2);
    expect(sim().code).toBe(2);
  });
});
