// The player's entry, kept small as the app's is (src/app/main.ts): the simulation's worker is
// started and the link read and loaded before the player's own code has arrived.
import { startEarly, whenStarted } from '../app/boot';

const early = startEarly(location.hash, undefined, { savedWork: false });
void whenStarted(early).then(() => import('./start-player'));
