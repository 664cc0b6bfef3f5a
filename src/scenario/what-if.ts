// "What if?": a scenario's fixes as data. Each entry names a few changes (set a node's
// parameters, add or remove a fault) that a learner applies to see the outcome change:
// fencing on, the role endpoint instead of a node's own address, throttled catch-up, a
// synchronous standby. Applying one is a plain edit of the document, so the result goes
// through the validator like any other document, and a share link carries it like any edit.
//
// No DOM and no validation here: the validator (validate.ts) checks the entries' shape and
// that applying each one gives a valid scenario; the app and the CLI apply them.

/** One change: exactly one of `node` + `set`, `addFault`, `removeFault`. */
export interface WhatIfChange {
  /** The node whose fields `set` changes (a `null` value removes the field: back to its default). */
  node?: string;
  set?: Record<string, unknown>;
  /** A fault added to the timeline. */
  addFault?: Record<string, unknown>;
  /** The id of a fault taken off the timeline. */
  removeFault?: string;
}

export interface WhatIf {
  id: string;
  title: string;
  /** What the fix is and what to look for, in plain text (never interpreted as markup). */
  text?: string;
  changes: WhatIfChange[];
}

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The document's what-if entries that have the expected shape (the validator reports the rest). */
export function whatIfsOf(doc: unknown): WhatIf[] {
  if (!isRec(doc) || !Array.isArray(doc.whatIf)) return [];
  return doc.whatIf.filter((w): w is WhatIf => isRec(w) && typeof w.id === 'string' && typeof w.title === 'string' && Array.isArray(w.changes));
}

/**
 * The document with the what-if applied (a new object; the input is not changed). Changes
 * that do not fit (a node that is not there) are skipped: the validator has said so already
 * for documents it accepted.
 */
export function applyWhatIf<T extends object>(doc: T, w: WhatIf): T {
  const out = { ...(doc as Rec) };
  let nodes = Array.isArray(out.nodes) ? [...(out.nodes as unknown[])] : [];
  let faults = Array.isArray(out.faults) ? [...(out.faults as unknown[])] : [];
  for (const c of w.changes) {
    if (!isRec(c)) continue;
    if (typeof c.node === 'string' && isRec(c.set)) {
      const set = c.set;
      nodes = nodes.map((n) => {
        if (!isRec(n) || n.id !== c.node) return n;
        const next: Rec = { ...n };
        for (const [k, v] of Object.entries(set)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        return next;
      });
    } else if (isRec(c.addFault)) {
      const f = c.addFault;
      // Applying twice must not add the fault twice.
      if (typeof f.id !== 'string' || !faults.some((x) => isRec(x) && x.id === f.id)) faults.push({ ...f });
    } else if (typeof c.removeFault === 'string') {
      faults = faults.filter((x) => !isRec(x) || x.id !== c.removeFault);
    }
  }
  out.nodes = nodes;
  out.faults = faults;
  return out as T;
}

/** True when the document already has every change of the what-if (applied, or written that way). */
export function isWhatIfApplied(doc: unknown, w: WhatIf): boolean {
  if (!isRec(doc)) return false;
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  const faults = Array.isArray(doc.faults) ? doc.faults : [];
  return w.changes.every((c) => {
    if (typeof c.node === 'string' && isRec(c.set)) {
      const n = nodes.find((x) => isRec(x) && x.id === c.node) as Rec | undefined;
      if (!n) return false;
      return Object.entries(c.set).every(([k, v]) => (v === null ? !(k in n) : sameJson(n[k], v)));
    }
    if (isRec(c.addFault)) {
      const f = c.addFault;
      return faults.some((x) => isRec(x) && (typeof f.id === 'string' ? x.id === f.id : sameJson(x, f)));
    }
    if (typeof c.removeFault === 'string') return !faults.some((x) => isRec(x) && x.id === c.removeFault);
    return true;
  });
}

/** Equal as JSON values (object key order aside). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a as Rec);
  const kb = Object.keys(b as Rec);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as Rec, k) && sameJson((a as Rec)[k], (b as Rec)[k]));
}
