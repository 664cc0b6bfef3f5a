// Playback speeds, on a log scale (1-2-5 steps): from slow motion, where a single message
// inside a data centre (a quarter of a millisecond) crosses the screen in about a second, to
// ten thousand times real time, where a three-hour outage passes in about a minute.

export const SPEEDS_X: readonly number[] = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000,
];

export const DEFAULT_SPEED_INDEX = SPEEDS_X.indexOf(1);

export function speedLabel(speedX: number): string {
  if (speedX >= 1) return `${speedX.toLocaleString('en-US')}×`;
  return `${speedX}×`;
}
