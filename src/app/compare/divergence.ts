// The first moment two runs differ, computed in a worker of its own (it runs both worlds up
// to that moment, or to the end when they never part: seconds for a long scenario, which the
// page must not wait on).

import * as Comlink from 'comlink';
import type { CompareApi } from '../../../workers/compare.worker';
import type { ScenarioDoc } from '../scenario-doc';

/** µs of the divergence, or null when the two are one run to the end. Rejects if a document is invalid or the worker fails. */
export async function divergence(a: ScenarioDoc, b: ScenarioDoc, signal?: AbortSignal): Promise<number | null> {
  const worker = new Worker(new URL('../../../workers/compare.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<CompareApi>(worker);
  try {
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => reject(new Error(e.message || 'the comparison worker failed')));
      signal?.addEventListener('abort', () => reject(signal.reason));
    });
    const r = await Promise.race([api.divergence({ ...a, format: 'faultline/1' }, { ...b, format: 'faultline/1' }), failed]);
    if (typeof r === 'string') throw new Error(r);
    return r;
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
