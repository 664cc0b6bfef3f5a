import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { SimHost } from '../../src/sim/host';
import { validateScenario } from '../../src/scenario/validate';
import { runSeed } from '../../src/scenario/challenge/grade';
import { BUILT_IN_CHALLENGES } from '../../src/scenario/challenge/library';
import type { GradeOutput, LoadedChallenge } from '../../src/scenario/challenge/types';
import type { ScenarioDoc } from '../../src/app/scenario-doc';
import type { NodeSpec } from '../../src/sim/spec';
import { applyWhatIf, type WhatIfChange } from '../../src/scenario/what-if';
import { builtInLoaded } from './helpers/challenges';

// What a challenge lets a learner change in the app, asked before every change: the guard the
// document consults, the inspector's read-only fields with their reasons, the palette's refused
// kinds, and the check over fewer seeds than the goal's.

// The class is compiled by Svelte (runes): loaded as the page loads it.
interface Attempt {
  replaying: number | null;
  seedCount: number;
  guard(next: ScenarioDoc): string | null;
  fieldLock(node: NodeSpec, key: string): string | null;
  faultLock(kind: string, doc: ScenarioDoc | null): string | null;
  nodeNote(node: NodeSpec): string | null;
  readonly editorLock: string | null;
  readonly allowedWords: string[];
  runCheck(): Promise<GradeOutput | null>;
}
const MODULE = '../../src/app/challenge/attempt.svelte';
const CHECK_MODULE = '../../src/app/challenge/check.svelte';
async function attempt(loaded: LoadedChallenge, doc: ScenarioDoc, spawn?: () => unknown): Promise<Attempt> {
  const mod = (await import(/* @vite-ignore */ MODULE)) as { ChallengeAttempt: new (...a: unknown[]) => Attempt };
  const checkMod = (await import(/* @vite-ignore */ CHECK_MODULE)) as { ChallengeCheck: new (spawn?: () => unknown) => unknown };
  return new mod.ChallengeAttempt(loaded, doc, false, spawn ? new checkMod.ChallengeCheck(spawn) : undefined);
}

/** The challenge's scenario as the page holds it: loaded through the simulation host (faults get ids). */
function pageDoc(loaded: LoadedChallenge): ScenarioDoc {
  const res = new SimHost((x) => validateScenario(x) as never).load(loaded.scenario);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('; '));
  return res.scenario as ScenarioDoc;
}

function changed(doc: ScenarioDoc, changes: WhatIfChange[]): ScenarioDoc {
  return applyWhatIf(doc, { id: 'x', title: 'x', changes }) as ScenarioDoc;
}

const node = (doc: ScenarioDoc, id: string) => doc.nodes.find((n) => n.id === id)!;

