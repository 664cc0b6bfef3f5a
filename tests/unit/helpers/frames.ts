import type { Frame, Pending } from '../../../src/sim/host';

/** A seek's answer that must have landed (a host without a clock always lands in one call). */
export function landed(r: Frame | Pending): Frame {
  if ('pending' in r) throw new Error(`the seek to ${r.targetUs} us is still pending (known to ${r.runAhead.knownUs} us)`);
  return r;
}
