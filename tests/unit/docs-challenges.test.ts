import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateChallenge } from '../../src/scenario/challenge/validate';
import { gradeHere } from '../../src/scenario/challenge/grade';
import { BUILT_IN_CHALLENGES } from '../../src/scenario/challenge/library';
import { applyWhatIf, whatIfsOf, type WhatIfChange } from '../../src/scenario/what-if';
import { validateScenario } from '../../src/scenario/validate';
import type { LoadedChallenge } from '../../src/scenario/challenge/types';

// docs/challenges.md is what course authors write from: its worked example must do what it says.
const doc = readFileSync('docs/challenges.md', 'utf8');
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);

function changed(loaded: LoadedChallenge, changes: WhatIfChange[]) {
  const res = validateScenario(applyWhatIf(loaded.scenario, { id: 'a', title: 'a', changes }));
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return res.scenario;
}

describe('the course authors\' guide', () => {
  const res = validateChallenge(JSON.parse(jsonBlocks[0]));

  it('opens with a challenge that validates', () => {
    expect(res.ok ? [] : res.errors).toEqual([]);
  });

  it('whose unchanged scenario and fencing alone fail, and whose answer passes in every run', () => {
    if (!res.ok) return;
    const loaded = res.loaded;
    expect(gradeHere(loaded, loaded.scenario, { stopWhenDecided: true }).passed).toBe(false);
    const fencing = whatIfsOf(loaded.scenario).find((w) => w.id === 'fencing')!;
    const alone = gradeHere(loaded, changed(loaded, fencing.changes), { stopWhenDecided: true });
    expect(alone.passed).toBe(false);
    expect(alone.seeds[0].failed).toEqual(['lost-write at most 0']);
    const answer = gradeHere(loaded, changed(loaded, JSON.parse(jsonBlocks[1])));
    expect(answer.seeds.filter((s) => !s.passed)).toEqual([]);
    expect(answer.passed).toBe(true);
  }, 600_000);

  it('lists every built-in challenge', () => {
    for (const c of BUILT_IN_CHALLENGES) expect(doc).toContain(`| \`${c.id}\` |`);
  });
});
