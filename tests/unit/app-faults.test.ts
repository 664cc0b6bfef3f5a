import { describe, expect, it } from 'vitest';
import { FAULT_UI, accepts, describeFault } from '../../src/app/faults';
import { FAULT_KIND_NAMES } from '../../src/sim/world';
import { BUILT_INS } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import type { ScenarioDoc } from '../../src/app/scenario-doc';
import type { FaultSpec } from '../../src/sim/spec';

// The palette offers every fault kind the model supports, and whatever it builds from a drop
// is a fault the validator accepts, for every target it offers, in every built-in scenario.

describe('the palette', () => {
  it('covers every fault kind of the model', () => {
    expect(FAULT_UI.map((f) => f.kind).sort()).toEqual([...FAULT_KIND_NAMES].sort());
  });

  for (const b of BUILT_INS) {
    it(`builds only valid faults for every target it offers (${b.id})`, () => {
      const res = validateScenario(b.document);
      expect(res.ok).toBe(true);
      if (!res.ok) return;
      const doc = res.scenario as ScenarioDoc;
      const atMs = Math.round(doc.durationMs / 3);
      let built = 0;
      for (const ui of FAULT_UI) {
        for (const t of ui.targets(doc)) {
          expect(accepts(ui, doc, t)).toBe(true);
          const options = ui.options ? ui.options(doc, t).map((o) => o.value) : [undefined];
          for (const option of options) {
            const draft = ui.build(doc, t, atMs, option);
            if (!draft) continue;
            const check = validateScenario({ ...b.document as object, faults: [draft] });
            expect(check.ok, `${ui.kind} on ${JSON.stringify(t)}: ${JSON.stringify(!check.ok && check.errors)}`).toBe(true);
            expect(describeFault(draft as FaultSpec)).toMatch(/\S/);
            built++;
          }
        }
      }
      expect(built).toBeGreaterThan(FAULT_UI.length);
    });
  }

  it('refuses a drop on the wrong kind of thing', () => {
    const doc = (validateScenario(BUILT_INS[0].document) as { ok: true; scenario: ScenarioDoc }).scenario;
    const promote = FAULT_UI.find((f) => f.kind === 'promote')!;
    expect(accepts(promote, doc, { kind: 'node', id: 'app', nodeKind: 'client' })).toBe(false);
    expect(promote.build(doc, { kind: 'node', id: 'app', nodeKind: 'client' }, 1000)).toBeNull();
    const slow = FAULT_UI.find((f) => f.kind === 'degrade-link')!;
    expect(slow.build(doc, { kind: 'node', id: 'db1', nodeKind: 'database' }, 1000)).toBeNull();
    expect(slow.build(doc, { kind: 'link', between: ['dc-a', 'dc-b'] }, 1000)).toMatchObject({ kind: 'degrade-link', between: ['dc-a', 'dc-b'], atMs: 1000 });
  });
});
