// The one place that puts the kernel, the components and the fault catalogue together.
// Everything that runs a scenario (the worker, the CLI, tests, benchmarks) starts here.

import type { WorldSpec } from './spec';
import { Sim, type SimOptions } from './kernel/sim';
import { COMPONENTS } from './components';
import { FAULT_KINDS } from './faults';

export function createSim(spec: WorldSpec, options?: SimOptions): Sim {
  return new Sim(spec, COMPONENTS, FAULT_KINDS, options);
}

/** Node kinds this version simulates (the format names more). */
export const SIMULATED_KINDS = Object.keys(COMPONENTS);
export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS);
