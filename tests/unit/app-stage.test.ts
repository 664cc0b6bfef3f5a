import { describe, expect, it } from 'vitest';
import { over } from '../../src/app/stage/blend';
import { flows, FlowMeter, messageColumns, progress, visibleAsDot } from '../../src/app/stage/messages';
import { defaultPositions, hitTest, layout, NODE_W } from '../../src/app/stage/layout';
import { builtIn } from '../../src/scenario/library';
import { validateScenario } from '../../src/scenario/validate';
import { MSG_CLASSES, messageClass } from '../../src/sim/message-class';
import type { WorldSpec } from '../../src/sim/spec';

const cls = (type: string, body: unknown = null) => MSG_CLASSES[messageClass(type, body)];

describe('messages on the stage', () => {
  it('are placed by their own timing: queued at the sender, then linearly along the link', () => {
    const at = (t: number) => progress(100, 300, 1300, t);
    expect(at(99)).toBe(-1);
    expect(at(200)).toBe(0);
    expect(at(800)).toBeCloseTo(0.5);
    expect(at(1300)).toBe(-1);
  });

  it('are classified by what they carry, errors included', () => {
    expect(cls('request', { f: 'write' })).toBe('write');
    expect(cls('request', { f: 'read' })).toBe('read');
    expect(cls('reply', { ok: true })).toBe('ack');
    expect(cls('reply', { ok: false, error: 'read-only' })).toBe('error');
    expect(cls('not-primary')).toBe('error');
    expect(cls('entries')).toBe('replication');
    expect(cls('ping')).toBe('heartbeat');
    expect(cls('promote')).toBe('control');
  });

  it('become flows when their flight would be too short to see at the playing speed', () => {
    // A LAN hop of 250 us, a WAN hop of 40 ms.
    expect(visibleAsDot(0, 250, 1)).toBe(false);
    expect(visibleAsDot(0, 250, 0.001)).toBe(true);
    expect(visibleAsDot(0, 40_000, 0.5)).toBe(true);
    expect(visibleAsDot(0, 40_000, 100)).toBe(false);
  });

  it('add up to a rate per direction by Little\'s law, with the error share', () => {
    // 10 messages each 10 ms in flight, 2 of them error replies: 1000 messages/s, 20% errors.
    const error = messageClass('reply', { ok: false });
    const ack = messageClass('reply', { ok: true });
    const ms = messageColumns(Array.from({ length: 10 }, (_, i) => ({ from: 0, to: 1, cls: i >= 2 ? ack : error, sentUs: i * 1000, departUs: i * 1000, deliverUs: i * 1000 + 10_000 })));
    const [f] = flows(ms, ['a', 'b'], 9_500);
    expect(f).toMatchObject({ from: 'a', to: 'b', inFlight: 10 });
    expect(f.ratePerSec).toBeCloseTo(1000);
    expect(f.errorShare).toBeCloseTo(0.2);
    expect(flows(ms, ['a', 'b'], 9_500, () => false)).toEqual([]);
  });

  it('are smoothed over frames, and start afresh after a jump back', () => {
    const meter = new FlowMeter();
    const one = (rate: number) => [{ from: 'a', to: 'b', ratePerSec: rate, errorShare: 0, inFlight: 1 }];
    expect(meter.update(one(4000), 1_000_000)[0]).toMatchObject({ ratePerSec: 4000, settled: false });
    // Nothing seen for a while: the rate decays towards zero rather than jumping.
    const later = meter.update([], 1_500_000)[0];
    expect(later.ratePerSec).toBeLessThan(4000);
    expect(later.ratePerSec).toBeGreaterThan(1000);
    const settled = meter.update(one(100), 2_100_000)[0];
    expect(settled.settled).toBe(true);
    expect(meter.update(one(7), 500_000)[0]).toMatchObject({ ratePerSec: 7, settled: false });
  });
});

