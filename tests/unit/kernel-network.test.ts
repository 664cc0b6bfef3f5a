import { describe, expect, it } from 'vitest';
import { probeWorld, received, sent, type ProbeSpec } from './helpers/probe';

const node = (id: string, peers: string[], extra: Partial<ProbeSpec> = {}): ProbeSpec => ({ id, kind: 'probe', site: 's1', peers, everyMs: 100, ...extra });

describe('partitions', () => {
  it('a symmetric partition loses exactly the messages between its sides, then heals', () => {
    const sim = probeWorld([node('a', ['b', 'c']), node('b', ['a', 'c']), node('c', ['a', 'b'])], {
      faults: [{ kind: 'partition', atMs: 1000, untilMs: 2000, sides: [['a'], ['b']] }],
    });
    sim.advanceTo(3_000_000);
    const got = new Set(received(sim));
    const latencyCapUs = 1000; // LAN latency 0.25 ms + jitter, far below a tick
    for (const m of sent(sim)) {
      if (m.atUs > 3_000_000 - latencyCapUs) continue; // may still be in flight
      const crossing = (m.from === 'a' && m.to === 'b') || (m.from === 'b' && m.to === 'a');
      const during = m.atUs >= 1_000_000 && m.atUs < 2_000_000;
      expect(got.has(`${m.from}>${m.to}#${m.seq}`), `${m.from}>${m.to}#${m.seq} sent at ${m.atUs}`).toBe(!(crossing && during));
    }
  });

  it('a one-way partition loses only the first side\'s messages to the second', () => {
    const sim = probeWorld([node('a', ['b']), node('b', ['a'])], {
      faults: [{ kind: 'partition', atMs: 1000, untilMs: 2000, sides: [['a'], ['b']], oneWay: true }],
    });
    sim.advanceTo(3_000_000);
    const got = new Set(received(sim));
    const lostAB = sent(sim).filter((m) => m.from === 'a' && !got.has(`a>b#${m.seq}`) && m.atUs < 2_999_000);
    const lostBA = sent(sim).filter((m) => m.from === 'b' && !got.has(`b>a#${m.seq}`) && m.atUs < 2_999_000);
    expect(lostBA).toEqual([]);
    expect(lostAB.length).toBe(10); // one per 100 ms tick inside [1 s, 2 s)
    expect(lostAB.every((m) => m.atUs >= 1_000_000 && m.atUs < 2_000_000)).toBe(true);
  });

  it('a partition naming a site cuts every node in it, and loses what was already in flight', () => {
    const sites = [{ id: 'east' }, { id: 'west' }];
    const links = [{ between: ['east', 'west'] as [string, string], latencyMs: 80, jitterMs: 0 }];
    const sim = probeWorld(
      [
        { ...node('e1', ['w1']), site: 'east' },
        { ...node('w1', ['e1']), site: 'west' },
      ],
      { sites, links, faults: [{ kind: 'partition', atMs: 1050, untilMs: 1500, sides: [['east'], ['west']] }] },
    );
    sim.advanceTo(3_000_000);
    const got = new Set(received(sim));
    // The ping sent at 1.0 s arrives at 1.08 s, inside the partition: lost on the wire.
    const at1s = sent(sim).find((m) => m.from === 'e1' && m.atUs === 1_000_000)!;
    expect(got.has(`e1>w1#${at1s.seq}`)).toBe(false);
    const at09 = sent(sim).find((m) => m.from === 'e1' && m.atUs === 900_000)!;
    expect(got.has(`e1>w1#${at09.seq}`)).toBe(true);
    const after = sent(sim).find((m) => m.from === 'e1' && m.atUs === 1_500_000)!;
    expect(got.has(`e1>w1#${after.seq}`)).toBe(true);
  });
});

describe('links', () => {
  it('arrive after base latency plus jitter, in the order sent between a pair', () => {
    const sites = [{ id: 'x' }, { id: 'y' }];
    const links = [{ between: ['x', 'y'] as [string, string], latencyMs: 40, jitterMs: 10 }];
    const sim = probeWorld([{ ...node('a', ['b'], { everyMs: 1 }), site: 'x' }, { ...node('b', [], { everyMs: 1000 }), site: 'y' }], { sites, links });
    sim.advanceTo(2_000_000);
    const recv = sim.journals.marks.items.filter((m) => m.kind === 'recv');
    expect(recv.length).toBeGreaterThan(1900);
    let lastSeq = 0;
    for (const m of recv) {
      const delayUs = Number(m.data!.atUs) - Number(m.data!.sentUs);
      expect(delayUs).toBeGreaterThanOrEqual(40_000);
      // FIFO can hold a message behind an earlier one's jitter, never beyond it.
      expect(delayUs).toBeLessThanOrEqual(50_001);
      expect(Number(m.data!.seq)).toBeGreaterThan(lastSeq);
      lastSeq = Number(m.data!.seq);
    }
  });

  it('a burst saturates a link: messages queue at its bandwidth, overflow is dropped, and later traffic waits behind it', () => {
    const sites = [{ id: 'x' }, { id: 'y' }];
    // 1 MB/s with room for 2 MB (+500 B) queued; 100 kB messages take 100 ms each to send.
    const links = [{ between: ['x', 'y'] as [string, string], latencyMs: 10, jitterMs: 0, bytesPerSec: 1_000_000, queueBytes: 2_000_500 }];
    const sim = probeWorld(
      [
        // 30 fat messages at once (3 MB): one starts sending, 20 fit in the queue... see below.
        { ...node('bulk', Array(30).fill('dst'), { everyMs: 1000, bytes: 100_000, fanout: 0 }), site: 'x' },
        { ...node('small', ['dst'], { everyMs: 1000, bytes: 100, fanout: 0 }), site: 'x' },
        { ...node('dst', [], { everyMs: 100_000 }), site: 'y' },
      ],
      { sites, links },
    );
    const recvFrom = (from: string) => sim.journals.marks.items.filter((m) => m.kind === 'recv' && m.data!.from === from);
    sim.advanceTo(1_500_000);
    // Sent at 1.0 s, one every 100 ms from 1.1 s, plus 10 ms of latency: four by 1.5 s.
    expect(recvFrom('bulk').length).toBe(4);
    expect(recvFrom('small').length).toBe(0);
    sim.advanceTo(4_000_000);
    const bulk = recvFrom('bulk');
    // Accepted while queued bytes + its own stay within 2,000,500: 20 of 30; 10 dropped.
    expect(bulk.length).toBe(20);
    expect(sim.state.net.dropped[sim.net.dirBetweenSites(0, 1)]).toBe(10);
    const gaps = bulk.slice(1).map((m, i) => m.atUs - bulk[i].atUs);
    expect(gaps.every((g) => g === 100_000)).toBe(true);
    // The small ping, sent right after the burst, waited behind all 2 MB of it.
    expect(recvFrom('small').map((m) => m.atUs)).toEqual([1_000_000 + 2_000_000 + 100 + 10_000]);
  });

  it('loses about the configured share of messages on a lossy link', () => {
    const sites = [{ id: 'x' }, { id: 'y' }];
    const links = [{ between: ['x', 'y'] as [string, string], latencyMs: 1, lossRate: 0.25 }];
    const sim = probeWorld([{ ...node('a', ['b'], { everyMs: 1 }), site: 'x' }, { ...node('b', [], { everyMs: 1e6 }), site: 'y' }], { sites, links, seed: 3 });
    sim.advanceTo(10_000_000);
    const share = 1 - received(sim).length / sent(sim).length;
    expect(share).toBeGreaterThan(0.23);
    expect(share).toBeLessThan(0.27);
  });
});
