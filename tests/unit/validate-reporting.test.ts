// The validator's reports say what was written, once. (Issue 14, item 8: a seed of
// 9007199254740993 was reported as "found 9007199254740992", and a bad limits.maxEvents was
// reported twice, once more through each what-if that was tried out on the bad document.)

import { describe, expect, it } from 'vitest';
import { parseScenario, validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import type { ValidationResult } from '../../src/scenario/types';

function messages(r: ValidationResult): string[] {
  if (r.ok) throw new Error('expected the scenario to be rejected, but it validated');
  return r.errors.map((e) => e.message);
}

const withWhatIfs = builtIn('split-brain')!.document as Record<string, unknown>;

describe('numbers in error reports', () => {
  it('a seed beyond 2^53 is not quoted with digits it never had', () => {
    const text = JSON.stringify({ ...withWhatIfs, seed: 0 }).replace('"seed":0', '"seed":9007199254740993');
    const [m, ...rest] = messages(parseScenario(text));
    expect(rest).toEqual([]);
    expect(m).toMatch(/^seed must be an integer; found a number beyond 9,007,199,254,740,991/);
    expect(m).not.toContain('9007199254740992');
  });

  it('ordinary wrong numbers are quoted as written', () => {
    expect(messages(validateScenario({ ...withWhatIfs, seed: 1.5 }))).toEqual(['seed must be an integer; found 1.5']);
    expect(messages(validateScenario({ ...withWhatIfs, durationMs: 1e300 }))[0]).toMatch(/found 1e\+300$/);
  });

  it('a bad limits.maxEvents is reported once, not again through each what-if', () => {
    expect((withWhatIfs.whatIf as unknown[]).length).toBeGreaterThan(0);
    const errors = messages(validateScenario({ ...withWhatIfs, limits: { maxEvents: 1e12 } }));
    expect(errors).toEqual(['limits.maxEvents must be an integer from 1 to 200,000,000; found 1000000000000']);
  });
});
