import { describe, expect, it } from 'vitest';
import { BUILT_INS, builtIn } from '../../src/scenario/library';
import { applyWhatIf, whatIfsOf } from '../../src/scenario/what-if';
import { NARRATION_ACTIONS, validateScenario } from '../../src/scenario/validate';
import { SimHost } from '../../src/sim/host';
import { checkLinearizability } from '../../src/sim/checks/linearizability';

// The lessons' "check linearizability" steps: each one asks a question whose answer the
// checker bears out at that moment of the run (the check the caption's button runs), and the
// what-ifs the captions name change the verdict the way they say.

function verdictAt(doc: unknown, atMs: number): string {
  const h = new SimHost((x) => validateScenario(x) as never);
  const loaded = h.load(doc);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  h.advanceTo(atMs * 1000);
  return checkLinearizability(h.history(), { budgetSteps: 20_000_000 }).verdict;
}

interface Entry {
  atMs: number;
  action?: string;
  choices?: string[];
  answer?: number;
}

const steps = BUILT_INS.flatMap((b) =>
  ((b.document as { narration?: Entry[] }).narration ?? []).filter((n) => n.action === 'check-linearizability').map((n) => [b.id, n] as const),
);

describe('the lessons\' linearizability steps', () => {
  it('are in the three failover lessons, each a question with an answer', () => {
    expect(steps.map(([id]) => id).sort()).toEqual(['async-failover', 'stale-read', 'sync-standby']);
    for (const [, n] of steps) expect(n.choices?.[n.answer!]).toMatch(/^(Yes|No),/);
  });

  it.each(steps)('%s: the answer is what the check finds at that moment', (id, n) => {
    const expected = n.choices![n.answer!].startsWith('Yes') ? 'linearizable' : 'not linearizable';
    expect(verdictAt(builtIn(id)!.document, n.atMs)).toBe(expected);
  });

  it.each([
    ['async-failover', 'read-replica', 'not linearizable'],
    ['stale-read', 'read-primary', 'linearizable'],
  ])('%s with the what-if %s, at the step: %s', (id, whatIf, verdict) => {
    const doc = builtIn(id)!.document as { narration: Entry[] };
    const w = whatIfsOf(doc).find((x) => x.id === whatIf)!;
    expect(w).toBeDefined();
    const step = doc.narration.find((n) => n.action === 'check-linearizability')!;
    expect(verdictAt(applyWhatIf(doc, w), step.atMs)).toBe(verdict);
  });

  it('reads from async-failover\'s replica break linearizability before any crash', () => {
    const doc = builtIn('async-failover')!.document as object;
    expect(verdictAt(applyWhatIf(doc, whatIfsOf(doc).find((x) => x.id === 'read-replica')!), 25_000)).toBe('not linearizable');
  });
});

describe('a narration entry\'s action in the validator', () => {
  const base = structuredClone(builtIn('stale-read')!.document) as { narration: Record<string, unknown>[] };

  it('accepts the known actions', () => {
    for (const action of NARRATION_ACTIONS) {
      const doc = structuredClone(base);
      doc.narration[0].action = action;
      expect(validateScenario(doc).ok).toBe(true);
    }
  });

  it('refuses anything else, saying where and what is allowed', () => {
    const doc = structuredClone(base);
    doc.narration[1].action = 'crash-db1';
    doc.narration[2].action = 3;
    const r = validateScenario(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.message)).toEqual([
        "narration[1].action must be one of check-linearizability; found 'crash-db1'",
        'narration[2].action must be one of check-linearizability; found 3',
      ]);
    }
  });
});
