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

/**
 * The one path both the token gate and the file server use: the URL path percent-decoded exactly
 * once and normalised ('.' and '..' resolved, never above '/'). Gating the raw path while serving
 * the decoded one let `/%69ndex.html`, `/index%2ehtml` and `/assets/..%2findex.html` reach the
 * page without the token and without its CSP (issue 14). Null when no file can have that name
 * (a broken escape, a NUL byte).
 */
export function sitePath(rawPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  return path.posix.normalize(decoded.startsWith('/') ? decoded : `/${decoded}`);
}

/** The paths that mean the app page, which needs the token (after `sitePath`). */
export function isIndexPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/index.html';
}

function isInside(root: string, file: string): string | null {
  const relative = path.relative(root, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return null;
  return relative;
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

  /**
   * Any other file of the build, by a path from `sitePath`; false when there is none (the caller
   * answers 404). The file's real location must be inside the build's real folder, so a symbolic
   * link cannot serve what lies outside it, and the page itself is only ever served by
   * `serveIndex`, whatever name or link reaches it.
   */
  serveFile(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (pathname.includes('\0')) return false;
    const file = path.resolve(this.dir, `.${path.posix.normalize(pathname)}`);
    const relative = isInside(this.dir, file);
    const dotfile = (name: string) => name.split(path.sep).some((part) => part.startsWith('.'));
    // Nothing outside the build, and no dotfiles inside it.
    if (relative === null || dotfile(relative)) return false;
    let body: Buffer;
    try {
      const realDir = fs.realpathSync(this.dir);
      const real = fs.realpathSync(file);
      const realRelative = isInside(realDir, real);
      if (realRelative === null || dotfile(realRelative) || real === path.join(realDir, 'index.html')) return false;
      if (!fs.statSync(real).isFile()) return false;
      body = fs.readFileSync(real);
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
