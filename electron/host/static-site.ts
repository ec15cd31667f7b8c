/**
 * Serves the built renderer. index.html needs the access token, is never cached and carries a
 * strict Content-Security-Policy (R4: model output rendered as markdown cannot run script, load
 * remote content or navigate the app). Hashed assets are public code and cacheable.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentTypeFor, rendererCsp } from '../core/web/renderer-policy.ts';


/** Headers on every response. The token travels in the page URL, so no Referer may carry it away. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * No inline or remote script, no remote images/fonts/styles, sockets only back to this host, no
 * framing, no forms, no <base>. Inline style attributes stay allowed for KaTeX's layout.
 */
export function contentSecurityPolicy(host: string): string {
  return rendererCsp(`'self' ws://${host} wss://${host}`);
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Baton is running, but its window is not built</h1>
<p>The gateway is up and your conversations are safe. To get the chat window, build the renderer
from the repository and reload this page:</p>
<pre>npx vite build --config renderer/vite.config.ts</pre>
<p><code>bash scripts/start.sh</code> does this for you.</p>
</body></html>
`;

export const FORBIDDEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>This address needs Baton's access link</h1>
<p>Open the full link Baton printed when it started (it ends in <code>?token=…</code>).</p>
</body></html>
`;

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>, method = 'GET'): void {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Length': String(buffer.length), ...headers });
  res.end(method === 'HEAD' ? undefined : buffer);
}

export class StaticSite {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  get built(): boolean {
    return fs.existsSync(path.join(this.dir, 'index.html'));
  }

  /** The app page; the caller has checked the token. */
  serveIndex(req: IncomingMessage, res: ServerResponse, host: string): void {
    let body: Buffer | string = NOT_BUILT_PAGE;
    try {
      body = fs.readFileSync(path.join(this.dir, 'index.html'));
    } catch {
      // Not built: the placeholder explains what to do.
    }
    send(
      res,
      200,
      body,
      {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': contentSecurityPolicy(host),
        'Cache-Control': 'no-store',
      },
      req.method,
    );
  }

  /** Any other file of the build; false when there is none (the caller answers 404). */
  serveFile(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (decoded.includes('\0')) return false;
    const file = path.resolve(this.dir, `.${path.posix.normalize(decoded)}`);
    const relative = path.relative(this.dir, file);
    // Nothing outside the build, and no dotfiles inside it.
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep).some((part) => part.startsWith('.'))) {
      return false;
    }
    let body: Buffer;
    try {
      if (!fs.statSync(file).isFile()) return false;
      body = fs.readFileSync(file);
    } catch {
      return false;
    }
    const hashed = relative.startsWith(`assets${path.sep}`);
    send(
      res,
      200,
      body,
      {
        'Content-Type': contentTypeFor(file),
        'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      req.method,
    );
    return true;
  }
}
