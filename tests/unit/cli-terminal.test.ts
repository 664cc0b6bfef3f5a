// What the CLI prints to a terminal: the user's text (titles, ids, history values, the error
// sentences that quote them) never carries control characters or escape sequences to it, and
// a run never goes past the scenario's end. (Issue 14, items 5 and 6.)

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtIn } from '../../src/scenario/library';
import { forTerminal, jsonForTerminal } from '../../src/cli/terminal';
import { runScenario } from '../../src/cli/run';
import { validateScenario } from '../../src/scenario/validate';
import { runCli } from '../cli';

// The CLI as a user runs it: the built bundle, through the launcher.
const run = (command: 'sim' | 'lincheck', ...args: string[]) => runCli(command, args);
const sim = (...args: string[]) => run('sim', ...args);

const tmp = mkdtempSync(join(tmpdir(), 'faultline-terminal-'));
function file(name: string, content: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

// Set the window title (OSC 0, ended by BEL and by ST), clear the screen (CSI 2J), move the
// cursor, an 8-bit CSI (U+009B), a bare ESC, a NUL, DEL and a line break that would forge a line.
const HOSTILE = 'Bad\x1b]0;pwned\x07 \x1b]2;again\x1b\\title\x1b[2J\x1b[1;1H\u009b31m\x1bc\x00\x7f\nanomalies: none found';
// Anything of the C0 or C1 ranges, or DEL.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('forTerminal', () => {
  it('removes escape sequences whole and every control character, keeping ordinary Unicode', () => {
    expect(forTerminal(HOSTILE)).toBe('Bad title anomalies: none found');
    expect(forTerminal('Ünïcødé ✓ 日本語 🙂 — «ok»')).toBe('Ünïcødé ✓ 日本語 🙂 — «ok»');
    expect(forTerminal('tab\there')).toBe('tab here');
  });

  it('JSON for a terminal escapes C1 and DEL too, and parses back to the same value', () => {
    const value = { title: HOSTILE, other: 'é\u0085\u009b' };
    const text = jsonForTerminal(value);
    expect(text).not.toMatch(CONTROL);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('npm run sim prints user text safely', () => {
  const doc = { ...(builtIn('first-failover')!.document as object), title: HOSTILE };

  it('a title with escape sequences reaches the terminal without them', () => {
    const r = sim(file('hostile.json', doc), '--until', '2000');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(CONTROL);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('Bad title anomalies: none found');
    // The forged line stays inside the title's line: the real report follows it.
    expect(lines[1]).toMatch(/^seed 7, until 2,000 ms/);
  });

  it('with --json the title is exact, and C1 controls are escaped', () => {
    const r = sim(file('hostile.json', doc), '--until', '2000', '--json');
    expect(r.out).not.toMatch(CONTROL);
    expect(JSON.parse(r.out).scenario).toBe(HOSTILE);
  });

  it('error sentences that quote user text are safe too', () => {
    const bad = { ...doc, nodes: [{ id: 'db1', kind: 'data\x1b[2Jbase', site: 'dc-a', role: 'primary' }] };
    const r = sim(file('bad.json', bad));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nodes\[0\]\.kind must be one of database, .*; found 'database'$/m);
    expect(r.err).not.toMatch(CONTROL);
    const missing = sim('no-such\x1b]0;x\x07-file.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("'no-such-file.json' is neither a file nor a built-in scenario");
  });

  it('the scenario list and a sweep print titles safely', () => {
    const r = sim(file('hostile.json', doc), '--seeds', '1..2', '--until', '1000');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(CONTROL);
    expect(r.out).toContain('Bad title anomalies: none found: seeds 1..2');
  });

  it('npm run lincheck prints history values safely', () => {
    const history = [
      { process: 'c1', type: 'invoke', f: 'write', key: 'k\x1b]0;t\x07', value: 1, time: 0 },
      { process: 'c1', type: 'ok', f: 'write', key: 'k\x1b]0;t\x07', value: 1, time: 1 },
    ];
    const r = run('lincheck', file('hostile\x1b[2J.json', history));
    expect(r.out + r.err).not.toMatch(CONTROL);
    expect(r.out + r.err).toContain('hostile.json');
  });
});

describe('--until', () => {
  it('beyond the scenario\'s end is refused with a sentence, as the format page says', () => {
    const r = sim('first-failover', '--until', '240000', '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/--until 240000 is after the end of the run: the scenario lasts 120,000 ms/);
  });

  it('up to the end runs exactly the whole run', () => {
    const whole = JSON.parse(sim('first-failover', '--json').out);
    const atEnd = JSON.parse(sim('first-failover', '--json', '--until', '120000').out);
    expect(atEnd).toMatchObject({ untilMs: 120000, events: whole.events, trace: whole.trace });
  });

  it('runScenario never runs past the end either', () => {
    const res = validateScenario(builtIn('first-failover')!.document);
    if (!res.ok) throw new Error('built-in invalid');
    const whole = runScenario({ scenario: res.scenario });
    const past = runScenario({ scenario: res.scenario, untilMs: 240_000 });
    expect(past).toMatchObject({ untilMs: 120_000, events: whole.events, trace: whole.trace });
  });
});
