import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { gradeHere, runSeed } from '../../src/scenario/challenge/grade';
import type { Disallowed, GradeOutput, LoadedChallenge } from '../../src/scenario/challenge/types';
import type { Scenario } from '../../src/scenario/types';
import { answer, smallLoaded, SMALL_PASS } from './helpers/challenges';

// The page's check, over real comlink channels to the grader's runSeed (Node has no Worker:
// a MessageChannel stands in for each one). What is checked: the verdict is the CLI's, the
// seeds are spread over the workers, progress counts up, and a cancelled check is dropped.

// The class is compiled by Svelte (runes) and types against the DOM: loaded as the page loads it.
interface Check {
  state: string;
  done: number;
  output: GradeOutput | null;
  disallowed: Disallowed[];
  start(loaded: LoadedChallenge, answer: Scenario): Promise<GradeOutput | null>;
  cancel(): void;
}
const CHECK_MODULE = '../../src/app/challenge/check.svelte';
async function newCheck(spawn: () => unknown): Promise<Check> {
  const mod = (await import(/* @vite-ignore */ CHECK_MODULE)) as { ChallengeCheck: new (spawn: () => unknown) => Check };
  return new mod.ChallengeCheck(spawn);
}

function fakeWorkers() {
  const started: { terminated: boolean }[] = [];
  const spawn = () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose({ run: runSeed }, port2);
    const w = { terminated: false };
    started.push(w);
    return Object.assign(port1, { terminate: () => { w.terminated = true; port1.close(); port2.close(); } });
  };
  return { spawn, started };
}

describe('checking a challenge in the app', () => {
  const loaded = smallLoaded();

  it('runs every seed on several workers and reaches the grader\'s verdict', async () => {
    const { spawn, started } = fakeWorkers();
    const check = await newCheck(spawn);
    const doc = answer(loaded, SMALL_PASS);
    const out = await check.start(loaded, doc);
    expect(check.state).toBe('done');
    expect(started.length).toBeGreaterThan(1);
    expect(started.every((w) => w.terminated)).toBe(true);
    expect(check.done).toBe(4);
    expect(out).toEqual(gradeHere(loaded, doc));
  });

  it('refuses a disallowed answer without starting a worker', async () => {
    const { spawn, started } = fakeWorkers();
    const check = await newCheck(spawn);
    expect(await check.start(loaded, answer(loaded, [{ node: 'db1', set: { cores: 2 } }]))).toBeNull();
    expect(check.state).toBe('refused');
    expect(check.disallowed.map((d) => d.path)).toEqual(['nodes[db1].cores']);
    expect(started).toEqual([]);
  });

  it('drops a cancelled check and stops its workers', async () => {
    const { spawn, started } = fakeWorkers();
    const check = await newCheck(spawn);
    const running = check.start(loaded, answer(loaded, SMALL_PASS));
    check.cancel();
    expect(await running).toBeNull();
    expect(check.state).toBe('cancelled');
    expect(check.output).toBeNull();
    expect(started.every((w) => w.terminated)).toBe(true);
  });
});
