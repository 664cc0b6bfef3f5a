// The benchmarks that measure the simulation core, in one module that bench/run.ts bundles
// before running (see there): the core is measured as it ships, not through a TypeScript loader.
export { benchKernel } from './kernel';
export { benchFailover } from './failover';
export { benchSurge } from './surge';
export { benchLincheck } from './lincheck';
export { bareLoopRate } from './bare';
