import { describe, expect, it } from 'vitest';
import { checkExportOptions, exportFileName, frameTimesUs, EXPORT_LIMITS } from '../../src/app/export/options';
import { zeroMp4Times } from '../../src/app/export/mp4-times';
import { runCli } from '../cli';

// What an export is asked for: every frame at an exact moment of virtual time, every bad
// option a sentence. And `npm run export` refuses bad input with exit 2 before it starts a
// browser.

describe('export options', () => {
  it('frames are moments of virtual time: from + i x speed / fps, as many as the range lasts at that speed', () => {
    const o = { format: 'gif' as const, fromMs: 20_000, toMs: 30_000, fps: 10, speedX: 1 };
    const t = frameTimesUs(o);
    expect(t.length).toBe(100);
    expect(t[0]).toBe(20_000_000);
    expect(t[1]).toBe(20_100_000);
    expect(t.at(-1)).toBe(29_900_000);
    // Twice the speed: half the frames, twice the step; integer microseconds at any rate.
    expect(frameTimesUs({ ...o, speedX: 2 }).length).toBe(50);
    const odd = frameTimesUs({ ...o, fps: 30, speedX: 0.5 });
    expect(odd.length).toBe(600);
    expect(odd.every((us) => Number.isInteger(us))).toBe(true);
    expect(frameTimesUs({ ...o, format: 'png' })).toEqual([20_000_000]);
  });

  it('defaults: 10 fps, 640 px, real time, with timeline, captions and badges', () => {
    const r = checkExportOptions({ format: 'webm', fromMs: 0, toMs: 5000 }, 90_000);
    expect(r).toEqual({ ok: true, options: { format: 'webm', fromMs: 0, toMs: 5000, fps: 10, widthPx: 640, speedX: 1, timeline: true, captions: true, badges: true } });
  });

  it('says what is wrong with each bad option', () => {
    const errors = (req: Record<string, unknown>) => {
      const r = checkExportOptions(req, 90_000);
      return r.ok ? [] : r.errors;
    };
    expect(errors({ format: 'avi', fromMs: 0, toMs: 1000 })).toEqual(['the format must be one of gif, webm, mp4, png; found "avi"']);
    expect(errors({ format: 'gif', fromMs: 30_000, toMs: 20_000 })).toEqual(['the range is empty: the end (20 s) must be after the start (30 s)']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 100_000 })).toEqual(['the end (to) must be from 0 to 90000; found 100000']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 1000, fps: 0 })).toEqual(['the frame rate must be from 1 to 60; found 0']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 1000, fps: 12.5 })).toEqual(['the frame rate must be a whole number; found 12.5']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 1000, widthPx: 10_000 })).toEqual(['the width must be from 160 to 3840; found 10000']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 1000, speedX: 'fast' })).toEqual(['the speed must be a number; found "fast"']);
    expect(errors({ format: 'gif', fromMs: 0, toMs: 90_000, fps: 60, speedX: 0.01 })[0]).toMatch(/^that is 540,000 frames; an export may have at most 6,000/);
    expect(EXPORT_LIMITS.frames).toBe(6000);
  });

  it('names the file after the scenario and the range', () => {
    expect(exportFileName('Split-brain: two primaries without fencing', { format: 'gif', fromMs: 20_000, toMs: 30_500 })).toBe('split-brain-two-primaries-without-fencing-20s-30_5s.gif');
    expect(exportFileName('Split-brain', { format: 'png', fromMs: 25_000, toMs: 25_000 })).toBe('split-brain-25s.png');
    expect(exportFileName('Split-brain', { format: 'webm', fromMs: 0, toMs: 10_000 }, 'Turn fencing on')).toBe('split-brain-vs-turn-fencing-on-0s-10s.webm');
    expect(exportFileName('<>', { format: 'mp4', fromMs: 0, toMs: 1000 })).toBe('scenario-0s-1s.mp4');
  });

  it('an MP4 loses the wall-clock time its muxer writes: movie, track and media times become zero', () => {
    // moov > mvhd (v0), trak > tkhd (v1), trak > mdia > mdhd (v0), with times 0x11111111 / 0x2222...
    const box = (type: string, body: number[]) => {
      const size = 8 + body.length;
      return [size >>> 24, (size >>> 16) & 255, (size >>> 8) & 255, size & 255, ...[...type].map((c) => c.charCodeAt(0)), ...body];
    };
    const v0 = [0, 0, 0, 0, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 9, 9];
    const v1 = [1, 0, 0, 0, ...Array(8).fill(0x33), ...Array(8).fill(0x44), 9, 9];
    const file = new Uint8Array([...box('ftyp', [1, 2, 3, 4]), ...box('moov', [...box('mvhd', v0), ...box('trak', [...box('tkhd', v1), ...box('mdia', box('mdhd', v0))])])]);
    const before = Array.from(file);
    zeroMp4Times(file);
    const after = Array.from(file);
    /** The bytes after a box's version and flags. */
    const times = (bytes: number[], type: string, n: number) => {
      const at = bytes.findIndex((_, i) => String.fromCharCode(...bytes.slice(i, i + 4)) === type);
      return bytes.slice(at + 8, at + 8 + n);
    };
    expect(times(before, 'mvhd', 8)).toEqual([0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22]);
    expect(times(after, 'mvhd', 8)).toEqual(Array(8).fill(0));
    expect(times(after, 'tkhd', 16)).toEqual(Array(16).fill(0));
    expect(times(after, 'mdhd', 8)).toEqual(Array(8).fill(0));
    // Nothing else changed.
    const changed = after.map((b, i) => (b === before[i] ? -1 : i)).filter((i) => i >= 0);
    expect(changed.length).toBe(8 + 16 + 8);
  });
});

describe('npm run export: bad input is exit 2 with a sentence, before any browser starts', () => {
  const exp = (...args: string[]) => runCli('export', args);
  it('a bad range, format or option', () => {
    let r = exp('split-brain', '--from', '30', '--to', '20', '--format', 'gif', '--out', '/tmp/x.gif');
    expect(r.code).toBe(2);
    expect(r.err).toBe('The range is empty: the end (20 s) must be after the start (30 s).\n');
    r = exp('split-brain', '--from', '0', '--to', '10', '--format', 'avi', '--out', '/tmp/x.avi');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/The format must be one of gif, webm, mp4, png; found "avi"/);
    r = exp('split-brain', '--from', 'soon', '--to', '10', '--format', 'gif', '--out', '/tmp/x.gif');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--from takes a time in seconds, such as 20 or 12.5; found 'soon'/);
    r = exp('split-brain', '--from', '0', '--to', '10', '--format', 'gif');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out is needed/);
    r = exp('split-brain', '--from', '0', '--to', '10', '--format', 'gif', '--out', '/no/such/folder/x.gif');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the folder \/no\/such\/folder does not exist/);
    r = exp('split-brain', '--from', '0', '--to', '10', '--format', 'gif', '--out', '/tmp/x.gif', '--compare', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'nope' is neither a what-if of this scenario \(it has fencing\)/);
  });

  it('a bad link or scenario', () => {
    let r = exp('fl1.eJyrVkpSslIqLsjJLNFNKkrMzFPSUcpQslIysrC0TDNNTVKq5YqOVipW0olWysnMyy5WitWJjo2NBQDK0RB1', '--from', '0', '--to', '10', '--format', 'gif', '--out', '/tmp/x.gif');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the share link is damaged or incomplete/);
    r = exp('no-such-scenario', '--from', '0', '--to', '10', '--format', 'gif', '--out', '/tmp/x.gif');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/neither a file nor a built-in scenario/);
  });
});
