// The keyboard shortcuts, in one table: it drives both the keys (`handleKey`) and the sheet
// that lists them (ShortcutSheet.svelte), so the two cannot disagree. Rows without a `run`
// are ways of working the sheet describes (the palette by keyboard, faults on the timeline)
// whose keys belong to a control of their own.

import type { Playground } from './playground.svelte';

export interface Shortcut {
  /** How the sheet shows the keys: each entry a group of keys pressed together, alternatives joined by " / ". */
  keys: string[][];
  /** For a row that is a way of working rather than a key: what the sheet calls it. */
  term?: string;
  /** What it does, as the sheet says it. */
  does: string;
  /** Whether a key event is this shortcut (modifiers are checked by `mods`). */
  match?: (e: KeyboardEvent) => boolean;
  /** Ctrl (or ⌘) is held: these work outside the sheet's "only while no dialog is open" rule for playing. */
  mods?: 'ctrl';
  run?: (p: Playground, e: KeyboardEvent) => void;
}

const key = (...names: string[]) => (e: KeyboardEvent) => names.includes(e.key);

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: [['Space']], does: 'play / pause', match: key(' '), run: (p) => p.playback.toggle() },
  {
    keys: [['→'], ['←']],
    does: 'one second forwards / back (with Shift: ten)',
    match: key('ArrowRight', 'ArrowLeft'),
    run: (p, e) => p.playback.seekBy((e.key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 10_000 : 1_000)),
  },
  { keys: [['.']], does: 'step to the next event', match: key('.'), run: (p) => p.playback.step() },
  { keys: [['N']], does: 'jump to the next notable event', match: key('n', 'N'), run: (p) => p.playback.nextNotable() },
  { keys: [['Home'], ['End']], does: 'start / end of the run', match: key('Home', 'End'), run: (p, e) => p.playback.seek(e.key === 'Home' ? 0 : Infinity) },
  {
    keys: [['+'], ['-']],
    does: 'faster / slower',
    match: key('+', '=', '-', '_'),
    run: (p, e) => (e.key === '+' || e.key === '=' ? p.playback.faster() : p.playback.slower()),
  },
  { keys: [['?']], does: 'this sheet' },
  {
    keys: [
      ['Ctrl', 'Z'],
      ['Ctrl', 'Shift', 'Z'],
    ],
    does: 'undo / redo a change to the scenario (also Ctrl+Y; ⌘ on a Mac)',
    mods: 'ctrl',
    match: (e) => ['z', 'y'].includes(e.key.toLowerCase()),
    run: (p, e) => void (e.key.toLowerCase() === 'z' && !e.shiftKey ? p.undo() : p.redo()),
  },
  { keys: [['Esc']], does: 'clear the selection, close this sheet', match: key('Escape'), run: (p) => p.clearSelection() },
  { keys: [], term: 'Failures', does: 'press a failure in the palette, pick its target, and add it: the same as dragging it' },
  { keys: [], term: 'Faults on the timeline', does: 'Enter to edit its time, Delete to remove it' },
];

/**
 * A key pressed anywhere on the page. Returns true when it was a shortcut (and was acted on).
 * `sheet` toggles the shortcut sheet; keys do nothing while typing in a field or (except the
 * sheet's own) while a dialog is open.
 */
export function handleKey(e: KeyboardEvent, p: Playground, sheet: { toggle(): void; open: boolean }): boolean {
  const el = e.target as HTMLElement;
  const typing = el.closest?.('input, select, textarea, [contenteditable="true"]') != null;
  if ((e.ctrlKey || e.metaKey) && !e.altKey) {
    if (typing || p.view !== 'play') return false;
    const s = SHORTCUTS.find((x) => x.mods === 'ctrl' && x.match?.(e));
    if (!s?.run) return false;
    e.preventDefault();
    s.run(p, e);
    return true;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || typing) return false;
  if (e.key === '?') {
    e.preventDefault();
    sheet.toggle();
    return true;
  }
  if (sheet.open || p.view !== 'play' || document.querySelector('dialog[open]')) return false;
  // A focused button takes the space bar itself (that is how buttons work).
  if (e.key === ' ' && el.closest?.('button, a, [role="button"]')) return false;
  const s = SHORTCUTS.find((x) => x.mods === undefined && x.run && x.match?.(e));
  if (!s?.run) return false;
  // Escape also closes things of its own (a dialog): it is not taken from them.
  if (e.key !== 'Escape') e.preventDefault();
  s.run(p, e);
  return true;
}
