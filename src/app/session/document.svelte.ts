// The scenario document a session shows, and every change the learner makes to it. A
// learner's action is data: a fault dropped on a node is added to the document's fault
// timeline through the worker (so a rewind replays it), a dragged node's position is written
// into the document, and an edited parameter reloads the document and replays it to where the
// learner was. Each change is reported (`onedit`, with the document it replaced) for undo and
// autosave; plain loads are not.

import type { FaultsResult, LoadResult } from '../../sim/host';
import type { FaultSpec, NodeSpec } from '../../sim/spec';
import type { FaultDraft, ScenarioDoc } from '../scenario-doc';
import type { SimSession } from './session.svelte';
import { StoppedError, type Api } from './worker-channel.svelte';

export class DocumentEdits {
  doc = $state.raw<ScenarioDoc | null>(null);
  title = $state('');
  durationMs = $state(0);
  seed = $state(0);
  /**
   * Called after each change the learner makes to the document (a fault added, moved or
   * removed, a node dragged or edited) with the document it replaced. Plain loads do not call it.
   */
  onedit: ((before: ScenarioDoc, label: string) => void) | null = null;
  /**
   * Asked before each change the learner makes to the document's system (a parameter, a fault,
   * an editor change; not where a node is drawn): a sentence saying why it may not be made, or
   * null. A challenge allows only some changes; a refused one changes nothing and the sentence
   * becomes the notice.
   */
  guard: ((next: ScenarioDoc) => string | null) | null = null;
  /** The last document given to load, for a reload after a crash before any loaded. */
  lastDocument: unknown = null;
  /**
   * Bumped when another document is opened (not by an edit's reload): a change the learner
   * made to the previous one and still on its way is dropped, never applied to this one.
   */
  private workGen = 0;

  constructor(private readonly s: SimSession) {}

  get endUs(): number {
    return this.durationMs * 1000;
  }

  /**
   * Load a document; on success the session shows it from t = 0 (or `atUs`). `sameWork`: it
   * is the learner's document again (edited, or reloaded after a crash), not another one.
   */
  async load(document: unknown, opts: { atUs?: number; keepFailure?: boolean; sameWork?: boolean } = {}): Promise<boolean> {
    const s = this.s;
    s.playback.pause();
    const gen = s.channel.newGeneration();
    if (!opts.sameWork) this.workGen++;
    s.busy = true;
    s.head.loading = true;
    s.head.seekAfterLoadMs = null;
    let res: LoadResult;
    try {
      res = await s.channel.call<LoadResult>((api) => s.channel.load(api, document), 'loading the scenario');
    } catch (e) {
      if (e instanceof StoppedError) {
        // Stopped by the learner: this document was never loaded (the one before is reloaded).
        s.errors = [{ path: '', message: 'loading it was stopped before it finished' }];
      } else if (gen === s.channel.generation) {
        s.busy = false;
        s.head.loading = false;
        s.channel.crashed(e instanceof Error ? e.message : String(e));
      }
      return false;
    }
    if (gen !== s.channel.generation) return false;
    s.head.loading = false;
    if (!res.ok) {
      s.busy = false;
      s.errors = res.errors;
      return false;
    }
    this.lastDocument = document;
    s.errors = [];
    if (!opts.keepFailure) {
      s.failure = null;
      s.notice = null;
    }
    this.doc = res.scenario as ScenarioDoc;
    this.title = res.title;
    this.durationMs = res.durationMs;
    this.seed = res.seed;
    s.head.reset();
    s.head.apply(res.frame);
    s.loaded();
    // A learner who pressed End (or a key) while it loaded meant the run that was loading.
    const asked = s.head.seekAfterLoadMs;
    s.head.seekAfterLoadMs = null;
    s.busy = false;
    if (asked !== null) s.playback.seek(asked);
    else if (opts.atUs !== undefined && opts.atUs > 0) s.seekTo(opts.atUs);
    return true;
  }

  /**
   * Load a changed document and replay it to the current moment. A document the validator
   * refuses changes nothing: its errors become the notice.
   */
  async replace(doc: ScenarioDoc): Promise<boolean> {
    const s = this.s;
    if (this.refused(doc)) return false;
    // A seek still on its way (the one a previous edit's reload asked for) is where the learner is.
    const atUs = s.playback.playing ? (s.run.frame?.nowUs ?? 0) : s.head.positionUs;
    const ok = await this.load({ ...doc, format: 'faultline/1' }, { atUs: Math.min(atUs, doc.durationMs * 1000), sameWork: true });
    if (!ok) {
      s.notice = s.errors.map((e) => (e.message.startsWith(e.path) ? e.message : `${e.path}: ${e.message}`)).join('; ');
      s.errors = [];
    }
    return ok;
  }

  /**
   * A change to the document's faults, in turn with the other requests. It answers false when
   * it did not happen: refused, stopped, or meant for a document no longer open (another was
   * opened meanwhile: it is never applied to that one).
   */
  private changeFaults(body: (api: Api, stale: () => boolean) => Promise<boolean>): Promise<boolean> {
    const work = this.workGen;
    const stale = () => work !== this.workGen;
    return new Promise((resolve) => {
      this.s.channel.mutate(async (api) => {
        try {
          resolve(!stale() && (await body(api, stale)));
        } catch (e) {
          resolve(false);
          throw e;
        }
      });
    });
  }

