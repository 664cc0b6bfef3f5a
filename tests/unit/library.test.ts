import { describe, expect, it } from 'vitest';
import { BUILT_INS } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { runScenario } from '../../src/cli/run';

describe('the built-in library', () => {
  it.each(BUILT_INS.map((b) => [b.id, b] as const))('%s is a valid v1 document that runs to its end', (_id, b) => {
    const res = validateScenario(b.document);
    expect(res.ok ? [] : res.errors).toEqual([]);
    if (!res.ok) return;
    const out = runScenario({ scenario: res.scenario });
    expect(out.aborted).toBeUndefined();
    expect(out.metrics.writes.attempted + out.metrics.reads.attempted).toBeGreaterThan(0);
  });

  it('has unique ids, titles and teasers', () => {
    expect(new Set(BUILT_INS.map((b) => b.id)).size).toBe(BUILT_INS.length);
    for (const b of BUILT_INS) {
      expect(b.title.length).toBeGreaterThan(5);
      expect(b.teaser.length).toBeGreaterThan(10);
    }
  });
});
