// Finding a Chromium to drive: for the browser tests, the browser benchmark and `npm run
// export`. Browsers cannot be downloaded on every machine (`npx playwright install` needs the
// network), so Debian's is preferred: CHROMIUM_PATH if set, else /usr/bin/chromium, else
// Playwright's own if one happens to be installed.

import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How to get a browser, for the message when there is none. */
export const HOW_TO_GET_CHROMIUM = [
  "Install Debian's:  sudo apt-get update && sudo apt-get install -y chromium",
  'or point to one:    CHROMIUM_PATH=/path/to/chromium',
  '(or, where the network allows it: npx playwright install chromium)',
];

/** The browser's path, or null (with the places tried) when there is none. */
export function locateChromium(): { path: string } | { tried: string[] } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((c): c is string => !!c);
  for (const c of candidates) if (existsSync(c)) return { path: c };
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return { path: own };
  } catch {
    // Playwright has no browser of its own here.
  }
  return { tried: [...candidates, "Playwright's own browser"] };
}

export function findChromium(): string {
  const found = locateChromium();
  if ('path' in found) return found.path;
  throw new Error(['No Chromium found.', ...HOW_TO_GET_CHROMIUM, `(tried: ${found.tried.join(', ')})`].join('\n'));
}