  /** Whether the guard refuses `next` (it then says why in the notice). */
  private refused(next: ScenarioDoc | null): boolean {
    const why = next && this.guard ? this.guard(next) : null;
    if (why !== null) this.s.notice = why;
    return why !== null;
  }

  private withFaults(faults: FaultSpec[]): ScenarioDoc | null {
    return this.doc ? { ...this.doc, faults } : null;
  }

  /** Add a fault to the timeline; the worker replays to the current time with it. */
  addFault(fault: FaultDraft): Promise<boolean> {
    if (this.doc && this.refused(this.withFaults([...this.doc.faults, fault as FaultSpec]))) return Promise.resolve(false);
    return this.changeFaults(async (api, stale) => {
      const res = await this.s.channel.call<FaultsResult>(() => api.addFault(fault), `adding the ${fault.kind} and replaying the run with it`);
      return !stale() && this.applyFaults(res, `add ${fault.kind}`);
    });
  }

  removeFault(id: string): Promise<boolean> {
    if (this.doc && this.refused(this.withFaults(this.doc.faults.filter((f) => f.id !== id)))) return Promise.resolve(false);
    return this.changeFaults(async (api, stale) => {
      const res = await this.s.channel.call<FaultsResult>(() => api.removeFault(id), 'removing the fault and replaying the run without it');
      return !stale() && this.applyFaults(res, 'remove fault');
    });
  }

  /** Move a fault on the timeline (keeping its duration): remove it, add it back at `atMs`. */
  moveFault(id: string, atMs: number): Promise<boolean> {
    const old = this.doc?.faults.find((f) => f.id === id);
    if (!old) return Promise.resolve(false);
    const clamped = Math.max(0, Math.min(this.durationMs, Math.round(atMs)));
    const moved: FaultSpec = { ...old, atMs: clamped };
    if (old.untilMs !== undefined) moved.untilMs = Math.min(this.durationMs, clamped + (old.untilMs - old.atMs));
    if (moved.untilMs !== undefined && moved.untilMs <= moved.atMs) delete moved.untilMs;
    return this.replaceFault(old, moved, 'move fault', 'moving the fault and replaying the run');
  }

  /**
   * Change a fault in place (its time, its end, its own fields): the fault editor's Apply. The
   * worker's validator judges the new fault; a refused one changes nothing and says why.
   */
  editFault(id: string, next: FaultSpec): Promise<boolean> {
    const old = this.doc?.faults.find((f) => f.id === id);
    if (!old) return Promise.resolve(false);
    return this.replaceFault(old, { ...next, id }, `edit ${old.kind}`, 'changing the fault and replaying the run');
  }

  /** Remove `old`, add `next` in its place; one step of undo. */
  private replaceFault(old: FaultSpec, next: FaultSpec, label: string, doing: string): Promise<boolean> {
    const id = old.id!;
    if (this.doc && this.refused(this.withFaults(this.doc.faults.map((f) => (f.id === id ? next : f))))) return Promise.resolve(false);
    const before = this.doc;
    const ch = this.s.channel;
    return this.changeFaults(async (api, stale) => {
      const removed = await ch.call<FaultsResult>(() => api.removeFault(id), doing);
      if (stale()) return false;
      if (!removed.ok) return this.applyFaults(removed, null);
      const added = await ch.call<FaultsResult>(() => api.addFault(next), doing);
      if (stale()) return false;
      if (added.ok) {
        const ok = this.applyFaults(added, null);
        if (ok && before) this.onedit?.(before, label);
        return ok;
      }
      // Put it back as it was, so a refused change changes nothing.
      await ch.call<FaultsResult>(() => api.addFault(old), 'putting the fault back');
      return this.applyFaults(added, null);
    });
  }

  /** `label`: the change to record for undo, or null when the caller records it. */
  private applyFaults(res: FaultsResult, label: string | null): boolean {
    const s = this.s;
    if (!res.ok) {
      s.notice = res.errors.map((e) => e.message).join('; ');
      return false;
    }
    s.notice = null;
    const before = this.doc;
    if (before) this.doc = { ...before, faults: res.faults };
    // The run was rewound to before the change: until it is back, the page shows where it was.
    if ('pending' in res.frame) {
      s.head.noteRunAhead(res.frame.runAhead);
      s.seekTo(res.frame.targetUs);
    } else s.head.apply(res.frame);
    if (before && label) this.onedit?.(before, label);
    return true;
  }

  /** Where the stage draws a node: part of the document (no reload: the run does not depend on it). */
  setPositions(positions: Map<string, { x: number; y: number }>): void {
    const doc = this.doc;
    if (!doc) return;
    const nodes = doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    });
    this.doc = { ...doc, nodes };
    this.lastDocument = this.doc;
    this.onedit?.(doc, 'move node');
  }

  /** Change one node's parameters: the document is reloaded and the run replayed to now. */
  async editNode(id: string, patch: Record<string, unknown>): Promise<boolean> {
    const doc = this.doc;
    if (!doc) return false;
    const nodes = doc.nodes.map((n) => {
      if (n.id !== id) return n;
      const next: Record<string, unknown> = { ...n, ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined || v === '') delete next[k];
      return next as unknown as NodeSpec;
    });
    const ok = await this.replace({ ...doc, nodes });
    if (ok) this.onedit?.(doc, `edit ${id}`);
    return ok;
  }
}
