import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHUNK_ENTRIES, HistoryJournal } from '../../src/sim/kernel/history';
import type { HistoryEntry } from '../../src/sim/kernel/component';

// The client history is kept in narrow typed columns (history.ts); what comes back out must be
// exactly what went in, whatever the values' ranges.
const entry: fc.Arbitrary<HistoryEntry> = fc
  .record({
    client: fc.constantFrom('app', 'web', 'w1'),
    n: fc.integer({ min: 0, max: 2 ** 32 - 2 }),
    type: fc.constantFrom('invoke', 'ok', 'fail', 'info') as fc.Arbitrary<HistoryEntry['type']>,
    f: fc.constantFrom('read', 'write') as fc.Arbitrary<HistoryEntry['f']>,
    key: fc.constantFrom('k1', 'k2', 'cmd:7'),
    value: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 ** 50 })),
    atUs: fc.integer({ min: 10_000_000_000, max: 600_000_000_000 }),
    node: fc.option(fc.constantFrom('db1', 'db2'), { nil: undefined }),
    error: fc.option(fc.constantFrom('timeout', 'read-only'), { nil: undefined }),
    lsn: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 2 }), { nil: undefined }),
    epoch: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    // Up to far beyond what 32 bits of microseconds hold (71 minutes).
    latencyUs: fc.option(fc.integer({ min: 0, max: 9_000_000_000 }), { nil: undefined }),
  })
  .map((r) => {
    const e: HistoryEntry = { op: `${r.client}#${r.n}`, client: r.client, type: r.type, f: r.f, key: r.key, value: r.value, atUs: r.atUs };
    if (r.node !== undefined) e.node = r.node;
    if (r.error !== undefined) e.error = r.error;
    if (r.lsn !== undefined) e.lsn = r.lsn;
    if (r.epoch !== undefined) e.epoch = r.epoch;
    if (r.latencyUs !== undefined) e.invokedUs = r.atUs - r.latencyUs;
    return e;
  });

describe('the history journal', () => {
  it('gives back every entry exactly as recorded', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const h = new HistoryJournal(1000);
        for (const e of entries) h.push(e);
        expect(h.items).toEqual(entries);
        entries.forEach((e, i) => expect(h.invokedUsAt(i)).toBe(e.invokedUs ?? -1));
      }),
    );
  });

  it('grows in chunks, rewinds and replays over them, and forgets the future when the timeline changes', () => {
    const h = new HistoryJournal(10 * CHUNK_ENTRIES);
    const e = (i: number): HistoryEntry => ({ op: `app#${i}`, client: 'app', type: 'ok', f: 'write', key: `k${i % 7}`, value: i, atUs: i * 10, invokedUs: i * 10 - 5 });
    const n = 2 * CHUNK_ENTRIES + 100;
    for (let i = 0; i < n; i++) h.push(e(i));
    expect(h.bytes).toBe(3 * CHUNK_ENTRIES * 43);
    h.resize(CHUNK_ENTRIES - 3);
    expect(h.length).toBe(CHUNK_ENTRIES - 3);
    h.resize(n);
    expect(h.get(n - 1)).toEqual(e(n - 1));
    h.resize(10);
    h.dropTail();
    expect(() => h.resize(11)).toThrow(/only 10 entries are known/);
    expect(h.bytes).toBe(CHUNK_ENTRIES * 43);
  });

  it('stops at its limit with a sentence', () => {
    const h = new HistoryJournal(2);
    const e: HistoryEntry = { op: 'app#1', client: 'app', type: 'invoke', f: 'read', key: 'k', value: null, atUs: 0 };
    h.push(e);
    h.push(e);
    expect(() => h.push(e)).toThrow('the client history passed its limit of 2 entries');
  });
});
