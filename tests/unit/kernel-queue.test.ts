import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventQueue, queueForEach, queuePop, queuePush, queueTake, type EventQueue } from '../../src/sim/kernel/queue';

interface Ev {
  t: number;
  s: number;
  /** What the event carries: its kind-and-target word, incarnation and payload echo its number. */
  kn: number;
  inc: number;
  p: { id: number };
}

function push(q: EventQueue, t: number, s: number): Ev {
  const ev = { t, s, kn: s * 3, inc: s * 5, p: { id: s } };
  queuePush(q, t, s, ev.kn, ev.inc, ev.p);
  return ev;
}

function pop(q: EventQueue): Ev | undefined {
  if (q.size === 0) return undefined;
  const t = q.ht[0];
  const s = q.hs[0];
  const slot = queuePop(q);
  return { t, s, kn: q.kn[slot], inc: q.inc[slot], p: queueTake(q, slot) as { id: number } };
}

const order = (a: Ev, b: Ev) => a.t - b.t || a.s - b.s;

describe('event queue', () => {
  it('pops in (time, sequence) order whatever the push order, each event with what it carries', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        // A small start, so the columns grow several times.
        const q = eventQueue(4);
        const pushed = times.map((t, s) => push(q, t, s));
        const out: Ev[] = [];
        for (let e = pop(q); e; e = pop(q)) out.push(e);
        expect(out).toEqual(pushed.sort(order));
      }),
    );
  });

  it('interleaves pushes and pops correctly, reusing the slots of events that ran', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
        const q = eventQueue(2);
        const model: Ev[] = [];
        let s = 0;
        let most = 0;
        for (const op of ops) {
          if (op < 0) {
            model.sort(order);
            expect(pop(q)).toEqual(model.shift());
          } else model.push(push(q, op, s++));
          most = Math.max(most, model.length);
        }
        expect(q.size).toBe(model.length);
        // A slot is reused once its event ran: never more slots than events pending at once.
        expect(q.slots).toBe(most);
        const pending: number[] = [];
        queueForEach(q, (_t, _kn, p) => void pending.push((p as { id: number }).id));
        expect(pending.sort((a, b) => a - b)).toEqual(model.map((e) => e.p.id).sort((a, b) => a - b));
      }),
    );
  });

  it('lets go of the payloads of events that ran (a checkpoint copies none of them)', () => {
    const q = eventQueue();
    for (let s = 0; s < 10; s++) push(q, s, s);
    for (let s = 0; s < 10; s++) pop(q);
    expect(q.p.every((p) => p === null)).toBe(true);
  });
});
