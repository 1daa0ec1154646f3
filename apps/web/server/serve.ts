// The viewer served on the loopback interface, with files the page opens on load. Only the
// built page (dist/) and the files named here are served, from 127.0.0.1 only; the files
// are listed in ./preload.json by name and served at ./files/N (never by their path, and
// the page's URL carries no data). Nothing is fetched from elsewhere.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '@attnlens/core';

/** The built page, beside this module's folder (apps/web/dist/page). */
export const PAGE_DIR = resolve(fileURLToPath(new URL('../page', import.meta.url)));

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

export interface ViewerOptions {
  /** Files the page opens when it loads. */
  files?: readonly string[];
  /** 0 picks a free port. */
  port?: number;
}

export interface Viewer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function checkFiles(files: readonly string[]): string[] {
  return files.map((f) => {
    const p = resolve(f);
    if (!existsSync(p) || !statSync(p).isFile()) fail('FILE_NOT_FOUND', 'does not exist or is not a file', { file: f, hint: 'name a file the page should open' });
    return p;
  });
}

function send(res: ServerResponse, path: string, type: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': statSync(path).size, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  createReadStream(path).pipe(res);
}

function handler(files: string[]) {
  const preload = JSON.stringify(files.map((f, i) => ({ name: basename(f), url: `./files/${i}` })));
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (path === '/preload.json') return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(preload);
    const m = /^\/files\/(\d+)$/.exec(path);
    if (m) {
      const f = files[Number(m[1])];
      return f ? send(res, f, 'application/octet-stream') : void res.writeHead(404).end();
    }
    // Only what lies inside the built page's folder.
    const local = normalize(join(PAGE_DIR, path === '/' ? 'index.html' : path));
    if (!local.startsWith(PAGE_DIR + sep) || !existsSync(local) || !statSync(local).isFile()) return void res.writeHead(404).end();
    send(res, local, TYPES[extname(local)] ?? 'application/octet-stream');
  };
}

/** Serve the viewer on 127.0.0.1 with `files` preloaded. */
export async function serveViewer(opts: ViewerOptions = {}): Promise<Viewer> {
  if (!existsSync(join(PAGE_DIR, 'index.html'))) fail('FILE_NOT_FOUND', 'the web viewer is not built', { file: PAGE_DIR, hint: 'build it: pnpm --filter @attnlens/web build' });
  const files = checkFiles(opts.files ?? []);
  const server = createServer(handler(files));
  const port = opts.port ?? 0;
  await new Promise<void>((ok, ko) => {
    server.once('error', (e: NodeJS.ErrnoException) => ko(e.code === 'EADDRINUSE' ? fail('IO', `port ${port} on 127.0.0.1 is in use`, { hint: 'pick another port, or 0 for a free one' }) : e));
    server.listen(port, '127.0.0.1', ok);
  });
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    server,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
