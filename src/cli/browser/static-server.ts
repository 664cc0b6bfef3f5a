// A plain static file server: the production build served under a path (for `npm run export`,
// and for browser tests as a static host would serve it from a folder), and pages of a "blog"
// on another origin that embed the player. node:http only; it serves what it is given and
// nothing else, on 127.0.0.1.

import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticServer {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serve `root` under `prefix` (e.g. '/some/sub/path/'), plus fixed `pages` at their own paths. */
export async function serveStatic(opts: { root?: string; prefix?: string; pages?: Record<string, string> }): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const page = opts.pages?.[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(page);
      return;
    }
    if (opts.root && opts.prefix && path.startsWith(opts.prefix)) {
      let rel = path.slice(opts.prefix.length) || 'index.html';
      if (rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(opts.root, rel));
      if (file.startsWith(normalize(opts.root))) {
        try {
          const body = await readFile(file);
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          res.end(body);
          return;
        } catch {
          // fall through to 404
        }
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
