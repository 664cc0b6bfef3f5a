// The page's door for `npm run export`: with `?export` in its address, the app's page offers
// `window.__faultlineExport(link, request)`, which renders and encodes with the app's own
// renderer and encoders and hands back the file. The command line drives it in headless
// Chromium; a learner's page (no `?export`) has no such global.

import type { ExportHookResult, ExportRequest } from './options';

declare global {
  interface Window {
    __faultlineExport?: (link: string, request: ExportRequest) => Promise<ExportHookResult>;
    /** Set by the command line to hear of progress. */
    __faultlineExportProgress?: (done: number, total: number) => void;
  }
}

export function installExportHook(): void {
  if (!new URLSearchParams(location.search).has('export')) return;
  window.__faultlineExport = async (link, request) => {
    const [{ decodeShareLink }, { builtIn }, { validateComparison }, { checkExportOptions }, { runExport, ExportError }, { readTheme }, { divergence }] = await Promise.all([
      import('../../scenario/share-link'),
      import('../../scenario/library'),
      import('../../scenario/validate'),
      import('./options'),
      import('./run-export'),
      import('../stage/theme'),
      import('../compare/divergence'),
    ]);
    const decoded = await decodeShareLink(link, builtIn);
    if (!decoded.ok) return { ok: false, code: 2, errors: decoded.errors.map((e) => e.message) };
    const doc = decoded.scenario;
    const checked = checkExportOptions(request, doc.durationMs);
    if (!checked.ok) return { ok: false, code: 2, errors: checked.errors };
    let compare;
    if (decoded.view.compare) {
      const c = validateComparison(doc, decoded.view.compare);
      if (!c.ok) return { ok: false, code: 2, errors: c.errors.map((e) => e.message) };
      compare = { doc: c.scenario, title: c.title, divergedAtUs: await divergence(doc, c.scenario) };
    }
    try {
      const r = await runExport({ doc, compare, options: checked.options, theme: readTheme(document.documentElement) }, (done, total) => window.__faultlineExportProgress?.(done, total));
      const o = checked.options;
      return { ok: true, base64: toBase64(r.bytes), name: r.name, mime: r.mime, frames: r.frames, widthPx: r.widthPx, heightPx: r.heightPx, videoSeconds: o.format === 'png' ? 0 : r.frames / o.fps };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, code: e instanceof ExportError ? 2 : 1, errors: [message] };
    }
  };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
