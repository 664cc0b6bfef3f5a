// The simulation's thread: a thin comlink wrapper around SimHost. Every input is validated
// here by the scenario layer's one validator before the core sees it.
import * as Comlink from 'comlink';
import { SimHost } from '../src/sim/host';
import { parseScenario, validateScenario } from '../src/scenario/validate';

const host = new SimHost((input) => (typeof input === 'string' ? parseScenario(input) : validateScenario(input)), {
  // The worker may read the clock (the core may not): it bounds the linearizability check.
  now: () => performance.now(),
});
Comlink.expose(host);
