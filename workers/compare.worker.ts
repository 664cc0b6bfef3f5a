// Where two runs part, off the page's thread: both documents through the one validator, then
// both worlds stepped in lock-step (src/sim/compare.ts) until they differ or end.
import * as Comlink from 'comlink';
import { divergenceOf } from '../src/sim/compare';
import { validateScenario } from '../src/scenario/validate';

export interface CompareApi {
  /** µs of the first difference, null if none; a string when a document is not valid. */
  divergence(a: unknown, b: unknown): number | null | string;
}

const api: CompareApi = {
  divergence(a, b) {
    const va = validateScenario(a);
    const vb = validateScenario(b);
    if (!va.ok) return va.errors[0].message;
    if (!vb.ok) return vb.errors[0].message;
    return divergenceOf(va.scenario, vb.scenario);
  },
};
Comlink.expose(api);
