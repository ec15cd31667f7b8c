/**
 * What the window may load and where links go (R4). Pure, so every rule is tested without
 * Electron; ../adapters/window.ts and ../adapters/app-protocol.ts apply them.
 *
 * - The renderer is served from `app://baton/`, a standard, secure custom scheme, never file://:
 *   file:// would give the page the whole disk as its origin.
 * - Only files inside the renderer build are served; `..`, encoded separators and absolute paths
 *   are refused.
 * - The page never navigates and never opens windows; a link to an absolute http(s) or mailto URL
 *   goes to the OS browser, anything else is dropped.
 */
import path from 'node:path';
import { contentTypeFor, rendererCsp } from '../../core/web/renderer-policy.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'baton';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Like the headless host's, minus sockets: the gateway comes over a MessagePort, not the network. */
export const RENDERER_CSP = rendererCsp("'none'");

export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};


export { contentTypeFor };

/** The file under `root` an `app://baton/...` request names, or null when it may not be served. */
export function resolveAppRequest(requestUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolvedRoot = path.resolve(root);
  const file = path.resolve(resolvedRoot, relative);
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) return null;
  return file;
}

/** True for a page of the app itself (the only thing the window may show). */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL to hand to the OS browser, or null to drop the link (R4: same rule as the renderer's). */
export function externalLinkTarget(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (!EXTERNAL_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && (url.hostname === '' || url.username !== '' || url.password !== '')) return null;
  return url.href;
}
