import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NumList, NumberIndex, OpIds } from '../../src/sim/checks/compact';
import { HistoryEntrySlot, HistoryJournal } from '../../src/sim/kernel/history';

describe("the checkers' compact lists", () => {
  it('an operation id comes back as it went in, whatever its form', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.oneof(fc.nat(), fc.integer({ min: -5, max: 2 ** 40 }), fc.string()))), (pairs) => {
        const ids = new OpIds();
        const ops = pairs.map(([client, n]) => [client, typeof n === 'number' ? `${client}#${n}` : n] as const);
        const codes = ops.map(([client, op]) => ids.code(op, client));
        expect(codes.map((c) => ids.text(c))).toEqual(ops.map(([, op]) => op));
      }),
    );
    const ids = new OpIds();
    expect(ids.text(ids.code('app#007', 'app'))).toBe('app#007');
    expect(ids.text(ids.code('w#1', 'app'))).toBe('w#1');
  });

  it('an entry read into a reused slot reads as the entry, and its id has the code of its text', () => {
    const h = new HistoryJournal(1000);
    h.record('app', 0, 'invoke', 'write', 'k1', 5, 10);
    h.record('app', 0, 'ok', 'write', 'k1', 5, 20, { node: 'db1', lsn: 3, epoch: 1, invokedUs: 10 });
    h.record('c0-app#2', 4_294_967_294, 'fail', 'read', 'k2', null, 30, { node: 'db2', error: 'timeout' });
    h.record('x', 12, 'info', 'read', 'cmd:job', null, 40);
    const slot = new HistoryEntrySlot();
    const byText = new OpIds();
    const bySlot = new OpIds();
    for (let i = 0; i < h.length; i++) {
      h.readInto(i, slot);
      const e = h.get(i);
      for (const k of Object.keys(e) as (keyof typeof e)[]) expect(slot[k]).toEqual(e[k]);
      expect(slot.op).toBe(e.op);
      expect(bySlot.codeOf(slot)).toBe(byText.code(e.op, e.client));
      expect(bySlot.text(bySlot.codeOf(slot))).toBe(e.op);
    }
    // A reader that writes the id as text (as into a plain object) is taken at its word.
    slot.op = 'w#1';
    expect(slot.op).toBe('w#1');
    expect(bySlot.text(bySlot.codeOf(slot))).toBe('w#1');
    h.readInto(0, slot);
    expect(slot.op).toBe('app#0');
  });

  it('a number index answers as a Map does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, 2 ** 32 + 5)), fc.nat())), (sets) => {
        const mine = new NumberIndex();
        const map = new Map<number, number>();
        for (const [k, v] of sets) {
          mine.set(k, v);
          map.set(k, v);
        }
        for (const [k] of sets) expect(mine.get(k)).toBe(map.get(k));
        expect(mine.get(0.123456789)).toBe(map.get(0.123456789) ?? -1);
      }),
    );
  });

  it('a number list keeps what was pushed, across chunks, and finds a time in it', () => {
    const l = new NumList();
    for (let i = 0; i < 10_000; i++) l.push(i * 2);
    expect(l.length).toBe(10_000);
    expect(l.at(4_095)).toBe(8_190);
    expect(l.at(4_096)).toBe(8_192);
    expect(l.firstAfter(8_191)).toBe(4_096);
    expect(l.firstAfter(-1)).toBe(0);
    expect(l.firstAfter(1e9)).toBe(10_000);
    expect(l.slice(4_095, 4_098)).toEqual([8_190, 8_192, 8_194]);
  });
});
