// The embeddable player's options, read from its address's query (the fragment holds the link):
//   ?autoplay=1&t=30&speed=2&readonly=1&hide=controls,timeline,narration&theme=dark

export interface EmbedOptions {
  autoplay: boolean;
  /** Start here, in ms (default: the beginning). */
  startMs: number;
  /** Virtual seconds per wall second (default 1). */
  speedX: number | null;
  /** No what-ifs: the reader only watches. */
  readonly: boolean;
  hide: { controls: boolean; timeline: boolean; narration: boolean };
  theme: 'light' | 'dark' | null;
}

function flag(v: string | null): boolean {
  return v !== null && v !== '0' && v !== 'false' && v !== 'no';
}

export function parseOptions(search: string): EmbedOptions {
  const q = new URLSearchParams(search);
  const t = Number(q.get('t'));
  const speed = Number(q.get('speed'));
  const hide = new Set((q.get('hide') ?? '').split(',').map((s) => s.trim()));
  const theme = q.get('theme');
  return {
    autoplay: flag(q.get('autoplay')),
    startMs: Number.isFinite(t) && t > 0 ? t * 1000 : 0,
    speedX: Number.isFinite(speed) && speed > 0 ? speed : null,
    readonly: flag(q.get('readonly')),
    hide: { controls: hide.has('controls'), timeline: hide.has('timeline'), narration: hide.has('narration') },
    theme: theme === 'light' || theme === 'dark' ? theme : null,
  };
}
