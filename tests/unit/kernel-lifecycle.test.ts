import { describe, expect, it } from 'vitest';
import { probeState, probeWorld, received, type ProbeSpec } from './helpers/probe';

const node = (id: string, peers: string[]): ProbeSpec => ({ id, kind: 'probe', site: 's1', peers, everyMs: 100 });

describe('crash, restart and pause', () => {
  it('a crash loses memory and keeps the disk; a restart resumes from the disk', () => {
    const sim = probeWorld([node('a', ['b']), node('b', [])], {
      faults: [
        { kind: 'crash', atMs: 1050, target: 'a' },
        { kind: 'restart', atMs: 2050, target: 'a' },
      ],
    });
    sim.advanceTo(1_500_000);
    const a = probeState(sim, 'a');
    expect(a.status).toBe('down');
    expect(a.v).toBeNull();
    expect(a.p.persistedTicks).toBe(10);
    sim.advanceTo(2_000_000);
    // Nothing ran while it was down: its timers from before the crash never fired.
    expect(a.p.persistedTicks).toBe(10);
    sim.advanceTo(2_500_000);
    const after = probeState(sim, 'a');
    expect(after.status).toBe('up');
    expect(after.v!.ticks).toBe(4); // fresh memory: ticks at 2.15, 2.25, 2.35, 2.45 s
    expect(after.p.persistedTicks).toBe(14); // the disk kept counting from 10
  });

  it('messages to a crashed node are lost', () => {
    const sim = probeWorld([node('a', ['b']), node('b', [])], { faults: [{ kind: 'crash', atMs: 1050, untilMs: 2050, target: 'b' }] });
    sim.advanceTo(3_000_000);
    const got = received(sim).map((r) => Number(r.split('#')[1]));
    expect(got.filter((seq) => seq >= 11 && seq <= 20)).toEqual([]); // pings sent at 1.1..2.0 s
    expect(got).toContain(10);
    expect(got).toContain(21);
  });

  it('a pause freezes the process: nothing runs, then it resumes with its memory and handles what waited, in order', () => {
    const sim = probeWorld([node('a', ['b']), node('b', ['a'])], { faults: [{ kind: 'pause', atMs: 1050, untilMs: 2050, target: 'b' }] });
    sim.advanceTo(2_000_000);
    const b = probeState(sim, 'b');
    expect(b.status).toBe('paused');
    expect(b.v!.ticks).toBe(10); // frozen: no tick since 1.0 s
    expect(received(sim).filter((r) => r.startsWith('a>b')).length).toBe(10);
    sim.advanceTo(2_050_000);
    // At 2.05 s it thaws with its memory intact and handles, at that instant, what waited
    // in the order it came due: its tick of 1.1 s first, then the ten pings.
    expect(b.status).toBe('up');
    const late = sim.journals.marks.items.filter((m) => m.kind === 'recv' && m.node === 'b' && m.atUs === 2_050_000);
    expect(late.map((m) => m.data!.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(late.every((m) => m.data!.ticksAtReceipt === 11)).toBe(true);
    expect(probeState(sim, 'b').v!.ticks).toBe(11); // the overdue tick ran once, not ten times
  });

  it('crash of a paused node drops what was waiting', () => {
    const sim = probeWorld([node('a', ['b']), node('b', [])], {
      faults: [
        { kind: 'pause', atMs: 1050, untilMs: 5000, target: 'b' },
        { kind: 'crash', atMs: 1500, target: 'b' },
        { kind: 'restart', atMs: 2000, target: 'b' },
      ],
    });
    sim.advanceTo(2_010_000);
    const seqs = received(sim).map((r) => Number(r.split('#')[1]));
    // Pings 11..19 (sent 1.1..1.9 s) waited in the frozen process and died with it; ping 20,
    // sent at 2.0 s, reaches the restarted process.
    expect(seqs.filter((s) => s > 10 && s < 20)).toEqual([]);
    expect(seqs).toContain(20);
  });
});
