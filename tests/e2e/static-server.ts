// The static file server the browser tests use is the one `npm run export` serves the app with.
export { serveStatic, type StaticServer } from '../../src/cli/browser/static-server';
