import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { heapPop, heapPush, type Timed } from '../../src/sim/kernel/queue';

describe('event queue', () => {
  it('pops in (time, sequence) order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const heap: Timed[] = [];
        times.forEach((t, s) => heapPush(heap, { t, s }));
        const out: Timed[] = [];
        for (let e = heapPop(heap); e; e = heapPop(heap)) out.push(e);
        const sorted = times.map((t, s) => ({ t, s })).sort((a, b) => a.t - b.t || a.s - b.s);
        expect(out).toEqual(sorted);
      }),
    );
  });

  it('interleaves pushes and pops correctly', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const heap: Timed[] = [];
        const model: Timed[] = [];
        let s = 0;
        for (const op of ops) {
          if (op < 0) {
            model.sort((a, b) => a.t - b.t || a.s - b.s);
            expect(heapPop(heap)).toEqual(model.shift());
          } else {
            heapPush(heap, { t: op, s });
            model.push({ t: op, s: s++ });
          }
        }
      }),
    );
  });
});
