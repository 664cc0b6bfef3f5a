import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { MAX_WINDOW_OPS, SimHost, type HistoryOp, type SimApi } from '../../src/sim/host';
import { validateScenario } from '../../src/scenario/validate';
import { builtIn } from '../../src/scenario/library';
import { checkLinearizability, parseHistoryText } from '../../src/sim/checks/linearizability';
import type { HistoryEntry } from '../../src/sim/kernel/component';

// What the history view asks of the worker: a window of operations (paired invocations and
// completions), and the history as the JSON file `npm run lincheck` reads. Both are checked
// against the whole history, materialised and paired the slow, obvious way.

function host(patch?: (d: any) => void): SimHost {
  const doc = structuredClone(builtIn('async-failover')!.document) as any;
  patch?.(doc);
  const h = new SimHost((x) => validateScenario(x) as never);
  expect(h.load(doc).ok).toBe(true);
  return h;
}
const readReplica = (d: any) => {
  d.nodes.find((n: { id: string }) => n.id === 'app').readTarget = 'db2';
};

/** Every operation of a history, paired by its id. */
function pairAll(history: readonly HistoryEntry[]): HistoryOp[] {
  const byOp = new Map<string, HistoryOp>();
  for (const e of history) {
    if (e.type === 'invoke') {
      byOp.set(e.op, { op: e.op, client: e.client, f: e.f, key: e.key, value: e.value, invokeUs: e.atUs, completeUs: null, outcome: 'pending' });
      continue;
    }
    const o = byOp.get(e.op)!;
    Object.assign(o, { value: e.value, completeUs: e.atUs, outcome: e.type });
    if (e.node !== undefined) o.node = e.node;
    if (e.error !== undefined) o.error = e.error;
  }
  return [...byOp.values()];
}

function overlapping(all: HistoryOp[], fromUs: number, toUs: number, key?: string): HistoryOp[] {
  return all
    .filter((o) => o.invokeUs <= toUs && (o.completeUs === null || o.completeUs >= fromUs) && (key === undefined || o.key === key))
    .sort((a, b) => a.invokeUs - b.invokeUs || (a.op < b.op ? -1 : 1));
}

describe('history windows', () => {
  it('hold exactly the operations that overlap the window, paired, across a crash and a failover', () => {
    const h = host();
    h.advanceTo(40_000_000);
    const all = pairAll(h.history());
    // Quiet, around the crash (requests to a dead node pending, then timing out), after it.
    for (const [fromUs, toUs] of [[10_000_000, 10_400_000], [29_900_000, 31_200_000], [34_000_000, 36_000_000], [39_900_000, 40_000_000]]) {
      const w = h.historyWindow({ fromUs, toUs });
      const want = overlapping(all, fromUs, toUs);
      expect(w.total).toBe(want.length);
      expect(w.partial).toBe(false);
      expect(w.ops).toEqual(want.slice(-MAX_WINDOW_OPS));
    }
    // Timed-out writes are `info` (unknown outcome), with the time the client gave up.
    const crash = h.historyWindow({ fromUs: 30_000_000, toUs: 31_500_000 });
    expect(crash.ops.some((o) => o.outcome === 'info' && o.f === 'write' && o.error === 'timeout')).toBe(true);
  });

  it('show operations still unanswered at the history\'s end as pending', () => {
    const h = host();
    h.advanceTo(30_500_000); // db1 crashed at 30 s; nothing answers until the client gives up at 1 s
    const w = h.historyWindow({ fromUs: 30_400_000, toUs: 30_500_000 });
    const pending = w.ops.filter((o) => o.outcome === 'pending');
    expect(pending.length).toBeGreaterThan(50);
    expect(pending.every((o) => o.completeUs === null && o.invokeUs <= 30_500_000)).toBe(true);
    expect(w.ops).toEqual(overlapping(pairAll(h.history()), 30_400_000, 30_500_000));
  });

  it('filter by key, keep the latest operations when there are too many, and stay within their bounds', () => {
    const h = host();
    h.advanceTo(20_000_000);
    const all = pairAll(h.history());
    const k = h.historyWindow({ fromUs: 0, toUs: 20_000_000, key: 'k125' });
    expect(k.ops).toEqual(overlapping(all, 0, 20_000_000, 'k125'));
    expect(k.ops.length).toBeGreaterThan(0);
    const few = h.historyWindow({ fromUs: 0, toUs: 20_000_000, maxOps: 7 });
    expect(few.ops).toEqual(overlapping(all, 0, 20_000_000).slice(-7));
    const many = h.historyWindow({ fromUs: 0, toUs: 20_000_000, maxOps: 1e9 });
    expect(many.ops.length).toBe(MAX_WINDOW_OPS);
    expect(many.total).toBeGreaterThan(MAX_WINDOW_OPS);
    // Nonsense asks for nothing strange.
    expect(h.historyWindow({ fromUs: -5, toUs: Number.NaN }).fromUs).toBe(0);
  });

  it('follow a rewind: the window is of the history as it stands', () => {
    const h = host();
    h.advanceTo(35_000_000);
    h.seek(12_000_000);
    const w = h.historyWindow({ fromUs: 11_000_000, toUs: 12_000_000 });
    expect(w.nowUs).toBe(12_000_000);
    expect(w.ops.every((o) => o.invokeUs <= 12_000_000 && (o.completeUs ?? 0) <= 12_000_000)).toBe(true);
    expect(w.ops).toEqual(overlapping(pairAll(h.history()), 11_000_000, 12_000_000));
  });
});

