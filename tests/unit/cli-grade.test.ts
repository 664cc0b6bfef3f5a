import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_CHALLENGES } from '../../src/scenario/challenge/library';
import { answerBases } from '../../src/scenario/challenge/grade';
import { encodeShareLink } from '../../src/scenario/share-link';
import { readClass } from '../../src/cli/class-file';
import { answer, smallLoaded, SMALL_CHALLENGE, SMALL_PASS } from './helpers/challenges';

import { runCli } from '../cli';

// The grader as a teacher runs it: a process, its stdout, its stderr, its exit code.
function grade(...args: string[]) {
  return runCli('grade', ['--workers', '2', ...args], { timeout: 300_000 });
}

const tmp = mkdtempSync(join(tmpdir(), 'faultline-grade-'));
function file(name: string, content: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const loaded = smallLoaded();
const challenge = file('small.json', SMALL_CHALLENGE);
const link = (changes: Parameters<typeof answer>[1]) => encodeShareLink(answer(loaded, changes), {}, answerBases(loaded));
/** Progress lines are for people; the tests read the rest. */
const problems = (err: string) => err.split('\n').filter((l) => l && !l.startsWith('grading:'));

describe('npm run grade', () => {
  it('--list prints every built-in challenge with its kind and title', () => {
    const r = grade('--list');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(BUILT_IN_CHALLENGES.length);
    for (const c of BUILT_IN_CHALLENGES) expect(lines.some((l) => l.startsWith(c.id) && l.includes(c.kind) && l.endsWith(c.title))).toBe(true);
  });

  it('exits 0 for an answer that meets the goal and prints the faultline-grade/1 object', async () => {
    const r = grade(challenge, await link(SMALL_PASS), '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o).slice(0, 8)).toEqual(['format', 'challenge', 'passed', 'runs', 'passedRuns', 'disallowed', 'requirements', 'seeds']);
    expect(o).toMatchObject({ format: 'faultline-grade/1', challenge: 'small-stale', passed: true, runs: 4, passedRuns: 4, disallowed: [] });
    expect(o.seeds.map((s: { seed: number }) => s.seed)).toEqual([1, 2, 3, 4]);
  });

  it('exits 1 for an answer that does not, saying which requirement failed in which seed', async () => {
    const doc = file('answer.json', answer(loaded, [{ node: 'app', set: { readTarget: 'db2' } }]));
    const r = grade(challenge, doc);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Stale reads, small \(small-stale\)\nFAILED: 0 of 4 runs met the goal \(4 needed\)/);
    expect(r.out).toMatch(/seed 1 failed: stale-read at least 5 \(was 0\)/);
  });

  it('exits 2 for a disallowed change, each on stderr with its path, and runs nothing', async () => {
    const r = grade(challenge, await link([...SMALL_PASS, { node: 'db1', set: { cores: 4 } }, { removeFault: 'blip' }]), '--json');
    expect(r.code).toBe(2);
    expect(problems(r.err)).toEqual([
      'nodes[db1].cores (Cores) may not be set in this challenge (nothing on db1 may change)',
      "faults[blip] (a pause of db2 at 8 s) was removed or changed; this challenge does not allow removing or changing the scenario's faults",
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ passed: false, runs: 0, disallowed: problems(r.err) });
  });

  it('exits 2 with a sentence, never a stack trace, for a bad link, a bad answer or a bad challenge', async () => {
    const good = await link(SMALL_PASS);
    const altered = grade(challenge, good.slice(0, -6) + 'AAAAAA');
    expect(altered.code).toBe(2);
    expect(problems(altered.err)).toEqual([expect.stringMatching(/^answer: the share link is damaged or incomplete/)]);
    const notJson = grade(challenge, file('bad.json', '{ "format": "faultline/1", '));
    expect(notJson.code).toBe(2);
    expect(problems(notJson.err)[0]).toMatch(/^answer: the scenario is not valid JSON: at line 1/);
    const badChallenge = grade(file('c.json', { ...SMALL_CHALLENGE, goal: { seeds: '1..2000', require: [] } }), good);
    expect(badChallenge.code).toBe(2);
    expect(problems(badChallenge.err)).toEqual(['goal.seeds is 2,000 runs; a goal may ask for at most 1,000', 'goal.require must not be empty; it must be a list of 1 to 50 requirements']);
    expect(grade('no-such-challenge', good).err).toMatch(/^'no-such-challenge' is neither a challenge file nor a built-in challenge/);
    for (const r of [altered, notJson, badChallenge]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('strips control characters from user text it prints', () => {
    const evil = file('evil.csv', `name,answer\n"\u001b]0;pwned\u0007mallory\u001b[2J","not a link"\n`);
    const r = grade(challenge, '--answers', evil);
    expect(r.code).toBe(1);
    expect(r.out + r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.out).toMatch(/mallory/);
  });
});

describe('grading a class', () => {
  it('grades every learner of a CSV, in order, and two shards together give the same results', async () => {
    const pass = await link(SMALL_PASS);
    const fail = await link([{ node: 'db2', set: { applyMs: 4 } }]);
    const disallowed = await link([{ node: 'db1', set: { cores: 2 } }]);
    // A whole scenario document as JSON, quoted as RFC 4180 says (doubled quotes, a line break inside).
    const asJson = JSON.stringify(answer(loaded, SMALL_PASS), null, 1).replace(/"/g, '""');
    const csv = file('class.csv', `name,answer\nAda,${pass}\n"Lovelace, Ada",${fail}\nBob,"${asJson}"\nCy,${disallowed}\nDee,"not a link"\nEve,${pass}\n`);
    const all = grade(challenge, '--answers', csv, '--json');
    expect(all.code).toBe(1);
    const lines = all.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((o) => [o.name, o.passed])).toEqual([['Ada', true], ['Lovelace, Ada', false], ['Bob', true], ['Cy', false], ['Dee', false], ['Eve', true]]);
    expect(lines[3].disallowed).toEqual(['nodes[db1].cores (Cores) may not be set in this challenge (nothing on db1 may change)']);
    expect(lines[4].errors[0]).toMatch(/^answer: the scenario is not valid JSON/);
    expect(problems(all.err)).toEqual([
      expect.stringMatching(/class\.csv:\d+ \(Cy\): nodes\[db1\]\.cores \(Cores\) may not be set/),
      expect.stringMatching(/class\.csv:\d+ \(Dee\): answer: the scenario is not valid JSON/),
    ]);

    const shards = ['0/2', '1/2'].map((s) => grade(challenge, '--answers', csv, '--shard', s, '--json'));
    const together = shards.flatMap((r) => r.out.trim().split('\n'));
    expect(together.sort()).toEqual(all.out.trim().split('\n').sort());
    expect(shards.every((r) => r.out.trim().split('\n').length < lines.length)).toBe(true);
  });

  it('says which line of a class file is bad', () => {
    expect(problems(grade(challenge, '--answers', file('a.csv', 'name,answer\nAda,fl1.x\nBob,"fl1.y\n')).err)).toEqual([expect.stringMatching(/a\.csv:3: a quoted field is never closed/)]);
    expect(problems(grade(challenge, '--answers', file('b.csv', 'name,answer\nAda,fl1.x\nBob,fl1.y,extra\n')).err)).toEqual([expect.stringMatching(/b\.csv:3: expected 2 fields \(name,answer\); found 3/)]);
    expect(problems(grade(challenge, '--answers', file('c.csv', 'learner,link\nAda,fl1.x\n')).err)).toEqual([expect.stringMatching(/c\.csv:1: the header must be "name,answer"/)]);
    expect(grade(challenge, '--answers', file('d.csv', 'name,answer\n'), '--shard', '2/2').err).toMatch(/--shard takes I\/N with 0 <= I < N/);
  });

  it('numbers each learner by the line its record starts on, as --shard counts them', () => {
    for (const nl of ['\n', '\r\n']) {
      const r = readClass(['name,answer', '', 'Ada,"{', '}"', 'Bob,fl1.x', '', '', 'Cy,fl1.y', 'Dée,fl1.z', ''].join(nl), 'x.csv');
      expect(r.ok && r.learners.map((l) => [l.name, l.line])).toEqual([['Ada', 3], ['Bob', 5], ['Cy', 8], ['Dée', 9]]);
    }
  });
});
