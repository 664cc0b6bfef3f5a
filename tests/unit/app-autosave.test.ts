import { afterEach, describe, expect, it, vi } from 'vitest';
import { PendingSave } from '../../src/app/autosave';

// The autosave's queue: a save holds the document it was given, runs after the delay or when
// flushed (anything that opens another document flushes first), and saves land in order.

afterEach(() => vi.useRealTimers());

describe('PendingSave', () => {
  it('runs the latest scheduled save once, after the delay', async () => {
    vi.useFakeTimers();
    const saved: string[] = [];
    const q = new PendingSave(400);
    q.schedule(async () => void saved.push('a'));
    q.schedule(async () => void saved.push('b'));
    expect(q.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(399);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(['b']);
    expect(q.pending).toBe(false);
  });

  it('a flush saves now, and the timer then saves nothing more', async () => {
    vi.useFakeTimers();
    const saved: string[] = [];
    const q = new PendingSave(400);
    q.schedule(async () => void saved.push('edited'));
    await q.flush();
    expect(saved).toEqual(['edited']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual(['edited']);
  });

  it('a slow save is not overtaken by a later one', async () => {
    const order: string[] = [];
    let release: (() => void) | undefined;
    const q = new PendingSave(0);
    q.schedule(() => new Promise<void>((r) => (release = () => (order.push('first'), r()))));
    const first = q.flush();
    q.schedule(async () => void order.push('second'));
    const second = q.flush();
    expect(q.pending).toBe(true);
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(order).toEqual([]);
    release!();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});
