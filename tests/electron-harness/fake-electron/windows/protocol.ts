/**
 * `protocol` (docs/api/protocol.md; shell/browser/api/electron_api_protocol.cc).
 *
 * - registerSchemesAsPrivileged works only before `ready` and throws after it, as Electron does.
 * - handle/unhandle/isProtocolHandled need `ready` (the module is usable only after it).
 * - Chromium cannot be taught a new scheme from outside, so a privileged `standard, secure`
 *   scheme `app://baton/...` is mapped to the https origin `https://baton.app.test/...` (secure, so
 *   the page is a secure context and CSP 'self' means that origin). Every request to a mapped
 *   origin is routed (playwright route interception in ./chromium-host.ts) into the app's own
 *   handler with a real `Request` carrying the app:// URL, and the real `Response` — status,
 *   headers (CSP included) and body — goes back to Chromium. URLs the app sees are mapped back.
 */
import { registry } from './registry.ts';

export interface CustomScheme {
  scheme: string;
  privileges?: {
    standard?: boolean; secure?: boolean; bypassCSP?: boolean; allowServiceWorkers?: boolean;
    supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean; codeCache?: boolean;
  };
}

type Handler = (request: Request) => Response | Promise<Response>;

const MAPPED_SUFFIX = '.test';
const privileged = new Map<string, CustomScheme>();
const handlers = new Map<string, Handler>();

function requireReady(method: string): void {
  if (!registry.appReady) throw new Error(`protocol.${method} can only be used after the app is ready`);
}

/** `app://baton/x` → `https://baton.app.test/x` for a privileged standard scheme; other URLs unchanged. */
export function toChromiumUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (!privileged.get(scheme)?.privileges?.standard) return url;
  return `https://${parsed.host}.${scheme}${MAPPED_SUFFIX}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** The inverse: what the app should see for a URL Chromium reports. */
export function toAppUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'https:' || !parsed.hostname.endsWith(MAPPED_SUFFIX)) return url;
  const labels = parsed.hostname.slice(0, -MAPPED_SUFFIX.length).split('.');
  const scheme = labels.pop();
  if (!scheme || !privileged.has(scheme) || labels.length === 0) return url;
  return `${scheme}://${labels.join('.')}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** True for an https URL that stands for a mapped custom scheme (served by the app's handler). */
export function isMappedUrl(url: string): boolean {
  return toAppUrl(url) !== url;
}

/** Serves one request through the app's handler; null when the scheme has no handler. */
export async function serve(request: { url: string; method: string; headers: Record<string, string>; body: Buffer | null }): Promise<Response | null> {
  const appUrl = toAppUrl(request.url);
  const scheme = appUrl.slice(0, appUrl.indexOf(':'));
  const handler = handlers.get(scheme);
  if (!handler) return null;
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body && request.method !== 'GET' && request.method !== 'HEAD') init.body = new Uint8Array(request.body);
  const response = await handler(new Request(appUrl, init));
  if (!(response instanceof Response)) throw new TypeError(`The ${scheme}:// handler did not return a Response`);
  return response;
}

export const protocol = {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (registry.appReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    for (const entry of schemes) privileged.set(entry.scheme, entry);
    registry.record('protocol.registerSchemesAsPrivileged', { schemes: schemes.map((entry) => structuredClone(entry)) });
  },
  handle(scheme: string, handler: Handler): void {
    requireReady('handle');
    if (handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    handlers.set(scheme, handler);
    registry.record('protocol.handle', { scheme });
  },
  unhandle(scheme: string): void {
    requireReady('unhandle');
    if (!handlers.delete(scheme)) throw new Error(`Failed to unregister protocol: ${scheme}`);
  },
  isProtocolHandled(scheme: string): boolean {
    return handlers.has(scheme) || ['http', 'https', 'file', 'data', 'about', 'blob'].includes(scheme);
  },
};
