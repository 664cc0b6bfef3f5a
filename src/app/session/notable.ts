// What "next event" (N) stops at, in a module of its own (no runes): the page's playhead reads
// it, and so do the unit tests, which are compiled without Svelte.

/** Marks worth stopping at: failures, their detection, and what the system did about them. */
export const NOTABLE_MARKS: ReadonlySet<string> = new Set([
  'crash',
  'restart',
  // A database that stays down when asked to start (a backup is being restored onto it).
  'start-refused',
  'pause',
  'resume',
  'fault:apply',
  'fault:revert',
  'failover',
  'failover-impossible',
  'detected-down',
  'node-back',
  'role',
  'endpoint',
  'repoint',
  'alert',
  'fenced',
  'demote',
  'managed-failover',
  'disk-full',
  'overloaded',
  'lease-lost',
  'semi-sync-off',
]);