describe('the exported history', () => {
  it('is the JSON the CLI reads, and the checker judges it as the host does', () => {
    const h = host(readReplica);
    h.advanceTo(45_000_000);
    const text = h.historyJson().join('');
    const data = JSON.parse(text);
    expect(data.faultline).toMatchObject({ scenario: 'Async failover loses acknowledged writes', seed: 7, untilUs: 45_000_000, entries: h.history().length });
    expect(data.history).toEqual(h.history());
    const viaHost = h.linearizability();
    const viaFile = checkLinearizability(parseHistoryText(text));
    expect(viaHost.verdict).toBe('not linearizable');
    expect(viaFile.verdict).toBe(viaHost.verdict);
    expect(viaFile.counterexample).toEqual(viaHost.counterexample);
    expect(viaFile.operations).toBe(viaHost.operations);
  });

  it('comes in chunks, and an empty history is still a valid file', () => {
    const h = host();
    expect(JSON.parse(h.historyJson().join('')).history).toEqual([]);
    h.advanceTo(60_000_000);
    const chunks = h.historyJson();
    expect(chunks.length).toBeGreaterThan(2);
    expect(JSON.parse(chunks.join('')).history.length).toBe(h.history().length);
  });
});

describe('through the worker contract', () => {
  let ports: InstanceType<typeof MessageChannel>['port1'][] = [];
  afterEach(() => ports.forEach((p) => p.close()));

  it('windows and the export cross a MessageChannel as plain data', async () => {
    const { port1, port2 } = new MessageChannel();
    ports = [port1, port2];
    Comlink.expose(new SimHost((x) => validateScenario(x) as never), port1);
    const api = Comlink.wrap<SimApi>(port2);
    expect((await api.load(builtIn('stale-read')!.document)).ok).toBe(true);
    await api.advanceTo(2_000_000);
    const w = await api.historyWindow({ fromUs: 1_000_000, toUs: 2_000_000, key: 'k3' });
    expect(w.ops.length).toBeGreaterThan(0);
    expect(w.ops.every((o) => o.key === 'k3')).toBe(true);
    const text = (await api.historyJson()).join('');
    expect(checkLinearizability(parseHistoryText(text)).verdict).toBe((await api.linearizability()).verdict);
  });
});
