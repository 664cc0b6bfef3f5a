import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// The determinism rules are only worth something if the linter really applies them to the
// simulation core (and only there).
describe('the determinism lint rule', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (code: string, filePath: string) => {
    const [res] = await eslint.lintText(code, { filePath });
    return res.messages.map((m) => m.ruleId);
  };

  it.each([
    ['Math.random()', 'no-restricted-properties'],
    ['Date.now()', 'no-restricted-properties'],
    ['new Date()', 'no-restricted-globals'],
    ['performance.now()', 'no-restricted-properties'],
    ['setTimeout(() => 0, 1)', 'no-restricted-globals'],
    ['crypto.getRandomValues(new Uint32Array(1))', 'no-restricted-properties'],
    // Implementation-approximated: a browser may return other last bits than V8.
    ['Math.log(2)', 'no-restricted-properties'],
    ['Math.cos(1)', 'no-restricted-properties'],
    ['Math.pow(2, 0.5)', 'no-restricted-properties'],
    ['(2 as number) ** 0.5', 'no-restricted-syntax'],
  ])('rejects %s inside src/sim', async (expr, rule) => {
    expect(await lint(`export const x = ${expr};\n`, 'src/sim/kernel/example.ts')).toContain(rule);
  });

  it('rejects imports of Node modules and of outer layers inside src/sim', async () => {
    expect(await lint(`import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`, 'src/sim/net/example.ts')).toContain('no-restricted-imports');
    expect(await lint(`import { BUILT_INS } from '../scenario/library';\nexport const b = BUILT_INS;\n`, 'src/sim/example.ts')).toContain('no-restricted-imports');
  });

  it('allows the clock outside the core (the app paces playback by it)', async () => {
    expect(await lint(`export const x = performance.now();\n`, 'src/app/example.ts')).toEqual([]);
  });
});
