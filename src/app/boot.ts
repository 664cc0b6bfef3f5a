// A cold page's start, overlapped. The page's entry (main.ts) is small: before the app's own
// code has even arrived, it starts the simulation's worker, reads the link in the address in
// the link reader's worker, and hands the document read to the simulation's worker to load,
// so the simulation runs while the app's code downloads, compiles and mounts. Measured on a
// cold link to the end of catchup-storm (docs/performance.md, "A cold page's start and its
// main thread"): the worker began its first simulated event some 470 ms after navigation when
// the app created it while mounting (a worker starts only when the page's main thread is free
// to hear it is ready, and the app's mount held it), and less than half that from here.
//
// The app then takes over what was started (`takeEarlyStart`): its first session adopts the
// worker, its first open of the same link adopts the read, and loading the very document read
// adopts the load already on its way, instead of asking again. Nothing here decides what is
// shown: a bad link is read here and refused by the app, with the same errors as ever.

import * as Comlink from 'comlink';
import type { LoadResult, SimApi } from '../sim/host';
import type { Unpacked } from '../scenario/share-link';
import { parseRoute } from './routes';
import { readLinkOffThread } from './link-reader';
import { readWork } from './autosave';
import { spawnSimWorker } from './sim-worker';

/** What the entry started, for the app to take over. */
export interface EarlyStart {
  worker: Worker;
  api: Comlink.Remote<SimApi>;
  /** Why the worker failed before the app took it over (its own error listener comes later), or null. */
  failure: string | null;
  /** The link in the address being read, for the app's first open of that link; null when taken or none. */
  read: { link: string; unpacked: Promise<Unpacked> } | null;
  /** The document the worker was asked to load (as the read gave it) and the answer to come; null when taken or none. */
  loaded: { document: unknown; result: Promise<LoadResult> } | null;
  /** The app opened something else first: the link, once read, is not loaded. */
  abandoned: boolean;
}

/** What `startEarly` needs from the page (tests give their own). */
export interface BootDeps {
  spawn: () => Worker;
  wrap: (w: Worker) => Comlink.Remote<SimApi>;
  readLink: (link: string) => Promise<Unpacked>;
  savedLink: () => string | undefined;
}

const pageDeps: BootDeps = {
  spawn: spawnSimWorker,
  wrap: (w) => Comlink.wrap<SimApi>(w),
  readLink: readLinkOffThread,
  savedLink: () => readWork()?.link,
};

let early: EarlyStart | null = null;

/**
 * Start the worker for the page at `hash`, and for a share link (or the learner's saved work,
 * which is one, unless `savedWork` is false: the embeddable player has none) read it and
 * load it into the worker as soon as it is read. Built-ins and
 * challenges are loaded by the app as before (their documents are in its code): the worker is
 * started for them all the same.
 */
export function startEarly(hash: string, deps: BootDeps = pageDeps, opts: { savedWork?: boolean } = {}): EarlyStart {
  const worker = deps.spawn();
  const api = deps.wrap(worker);
  const e: EarlyStart = { worker, api, failure: null, read: null, loaded: null, abandoned: false };
  worker.addEventListener('error', (ev) => {
    e.failure ??= ev.message || 'the simulation worker failed';
  });
  const route = parseRoute(hash);
  const link = route.kind === 'link' ? route.link : route.kind === 'mine' && opts.savedWork !== false ? deps.savedLink() : undefined;
  if (link !== undefined) {
    const unpacked = deps.readLink(link);
    e.read = { link, unpacked };
    // Registered before the app's own wait on the same read, so it runs first: by the time
    // the app loads this document, the load is already on its way and can be adopted.
    void unpacked.then((u) => {
      if (!u.ok || e.abandoned) return;
      const result = api.load(u.document);
      // Adopted or not, a failed load must not be an unhandled rejection here: the app's call hears it.
      result.catch(() => {});
      e.loaded = { document: u.document, result };
    });
  }
  early = e;
  return e;
}

/** The app's code waits at most this long for the worker and the link (a worker that never answers must not keep the page blank). */
export const EARLY_WAIT_MS = 1_000;

/**
 * Resolves when what was started has what it needs from the server: the worker has compiled
 * its script (it answers a first question) and the link reader has read the link; at once when
 * there is no link, and after EARLY_WAIT_MS at most. The app's code is fetched after this: on a
 * busy machine the server answered the app's five scripts and the worker's alike, and the
 * worker's came last (docs/performance.md).
 */
export function whenStarted(e: EarlyStart, waitMs = EARLY_WAIT_MS): Promise<void> {
  if (!e.read) return Promise.resolve();
  const ready = Promise.all([e.api.progress(), e.read.unpacked]).then(
    () => {},
    () => {},
  );
  return Promise.race([ready, new Promise<void>((r) => setTimeout(r, waitMs))]);
}

/** What the entry started, once: the app's first session takes it; null afterwards (or if nothing was started). */
export function takeEarlyStart(): EarlyStart | null {
  const e = early;
  early = null;
  return e;
}

/** The read of `link` the entry started, if it is that link's; once. */
export function adoptRead(e: EarlyStart | null, link: string): Promise<Unpacked> | null {
  if (!e?.read || e.read.link !== link) return null;
  const r = e.read.unpacked;
  e.read = null;
  return r;
}

/** The app opens something other than the address's link first: it is not loaded when read. */
export function abandonEarly(e: EarlyStart | null): void {
  if (!e) return;
  e.abandoned = true;
  e.read = null;
  e.loaded = null;
}

/** The load of `document` already asked of the worker, if it is that very document; once. */
export function adoptLoad(e: EarlyStart | null, document: unknown): Promise<LoadResult> | null {
  if (!e?.loaded || e.loaded.document !== document) return null;
  const r = e.loaded.result;
  e.loaded = null;
  return r;
}
