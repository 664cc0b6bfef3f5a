// The narration as a guided tour. The caption on screen is always the last entry at or before
// the current time (so scrubbing, seeking and free play all show the right one). On the tour,
// "Continue" plays to the next entry and stops exactly there; leaving the tour lets playback
// run freely past every caption. An entry with a question shows the question first; the
// learner's answer (or "just show me") reveals the text.

import type { SimSession } from './session/session.svelte';
import type { Playback } from './session/playback.svelte';
import type { Narration } from './scenario-doc';

export class Tour {
  active = $state(false);
  /** The learner's answers, by entry key: the index of a choice, or -1 for "just show me". */
  answers = $state<Record<string, number>>({});

  constructor(
    private readonly session: SimSession,
    private readonly playback: Playback,
  ) {}

  /** Entries in time order (stable for equal times). */
  get entries(): Narration[] {
    const list = this.session.document.doc?.narration ?? [];
    return list
      .map((n, i) => ({ n, i }))
      .sort((a, b) => a.n.atMs - b.n.atMs || a.i - b.i)
      .map((x) => x.n);
  }

  /** Index in `entries` of the caption for the current time, or -1. */
  get index(): number {
    const nowUs = this.session.run.frame?.nowUs ?? 0;
    const list = this.entries;
    let at = -1;
    for (let i = 0; i < list.length; i++) if (Math.round(list[i].atMs * 1000) <= nowUs) at = i;
    return at;
  }

  get current(): Narration | null {
    return this.entries[this.index] ?? null;
  }

  get next(): Narration | null {
    return this.entries[this.index + 1] ?? null;
  }

  key(n: Narration): string {
    return `${n.atMs}|${n.text}`;
  }

  /** True while the current entry's question waits for an answer. */
  get asking(): boolean {
    const n = this.current;
    return !!n?.question && !(this.key(n) in this.answers);
  }

  answer(choice: number): void {
    const n = this.current;
    if (n) this.answers = { ...this.answers, [this.key(n)]: choice };
  }

  answerOf(n: Narration): number | undefined {
    return this.answers[this.key(n)];
  }

  start(): void {
    this.active = true;
    this.playback.pause();
    const first = this.entries[0];
    this.playback.seek(first ? first.atMs : 0);
  }

  /** Play on to the next caption and stop there (or to the end after the last one). */
  continue(): void {
    const n = this.next;
    this.playback.playUntil(n ? Math.round(n.atMs * 1000) : this.playback.endUs);
  }

  leave(): void {
    this.active = false;
    this.playback.stopAtUs = null;
  }
}