describe('the stage layout', () => {
  const world = (validateScenario(builtIn('first-failover')!.document) as { ok: true; scenario: WorldSpec }).scenario;

  it('places every node, sites around their nodes, and keeps a scenario position exactly', () => {
    const defaults = defaultPositions(world.sites, world.nodes, 2);
    const pinned = world.nodes.map((n) => (n.id === 'db3' ? { ...n, position: { x: 1234, y: 567 } } : n));
    const l = layout(world.sites, world.links, pinned, defaults);
    expect([...l.nodes.keys()].sort()).toEqual(world.nodes.map((n) => n.id).sort());
    expect(l.nodes.get('db3')).toMatchObject({ x: 1234, y: 567 });
    for (const n of l.nodes.values()) {
      if (!n.site) continue;
      const b = l.sites.find((s) => s.id === n.site)!.box;
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(b.x);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(b.x + b.w);
    }
    expect(l.links).toHaveLength(1);
  });

  it('does not overlap default places, in one column or two', () => {
    for (const cols of [1, 2]) {
      const l = layout(world.sites, world.links, world.nodes, defaultPositions(world.sites, world.nodes, cols));
      const ns = [...l.nodes.values()];
      for (let i = 0; i < ns.length; i++)
        for (let j = i + 1; j < ns.length; j++) {
          const apart = Math.abs(ns[i].x - ns[j].x) >= NODE_W || Math.abs(ns[i].y - ns[j].y) >= (ns[i].h + ns[j].h) / 2;
          expect(apart, `${ns[i].id} and ${ns[j].id} overlap with ${cols} column(s)`).toBe(true);
        }
    }
  });

  it('finds what is under a point: a node before its site', () => {
    const l = layout(world.sites, world.links, world.nodes, defaultPositions(world.sites, world.nodes, 2));
    const db1 = l.nodes.get('db1')!;
    expect(hitTest(l, { x: db1.x, y: db1.y })).toEqual({ kind: 'node', id: 'db1', nodeKind: 'database' });
    const site = l.sites[0].box;
    expect(hitTest(l, { x: site.x + 3, y: site.y + 3 })).toEqual({ kind: 'site', id: l.sites[0].id });
    const link = l.links[0];
    expect(hitTest(l, { x: (link.from.x + link.to.x) / 2, y: (link.from.y + link.to.y) / 2 })).toEqual({ kind: 'link', between: link.between });
    expect(hitTest(l, { x: -10_000, y: -10_000 })).toBeNull();
  });
});

describe('dots composited into one layer', () => {
  // The layer holds RGBA words as an ImageData does (not premultiplied); a dot's anti-aliased
  // edge over another dot is blended "source over" and rounded to the nearest value, halves
  // up. The reference works in real numbers scaled by 255 * 255, where the quotients are of
  // whole numbers below 2^24: a division rounds them correctly and a half is exact.
  const exact = (src: number, dst: number): number => {
    const sa = src >>> 24;
    const da = dst >>> 24;
    const oa = sa * 255 + da * (255 - sa);
    const ch = (shift: number) => Math.round((((src >>> shift) & 255) * sa * 255 + ((dst >>> shift) & 255) * da * (255 - sa)) / oa);
    return ((Math.round(oa / 255) << 24) | (ch(16) << 16) | (ch(8) << 8) | ch(0)) >>> 0;
  };

  it('blend source over destination, rounded to nearest, for every pair of alphas', () => {
    const colours = [0x000000, 0xffffff, 0x0072b2, 0xd55e00, 0x7f807e, 0x01fe02];
    let checked = 0;
    for (let sa = 1; sa < 255; sa++) {
      for (let da = 1; da < 256; da++) {
        for (const a of colours) {
          for (const b of colours) {
            const src = ((sa << 24) | a) >>> 0;
            const dst = ((da << 24) | b) >>> 0;
            const got = over(src, dst);
            if (got !== exact(src, dst)) expect([sa, da, a, b, got.toString(16)]).toEqual([sa, da, a, b, exact(src, dst).toString(16)]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(254 * 255 * 36);
    // Opaque over anything is the source; half over opaque is the average.
    expect(over(0xff123456, 0x80abcdef)).toBe(0xff123456);
    expect(over(0x80ff0000, 0xff0000ff)).toBe(0xff80007f);
  });
});
