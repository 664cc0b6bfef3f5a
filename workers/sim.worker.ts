// The simulation's thread: a thin comlink wrapper around SimHost. Every input is validated
// here by the scenario layer's one validator before the core sees it.
import * as Comlink from 'comlink';
import { SimHost } from '../src/sim/host';
import { parseScenario, validateScenario } from '../src/scenario/validate';

class WorkerHost extends SimHost {
  /**
   * Computes for `ms` without answering, as a runaway replay does. Only the page's test hook
   * (a page opened with ?testhook) asks for it, to test how the page lets a learner stop it.
   */
  spinForTest(ms: number): void {
    const end = performance.now() + Math.min(ms, 600_000);
    while (performance.now() < end) {
      // busy, on purpose
    }
  }
}

const host = new WorkerHost((input) => (typeof input === 'string' ? parseScenario(input) : validateScenario(input)), {
  // The worker may read the clock (the core may not): it bounds the linearizability check.
  now: () => performance.now(),
});
Comlink.expose(host);
