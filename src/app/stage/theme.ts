// The stage's colours, read from the page's CSS custom properties so that the canvas follows
// the light or dark theme like the rest of the page. The message palette is Okabe and Ito's,
// chosen to stay distinct for the common colour-vision deficiencies; every kind also has its
// own shape, so colour never carries meaning alone.

import type { MsgClass } from './messages';

export interface StageTheme {
  bg: string;
  fg: string;
  muted: string;
  line: string;
  siteFill: string;
  nodeFill: string;
  primary: string;
  replica: string;
  down: string;
  bad: string;
  warn: string;
  focus: string;
  msg: Record<MsgClass, string>;
  font: string;
}

function v(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(el: Element): StageTheme {
  const s = getComputedStyle(el);
  return {
    bg: v(s, '--bg', '#fbfbfa'),
    fg: v(s, '--fg', '#1d1d1f'),
    muted: v(s, '--muted', '#5d5d66'),
    line: v(s, '--line', '#d8d8dc'),
    siteFill: v(s, '--site-fill', '#f0f0ee'),
    nodeFill: v(s, '--node-fill', '#ffffff'),
    primary: v(s, '--primary', '#0072b2'),
    replica: v(s, '--replica', '#009e73'),
    down: v(s, '--down', '#8a8a93'),
    bad: v(s, '--bad', '#b3261e'),
    warn: v(s, '--warn', '#a15c00'),
    focus: v(s, '--focus', '#6b3fa0'),
    msg: {
      write: v(s, '--msg-write', '#d55e00'),
      read: v(s, '--msg-read', '#0072b2'),
      ack: v(s, '--msg-ack', '#009e73'),
      replication: v(s, '--msg-replication', '#cc79a7'),
      heartbeat: v(s, '--msg-heartbeat', '#8a8a93'),
      error: v(s, '--msg-error', '#b3261e'),
      control: v(s, '--msg-control', '#e69f00'),
    },
    font: v(s, '--stage-font', 'system-ui, sans-serif'),
  };
}
