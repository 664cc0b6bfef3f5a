// Lint: TypeScript's recommended rules everywhere, and the determinism rules of
// ARCHITECTURE.md enforced on the simulation core, so a stray clock read or Math.random
// fails `npm run check` instead of silently breaking replay and share links.
import tseslint from 'typescript-eslint';

const determinism = 'src/sim must be deterministic: use the kernel (ctx.nowUs, ctx.random(), ctx.setTimer) instead';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // The core passes plain JSON state through `any` on purpose (checkpointed as data).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: determinism },
        { object: 'Date', property: 'now', message: determinism },
        { object: 'performance', property: 'now', message: determinism },
        { object: 'crypto', property: 'getRandomValues', message: determinism },
        { object: 'crypto', property: 'randomUUID', message: determinism },
        { object: 'globalThis', property: 'setTimeout', message: determinism },
        // The standard leaves these "implementation-approximated": browsers may differ in the
        // last bit, and a share link must replay the same run in all of them.
        ...['log', 'log10', 'log2', 'log1p', 'exp', 'expm1', 'pow', 'cos', 'sin', 'tan', 'acos', 'asin', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'cbrt', 'hypot'].map((property) => ({
          object: 'Math', property, message: 'Math.' + property + ' may differ between browsers: use src/sim/kernel/fmath (same bits everywhere)',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "BinaryExpression[operator='**']", message: 'x ** y may differ between browsers for a fractional y: use pow from src/sim/kernel/fmath' },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'requestAnimationFrame', 'queueMicrotask', 'performance', 'crypto', 'Date'].map((name) => ({ name, message: determinism })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'os', 'crypto', 'perf_hooks', 'worker_threads'], message: 'src/sim runs in browsers too: no Node modules' },
            { group: ['svelte', 'svelte/*', 'comlink', 'd3', 'd3-*'], message: 'src/sim is the pure core: no UI or transport libraries' },
            { group: ['**/scenario/**', '**/app/**', '**/cli/**', '**/workers/**'], message: 'the arrows point one way: src/sim imports nothing from the rest' },
          ],
        },
      ],
    },
  },
);
