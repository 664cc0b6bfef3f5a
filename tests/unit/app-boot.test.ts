import { describe, expect, it, vi } from 'vitest';
import { abandonEarly, adoptLoad, adoptRead, startEarly, whenStarted, type BootDeps } from '../../src/app/boot';
import type { Unpacked } from '../../src/scenario/share-link';
import type { LoadResult } from '../../src/sim/host';

// The page's entry starts the worker, reads the address's link and loads it before the app's
// code has arrived (boot.ts); the app adopts each of these once, and only for the very link
// and document they were started for.

function fakes(saved?: string) {
  let resolveRead!: (u: Unpacked) => void;
  const listeners: ((e: { message: string }) => void)[] = [];
  const worker = { addEventListener: (_: string, l: (e: { message: string }) => void) => listeners.push(l) } as unknown as Worker;
  const loadResult = Promise.resolve({ ok: false, errors: [] } as LoadResult);
  const api = { load: vi.fn(() => loadResult), progress: vi.fn(() => Promise.resolve({})) };
  const readLink = vi.fn(() => new Promise<Unpacked>((r) => (resolveRead = r)));
  const deps: BootDeps = { spawn: () => worker, wrap: () => api as never, readLink, savedLink: () => saved };
  return { deps, api, readLink, loadResult, resolve: (u: Unpacked) => resolveRead(u), fail: (m: string) => listeners.forEach((l) => l({ message: m })) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('a cold page started by its entry', () => {
  it('reads the link in the address and asks the worker to load the document read; the app adopts each once', async () => {
    const f = fakes();
    const e = startEarly('#fl1.abc', f.deps);
    expect(f.readLink).toHaveBeenCalledWith('fl1.abc');
    expect(adoptRead(e, 'fl1.other')).toBeNull();
    const read = adoptRead(e, 'fl1.abc');
    expect(read).not.toBeNull();
    expect(adoptRead(e, 'fl1.abc')).toBeNull();
    const document = { title: 'the link' };
    f.resolve({ ok: true, document, view: {} });
    const u = await read!;
    // The entry's load went first: by the time the app has the document, the load is asked.
    expect(f.api.load).toHaveBeenCalledTimes(1);
    expect(f.api.load).toHaveBeenCalledWith(document);
    expect(adoptLoad(e, { ...document })).toBeNull();
    expect(adoptLoad(e, u.ok ? u.document : null)).toBe(f.loadResult);
    expect(adoptLoad(e, document)).toBeNull();
  });

  it('loads nothing for a link that cannot be read, and the app hears the reader\'s errors', async () => {
    const f = fakes();
    const e = startEarly('#fl1.bad', f.deps);
    const read = adoptRead(e, 'fl1.bad')!;
    f.resolve({ ok: false, errors: [{ path: '', message: 'the share link is cut short' }] });
    expect(await read).toMatchObject({ ok: false });
    await flush();
    expect(f.api.load).not.toHaveBeenCalled();
  });

  it('loads nothing once the app opened something else first', async () => {
    const f = fakes();
    const e = startEarly('#fl1.abc', f.deps);
    abandonEarly(e);
    f.resolve({ ok: true, document: {}, view: {} });
    await flush();
    expect(f.api.load).not.toHaveBeenCalled();
    expect(adoptRead(e, 'fl1.abc')).toBeNull();
  });

  it('reads the saved work for #mine, and nothing for the library or a built-in, whose app starts at once', async () => {
    const mine = fakes('fl1.saved');
    startEarly('#mine', mine.deps);
    expect(mine.readLink).toHaveBeenCalledWith('fl1.saved');
    // The embeddable player has no saved work: #mine is not a link it reads.
    const player = fakes('fl1.saved');
    startEarly('#mine', player.deps, { savedWork: false });
    expect(player.readLink).not.toHaveBeenCalled();
    for (const hash of ['', '#library', '#play=catchup-storm', '#challenge=first']) {
      const f = fakes('fl1.saved');
      const e = startEarly(hash, f.deps);
      expect(f.readLink).not.toHaveBeenCalled();
      expect(e.read).toBeNull();
      await whenStarted(e);
      expect(f.api.progress).not.toHaveBeenCalled();
    }
  });

  it('lets the app come once the worker answers and the link is read, or after the wait at most', async () => {
    const f = fakes();
    const e = startEarly('#fl1.abc', f.deps);
    let started = false;
    void whenStarted(e, 60_000).then(() => (started = true));
    await flush();
    expect(started).toBe(false);
    f.resolve({ ok: true, document: {}, view: {} });
    await flush();
    expect(started).toBe(true);
    // A reader that never answers does not keep the page blank.
    const g = fakes();
    const never = startEarly('#fl1.abc', g.deps);
    await whenStarted(never, 5);
  });

  it('keeps a worker\'s failure before the app took it over, for the app to hear', () => {
    const f = fakes();
    const e = startEarly('#fl1.abc', f.deps);
    f.fail('the script could not be loaded');
    f.fail('later');
    expect(e.failure).toBe('the script could not be loaded');
  });
});
