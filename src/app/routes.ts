// What the address's fragment asks for. The fragment (not the path) carries it, so the static
// build works from any sub-path of any host, and a share link never reaches a server's logs.
//
//   (empty), #library    the gallery of built-in scenarios
//   #challenges          the same page, at its Challenges shelf
//   #play=<id>           a built-in scenario, as written
//   #mine                the learner's own last work (autosaved)
//   #challenge=<id>      a built-in challenge, with the learner's attempt at it (kept apart from #mine)
//   #fl1.…               a share link (any fl<N>. prefix: a newer one is refused with a message)

export type Route =
  | { kind: 'library'; section?: 'challenges' }
  | { kind: 'builtin'; id: string }
  | { kind: 'mine' }
  | { kind: 'challenge'; id: string }
  | { kind: 'link'; link: string };

export function parseRoute(hash: string): Route {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '' || h === 'library') return { kind: 'library' };
  if (h === 'challenges') return { kind: 'library', section: 'challenges' };
  if (h === 'mine') return { kind: 'mine' };
  if (h.startsWith('play=')) return { kind: 'builtin', id: decodeURIComponent(h.slice('play='.length)) };
  if (h.startsWith('challenge=')) return { kind: 'challenge', id: decodeURIComponent(h.slice('challenge='.length)) };
  // Anything else is taken for a link: the decoder says precisely what is wrong with it.
  return { kind: 'link', link: h };
}

export function routeHash(r: Route): string {
  switch (r.kind) {
    case 'library':
      return r.section ? `#${r.section}` : '#library';
    case 'builtin':
      return `#play=${encodeURIComponent(r.id)}`;
    case 'mine':
      return '#mine';
    case 'challenge':
      return `#challenge=${encodeURIComponent(r.id)}`;
    case 'link':
      return `#${r.link}`;
  }
}

/** The address of a page of this build beside the current one (works from any sub-path). */
export function pageUrl(page: '' | 'embed.html', hash: string, search = '', from: string = location.href): string {
  const u = new URL(page || './', from);
  u.search = search;
  u.hash = hash;
  return u.href;
}
