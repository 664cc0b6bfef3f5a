// The page's entry, kept small: it starts the simulation's worker and the reading and loading
// of the link in the address (boot.ts) before the app's own code has arrived, then loads the
// app, whose mount overlaps with the simulation instead of coming before it. (So the app
// mounts after the page's load event: whoever drives the page waits for the app, not for that.)
import { startEarly, whenStarted } from './boot';

const early = startEarly(location.hash);
void whenStarted(early).then(() => import('./start-app'));
