/**
 * The demo EHRs' web server: static files from demo/ehrs on the loopback only, with today's date
 * put into the classic pages (an eAttest is for today's care), the single-page app's deep links
 * answered with its shell, and a strict content security policy. Used by `npm start` and the tests;
 * `tsx demo/ehr-server.ts [port]` runs it alone.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ehrRoot = fileURLToPath(new URL('./ehrs/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface EhrServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export interface EhrServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  now?: () => Date;
}

const two = (value: number): string => String(value).padStart(2, '0');

/** The date tokens the classic pages carry, in the server's local calendar. */
export function dateTokens(now: Date): Record<string, string> {
  const [day, month, year] = [two(now.getDate()), two(now.getMonth() + 1), String(now.getFullYear())];
  return { '{{TODAY_ISO}}': `${year}-${month}-${day}`, '{{TODAY_DMY}}': `${day}/${month}/${year}`, '{{TODAY_DMY_DOTS}}': `${day}.${month}.${year}` };
}

/** Maps a request path to a file under the root, or undefined; the single-page app's routes get its shell. */
function fileFor(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  if (/^\/medispa\/patients\/[^/]+$/.test(decoded)) decoded = '/medispa/index.html';
  if (decoded.endsWith('/')) decoded += 'index.html';
  const file = normalize(join(ehrRoot, decoded));
  return file.startsWith(ehrRoot.endsWith(sep) ? ehrRoot : ehrRoot + sep) ? file : undefined;
}

async function handle(request: IncomingMessage, response: ServerResponse, now: () => Date): Promise<void> {
  const send = (status: number, type: string, body: string | Buffer): void => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed');
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const file = fileFor(url.pathname);
  const type = file === undefined ? undefined : CONTENT_TYPES[extname(file)];
  if (file === undefined || type === undefined) return send(404, 'text/plain', 'not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return send(404, 'text/plain', 'not found');
  }
  if (extname(file) !== '.html') return send(200, type, body);
  const tokens = dateTokens(now());
  return send(200, type, body.toString('utf8').replace(/\{\{TODAY_[A-Z_]+\}\}/g, (token) => tokens[token] ?? token));
}

export async function startEhrServer(options: EhrServerOptions = {}): Promise<EhrServer> {
  const now = options.now ?? (() => new Date());
  const server = createServer((request, response) => {
    handle(request, response, now).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startEhrServer({ port: Number(process.argv[2] ?? 8765) });
  process.stdout.write(`demo EHRs on ${server.origin}/\n`);
}
