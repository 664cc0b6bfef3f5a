import { describe, expect, it } from 'vitest';
import { evaluateTargets } from '../../bench/targets';

const frames = (frameP95Ms: number) => evaluateTargets({ browser: { 'at0.2x': { frameP95Ms, inFlight: 4180, mode: 'mixed' } } }).find((t) => t.target.startsWith('frames'))!;

describe('bench targets', () => {
  it('judges the frame target by vsyncs: a frame on time reads 16.5-16.8 ms, a late one 33.3 ms', () => {
    expect(frames(16.8).met).toBe(true);
    expect(frames(16.5).met).toBe(true);
    expect(frames(33.3).met).toBe(false);
    expect(frames(20).met).toBe(false);
  });

  it('says "not measured" for a section that did not run, and neither met nor missed', () => {
    const t = evaluateTargets({}).find((x) => x.target.startsWith('kernel'))!;
    expect(t.figure).toBe('not measured');
    expect(t.met).toBeUndefined();
  });
});
