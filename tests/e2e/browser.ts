// Finding a Chromium to test with. Browsers cannot be downloaded on this machine
// (`npx playwright install` fails), so the tests use Debian's: CHROMIUM_PATH if set, else
// /usr/bin/chromium, else Playwright's own if one happens to be installed.

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

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here; fall through to the explanation.
  }
  throw new Error(
    [
      'No Chromium found for the browser tests.',
      'Install Debian\'s:  sudo apt-get update && sudo apt-get install -y chromium',
      'or point to one:    CHROMIUM_PATH=/path/to/chromium npm test',
      '(tried: ' + candidates.filter(Boolean).join(', ') + ', and Playwright\'s own browser)',
    ].join('\n'),
  );
}
