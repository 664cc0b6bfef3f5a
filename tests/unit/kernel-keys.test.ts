import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByKeyNumber, MAX_KEY_NUMBER, keyName, keyNumber } from '../../src/sim/kernel/keys';

describe('keys named by number', () => {
  it('a key made by number is recognised by it; no other name is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_KEY_NUMBER - 1 }), (n) => {
        expect(keyNumber(keyName(n))).toBe(n);
        // The same name made elsewhere (parsed from a document) is the same key.
        expect(keyNumber(JSON.parse(JSON.stringify(`k${n}`)))).toBe(n);
      }),
    );
    for (const other of ['k', 'k01', 'k00', 'K1', 'k-1', 'k1.5', 'k 1', 'kx', 'cmd:1', '', `k${MAX_KEY_NUMBER}`, 'k99999999999']) expect(keyNumber(other)).toBe(-1);
    expect(keyNumber('k0')).toBe(0);
  });

  it('an index by key number answers what was set, and -1 for what was not', () => {
    const ix = new ByKeyNumber();
    expect(ix.get(5)).toBe(-1);
    ix.set(5, 0);
    ix.set(100_000, 7);
    expect(ix.get(5)).toBe(0);
    expect(ix.get(100_000)).toBe(7);
    expect(ix.get(6)).toBe(-1);
    expect(ix.get(MAX_KEY_NUMBER - 1)).toBe(-1);
  });
});
