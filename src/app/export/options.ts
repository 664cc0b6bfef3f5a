// What an export is asked for, checked in one place for the app's dialog, the page's export
// hook and `npm run export`: a range of virtual time, a format, a frame rate, a width and a
// speed, and what to draw besides the stage. Every problem is a sentence a person can act on.
// No DOM here (the CLI checks its arguments with it before starting a browser).

export const EXPORT_FORMATS = ['gif', 'webm', 'mp4', 'png'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_LIMITS = {
  fpsMin: 1,
  fpsMax: 60,
  widthMin: 160,
  widthMax: 3840,
  speedMin: 0.01,
  speedMax: 100_000,
  /** Frames in one export at most (10 minutes of video at 10 frames a second). */
  frames: 6_000,
} as const;

export const EXPORT_DEFAULTS = { fps: 10, widthPx: 640, speedX: 1 } as const;

export interface ExportOptions {
  format: ExportFormat;
  /** Virtual time, ms. A PNG is the still at `fromMs`. */
  fromMs: number;
  toMs: number;
  /** Frames per second of the video (not of virtual time). */
  fps: number;
  /** Width of the picture in pixels; the height follows from the stage. */
  widthPx: number;
  /** Virtual seconds per second of video. */
  speedX: number;
  /** Draw the timeline under the stage. */
  timeline: boolean;
  /** Draw the narration's caption of the moment. */
  captions: boolean;
  /** Draw the anomaly badges and pulses on the stage. */
  badges: boolean;
}

/** An export asked for in loose terms (a form, command-line text): anything may be missing or wrong. */
export interface ExportRequest {
  format?: unknown;
  fromMs?: unknown;
  toMs?: unknown;
  fps?: unknown;
  widthPx?: unknown;
  speedX?: unknown;
  timeline?: unknown;
  captions?: unknown;
  badges?: unknown;
}

/** What the page's export door (hook.ts) answers `npm run export` with. */
export type ExportHookResult =
  | { ok: true; base64: string; name: string; mime: string; frames: number; widthPx: number; heightPx: number; videoSeconds: number }
  /** `code` 2: the input is wrong (a link, a range, an option, a format this browser cannot encode); 1: it failed. */
  | { ok: false; code: 1 | 2; errors: string[] };

export type CheckedOptions = { ok: true; options: ExportOptions } | { ok: false; errors: string[] };

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Check a request against a run of `durationMs`. */
export function checkExportOptions(req: ExportRequest, durationMs: number): CheckedOptions {
  const errors: string[] = [];
  const num = (v: unknown, what: string, rule: { min: number; max: number; integer?: boolean }, dflt?: number): number => {
    if (v === undefined && dflt !== undefined) return dflt;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      errors.push(`${what} must be a number${v === undefined ? '' : `; found ${JSON.stringify(v)?.slice(0, 40)}`}`);
      return NaN;
    }
    if (rule.integer && !Number.isInteger(n)) errors.push(`${what} must be a whole number; found ${n}`);
    else if (n < rule.min || n > rule.max) errors.push(`${what} must be from ${rule.min} to ${rule.max}; found ${n}`);
    return n;
  };
  const format = req.format;
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    errors.push(`the format must be one of ${EXPORT_FORMATS.join(', ')}${format === undefined ? '' : `; found ${JSON.stringify(format)?.slice(0, 40)}`}`);
  }
  const still = format === 'png';
  const fromMs = num(req.fromMs, 'the start (from)', { min: 0, max: durationMs });
  const toMs = still && req.toMs === undefined ? fromMs : num(req.toMs, 'the end (to)', { min: 0, max: durationMs });
  if (Number.isFinite(fromMs) && fromMs > durationMs) errors.push(`the start is after the end of the run (${seconds(durationMs)})`);
  if (Number.isFinite(fromMs) && Number.isFinite(toMs) && !still && toMs <= fromMs) {
    errors.push(`the range is empty: the end (${seconds(toMs)}) must be after the start (${seconds(fromMs)})`);
  }
  const fps = num(req.fps, 'the frame rate', { min: EXPORT_LIMITS.fpsMin, max: EXPORT_LIMITS.fpsMax, integer: true }, EXPORT_DEFAULTS.fps);
  const widthPx = num(req.widthPx, 'the width', { min: EXPORT_LIMITS.widthMin, max: EXPORT_LIMITS.widthMax, integer: true }, EXPORT_DEFAULTS.widthPx);
  const speedX = num(req.speedX, 'the speed', { min: EXPORT_LIMITS.speedMin, max: EXPORT_LIMITS.speedMax }, EXPORT_DEFAULTS.speedX);
  const flag = (v: unknown, what: string, dflt: boolean): boolean => {
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') errors.push(`${what} must be true or false`);
    return v === true;
  };
  const timeline = flag(req.timeline, 'timeline', true);
  const captions = flag(req.captions, 'captions', true);
  const badges = flag(req.badges, 'badges', true);
  if (errors.length) return { ok: false, errors };
  const options: ExportOptions = { format: format as ExportFormat, fromMs, toMs: still ? fromMs : toMs, fps, widthPx, speedX, timeline, captions, badges };
  const frames = frameCount(options);
  if (frames > EXPORT_LIMITS.frames) {
    return { ok: false, errors: [`that is ${frames.toLocaleString('en-US')} frames; an export may have at most ${EXPORT_LIMITS.frames.toLocaleString('en-US')}: shorten the range, or raise the speed or lower the frame rate`] };
  }
  return { ok: true, options };
}

/**
 * The virtual time of each frame, in µs: frame i shows `from + i x speed / fps`, for as many
 * frames as the range lasts at that speed (at least one). Integer microseconds, so a frame is
 * a moment the simulation can land on exactly.
 */
export function frameTimesUs(o: Pick<ExportOptions, 'format' | 'fromMs' | 'toMs' | 'fps' | 'speedX'>): number[] {
  const fromUs = Math.round(o.fromMs * 1000);
  const n = Math.min(frameCount(o), EXPORT_LIMITS.frames);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(fromUs + Math.round((i * o.speedX * 1e6) / o.fps));
  return out;
}

/** How many frames the range lasts at the speed and frame rate (a PNG is one). */
export function frameCount(o: Pick<ExportOptions, 'format' | 'fromMs' | 'toMs' | 'fps' | 'speedX'>): number {
  if (o.format === 'png') return 1;
  return Math.max(1, Math.round(((o.toMs - o.fromMs) / 1000 / o.speedX) * o.fps));
}

export const EXTENSION: Record<ExportFormat, string> = { gif: 'gif', webm: 'webm', mp4: 'mp4', png: 'png' };
export const MIME: Record<ExportFormat, string> = { gif: 'image/gif', webm: 'video/webm', mp4: 'video/mp4', png: 'image/png' };

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
}

function secondsTag(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`.replace('.', '_');
}

/** `split-brain-two-primaries-without-fencing-20s-30s.gif`; a PNG names its moment only. */
export function exportFileName(title: string, o: Pick<ExportOptions, 'format' | 'fromMs' | 'toMs'>, compared?: string): string {
  const range = o.format === 'png' ? secondsTag(o.fromMs) : `${secondsTag(o.fromMs)}-${secondsTag(o.toMs)}`;
  const vs = compared ? `-vs-${slug(compared).slice(0, 30)}` : '';
  return `${slug(title)}${vs}-${range}.${EXTENSION[o.format]}`;
}
