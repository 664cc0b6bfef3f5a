// The browser tests find Chromium as `npm run export` does (src/cli/browser/chromium.ts):
// CHROMIUM_PATH, then /usr/bin/chromium, then Playwright's own.
export { CHROMIUM_FLAGS, findChromium } from '../../src/cli/browser/chromium';
