// The learner's own work, kept in localStorage so that it survives a reload: one slot, holding
// the work as a share link (compressed: a large scenario stays small), with its title and
// when it was saved. Written only when the learner changes something, never by opening a
// built-in or a link, so a link (good or bad) never overwrites saved work.

export const AUTOSAVE_KEY = 'faultline:work:v1';
/** Characters kept at most (localStorage holds about 5 million per origin, shared). */
export const AUTOSAVE_MAX_CHARS = 1_000_000;

export interface SavedWork {
  v: 1;
  link: string;
  title: string;
  /** ISO time of the save. */
  savedAt: string;
}

/** What the browser's localStorage offers (injectable in tests). */
export interface Store {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function storage(): Store | null {
  try {
    return (globalThis as { localStorage?: Store }).localStorage ?? null;
  } catch {
    // Storage can be forbidden (a sandboxed frame, privacy settings).
    return null;
  }
}

export function readWork(store: Store | null = storage()): SavedWork | null {
  try {
    const raw = store?.getItem(AUTOSAVE_KEY);
    if (!raw || raw.length > AUTOSAVE_MAX_CHARS + 1000) return null;
    const o = JSON.parse(raw) as Partial<SavedWork>;
    if (o && o.v === 1 && typeof o.link === 'string' && typeof o.title === 'string' && typeof o.savedAt === 'string') return o as SavedWork;
  } catch {
    // Unreadable: as if nothing were saved (it is not deleted: a later version may read it).
  }
  return null;
}

/** Save; returns a sentence when the work could not be kept. */
export function writeWork(work: Omit<SavedWork, 'v' | 'savedAt'>, now: Date = new Date(), store: Store | null = storage()): string | null {
  if (!store) return 'Your work cannot be saved in this browser (storage is turned off).';
  const value = JSON.stringify({ v: 1, link: work.link, title: work.title.slice(0, 200), savedAt: now.toISOString() });
  if (value.length > AUTOSAVE_MAX_CHARS) return `This scenario is too large to save in the browser (${Math.round(value.length / 1000)} k characters; the limit is ${AUTOSAVE_MAX_CHARS / 1000} k). Export it as a JSON file.`;
  try {
    store.setItem(AUTOSAVE_KEY, value);
    return null;
  } catch {
    return 'Your work could not be saved: the browser\'s storage is full. Export it as a JSON file.';
  }
}

/**
 * The learner's next save, waiting for a pause in their changes (a drag makes many). A save
 * is scheduled with the document as it was edited, captured then: when it runs, something
 * else may be loaded, and saving that instead would overwrite their work with a scenario
 * they only opened. Anything that loads another document flushes it first. Saves run one
 * at a time, in order, so an older one never lands after a newer one.
 */
export class PendingSave {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private job: (() => Promise<void>) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private running = 0;

  constructor(public delayMs: number) {}

  /** True while a save waits for its delay or is being written. */
  get pending(): boolean {
    return this.job !== null || this.running > 0;
  }

  /** Run `job` after the delay, instead of any save still waiting. */
  schedule(job: () => Promise<void>): void {
    clearTimeout(this.timer);
    this.job = job;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Run the waiting save now; resolves when every save so far is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    const job = this.job;
    this.job = null;
    if (job) {
      this.running++;
      this.chain = this.chain
        .then(job)
        .catch(() => {})
        .finally(() => this.running--);
    }
    return this.chain;
  }
}
