/**
 * The renderer's `app://baton/` protocol: the built renderer served with a strict CSP, instead of
 * file:// (which would make the whole disk the page's origin).
 */
import fs from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_RESPONSE_HEADERS, APP_SCHEME, contentTypeFor, resolveAppRequest } from '../window/web-policy.ts';

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After `ready`: serves files of `rendererDir` and nothing else. */
export function serveRenderer(rendererDir: string, log: (message: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response('Method not allowed', { status: 405 });
    const file = resolveAppRequest(request.url, rendererDir);
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      const body = await fs.readFile(file);
      return new Response(body, { status: 200, headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': contentTypeFor(file) } });
    } catch {
      if (file.endsWith('index.html')) log(`No built renderer in ${rendererDir}: run \`npm run build:desktop\`.`);
      return new Response('Not found', { status: 404 });
    }
  });
}
