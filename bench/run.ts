// npm run bench: every benchmark, one report. Figures, not pass/fail.
//
// The core's sections run from a bundle Vite builds first (ES module, for Node), because that
// is how the core reaches a browser: one module, direct calls. Run through the TypeScript
// loader (tsx), every call across a module boundary goes through a getter, which costs the
// kernel about a third of its speed and would measure the loader, not the simulator.
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { printSection, type BenchSection } from './report';
import { benchBrowser } from './browser';
import { LINEARIZABILITY_DATA_DIR } from '../tests/fixtures/linearizability';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}node_modules/.cache/faultline-bench`;

await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'bench/core.ts',
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'core.mjs' } },
  },
});
type Core = typeof import('./core');
const core = (await import(pathToFileURL(`${outDir}/core.mjs`).href)) as Core;

const sections: (() => Promise<BenchSection>)[] = [core.benchKernel, core.benchFailover, core.benchSurge, () => core.benchLincheck(LINEARIZABILITY_DATA_DIR), benchBrowser];

console.log(`Faultline benchmarks: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`);
for (const s of sections) printSection(await s());
