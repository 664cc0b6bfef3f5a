// What the CLI prints to a terminal. Scenario titles, ids, narration, history values and the
// error sentences that quote them are the user's text, and a terminal obeys control
// characters in what it prints: an escape sequence in a title could set the window title,
// clear the screen or forge lines of output. Everything the CLI writes for a person goes
// through `forTerminal`; JSON output through `jsonForTerminal`.

import { stripVTControlCharacters } from 'node:util';

// C0 controls, DEL and C1 controls (U+0080 to U+009F: 8-bit terminals read U+009B as CSI).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\t\n\r\v\f\u2028\u2029]/g;

/**
 * One line of text as safe to print: escape sequences (CSI, OSC, ...) removed whole, line
 * breaks and tabs turned into spaces (user text cannot start a line of output of its own),
 * any other control character dropped. Ordinary Unicode (accents, CJK, emoji) is kept.
 */
export function forTerminal(text: string): string {
  return stripVTControlCharacters(String(text)).replace(LINE_BREAKS, ' ').replace(CONTROL, '');
}

/** Lines of text (a stack trace, a list), each made safe: the breaks between them are ours. */
export function linesForTerminal(text: string): string[] {
  return String(text).split('\n').map(forTerminal);
}

/**
 * JSON for stdout. JSON.stringify already escapes C0 controls inside strings; C1 controls and
 * DEL it leaves raw, so they are escaped here too (the same JSON value, byte for byte safer).
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
