// How the swarm prints a seed that broke an invariant: the seed, each invariant with its
// sentence (user-facing text passes through forTerminal), and the share link that replays the world.
import { forTerminal } from '../terminal';
import type { SeedResult } from './check';

export function formatFailure(r: SeedResult & { link?: string }): string {
  const lines = [`seed ${r.seed}: ${r.violations.length} invariant${r.violations.length === 1 ? '' : 's'} broken`];
  for (const v of r.violations) lines.push(`  ${v.invariant}: ${forTerminal(v.detail)}`);
  if (r.link) lines.push(`  replay: npm run sim -- ${r.link}`);
  return lines.join('\n');
}