describe("a challenge's attempt in the app", () => {
  it('takes the scenario the page loads, of every built-in, as unchanged', async () => {
    for (const c of BUILT_IN_CHALLENGES) {
      const loaded = builtInLoaded(c.id);
      const doc = pageDoc(loaded);
      const a = await attempt(loaded, doc);
      expect(a.guard(doc), c.id).toBeNull();
      // Where a node is drawn is always free.
      expect(a.guard({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) }), c.id).toBeNull();
    }
  });

  it('lets an allowed setting change, and refuses the others with the sentence why', async () => {
    const loaded = builtInLoaded('quiet-but-quick');
    const doc = pageDoc(loaded);
    const a = await attempt(loaded, doc);
    expect(a.guard(changed(doc, [{ node: 'orch', set: { timeoutMs: 2500 } }]))).toBeNull();
    expect(a.guard(changed(doc, [{ node: 'orch', set: { promotion: 'manual' } }]))).toMatch(/^Not allowed: nodes\[orch\]\.promotion \(Promotion\) may not be changed in this challenge/);
    expect(a.guard({ ...doc, faults: [] })).toMatch(/^Not allowed: faults\[real-crash\] \(a crash of db1 at 170 s\) was removed or changed/);
    expect(a.guard({ ...doc, seed: 4 })).toMatch(/^Not allowed: seed may not be changed/);

    // The inspector's locks and notes.
    expect(a.fieldLock(node(doc, 'orch'), 'timeoutMs')).toBeNull();
    expect(a.fieldLock(node(doc, 'orch'), 'promotion')).toMatch(/^Read-only: promotion may not be changed in this challenge \(it allows orch's detector, timeoutMs, phiThreshold and heartbeatMs\)/);
    expect(a.fieldLock(node(doc, 'db1'), 'shipIntervalMs')).toMatch(/nothing on db1 may change/);
    expect(a.nodeNote(node(doc, 'orch'))).toContain("you may change orch's Failure detector, Timeout, Phi threshold, Heartbeat every");
    expect(a.nodeNote(node(doc, 'db1'))).toBe('Nothing on db1 may change in this challenge: its fields are read-only.');
    // The palette and the editor.
    expect(a.faultLock('crash', doc)).toBe('Crash: this challenge does not let you add failures or actions.');
    expect(a.editorLock).toMatch(/the system itself is fixed/);
  });

  it('counts what may be added and how many settings may change', async () => {
    const brain = builtInLoaded('split-brain-one-fault');
    const doc = pageDoc(brain);
    const a = await attempt(brain, doc);
    expect(a.faultLock('partition', doc)).toBeNull();
    expect(a.faultLock('promote', doc)).toMatch(/lets you add only crash, restart, pause, partition, degrade-link/);
    const one = changed(doc, [{ addFault: { id: 'gc', atMs: 20000, untilMs: 30000, kind: 'pause', target: 'db1' } }]);
    expect(a.guard(one)).toBeNull();
    expect(a.faultLock('crash', one)).toMatch(/you have added the one this challenge allows/);
    const two = changed(one, [{ addFault: { id: 'boom', atMs: 40000, kind: 'crash', target: 'db2' } }]);
    expect(a.guard(two)).toMatch(/this challenge allows adding at most 1/);

    const stale = builtInLoaded('make-stale-reads');
    const sdoc = pageDoc(stale);
    const s = await attempt(stale, sdoc);
    const both = changed(sdoc, [{ node: 'app', set: { readTarget: 'db2' } }, { node: 'db2', set: { applyMs: 4 } }]);
    expect(s.guard(both)).toBeNull();
    expect(s.guard(changed(both, [{ node: 'db1', set: { shipIntervalMs: 10 } }]))).toMatch(/this challenge allows changing at most 2/);
    // A field the player does not show (where the app reads) is offered because it is allowed.
    expect(s.allowedWords).toContain('app: Reads go to');
  });

  it('does not hold a change it was opened with against the next change, so an answer link can be put right', async () => {
    const loaded = builtInLoaded('quiet-but-quick');
    const bad = changed(pageDoc(loaded), [{ node: 'orch', set: { promotion: 'manual' } }]);
    const a = await attempt(loaded, bad);
    expect(a.guard(changed(bad, [{ node: 'orch', set: { timeoutMs: 2500 } }]))).toBeNull();
    expect(a.guard(changed(bad, [{ node: 'orch', set: { promotion: 'auto' } }]))).toBeNull();
    expect(a.guard(changed(bad, [{ node: 'orch', set: { fencing: true } }]))).toMatch(/nodes\[orch\]\.fencing/);
  });

  it('changes nothing while a seed is replayed', async () => {
    const loaded = builtInLoaded('quiet-but-quick');
    const doc = pageDoc(loaded);
    const a = await attempt(loaded, doc);
    a.replaying = 4;
    const words = 'This is a replay of seed 4 of your checked answer: go back to your answer to change it.';
    expect(a.guard(changed(doc, [{ node: 'orch', set: { timeoutMs: 2500 } }]))).toBe(words);
    expect(a.fieldLock(node(doc, 'orch'), 'timeoutMs')).toBe(words);
    expect(a.editorLock).toBe(words);
  });

  it('checks over fewer seeds than the goal when asked', async () => {
    const loaded = builtInLoaded('quiet-but-quick');
    const doc = changed(pageDoc(loaded), [{ node: 'orch', set: { timeoutMs: 2500 } }]);
    const spawn = () => {
      const { port1, port2 } = new MessageChannel();
      Comlink.expose({ run: runSeed }, port2);
      return Object.assign(port1, { terminate: () => { port1.close(); port2.close(); } });
    };
    const a = await attempt(loaded, doc, spawn);
    a.seedCount = 2;
    const out = await a.runCheck();
    expect(out?.runs).toBe(2);
    expect(out?.seeds.map((s) => s.seed)).toEqual([1, 2]);
    expect(out?.passed).toBe(true);
  }, 120_000);
});
