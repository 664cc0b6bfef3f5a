// Reading a share link (or the saved work, which is one) in a worker of its own, so that no
// link, however large or hostile, blocks the page: the page only hands the text over and
// waits. The app and the embeddable player both read links through here.

import type { Unpacked } from '../scenario/share-link';

/** A reader that has not answered by then is stopped: far longer than a capped link takes. */
const READ_TIMEOUT_MS = 30_000;

function failed(rest: string): Unpacked {
  return { ok: false, errors: [{ path: '', message: `the share link ${rest}` }] };
}

export function readLinkOffThread(link: string): Promise<Unpacked> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('../../workers/link.worker.ts', import.meta.url), { type: 'module' });
    } catch (e) {
      resolve(failed(`could not be read: this browser would not start a worker (${e instanceof Error ? e.message : String(e)})`));
      return;
    }
    const done = (u: Unpacked) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(u);
    };
    const timer = setTimeout(() => done(failed(`could not be read in ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
    worker.onmessage = (e: MessageEvent<Unpacked>) => done(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      done(failed(`could not be read: ${e.message || 'the link reader stopped'}`));
    };
    worker.postMessage(link);
  });
}
