/**
 * Who may use the headless host. Three checks, each for its own attack:
 * - the random per-launch token (page URL and WebSocket URL) keeps out anyone who did not see the
 *   URL Baton printed: other local users, other sites' pages, scripts probing ports;
 * - on loopback, the Host header must name the loopback address it listens on, which defeats DNS
 *   rebinding (a hostile name resolving to 127.0.0.1);
 * - the WebSocket Origin must be the page's own origin, so another site's page cannot open the
 *   socket even if it learned the token (browsers always send Origin on WebSocket handshakes;
 *   other clients must send the host's origin explicitly).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Environment variable a supervisor sets so a relaunched host keeps the token its windows hold. */
export const ACCESS_TOKEN_ENV = 'BATON_ACCESS_TOKEN';

/**
 * The token from the environment when it is a usable one (at least 32 URL-safe characters, so at
 * least as strong as a generated one); null otherwise.
 */
export function accessTokenFromEnv(env: NodeJS.ProcessEnv): string | null {
  const token = env[ACCESS_TOKEN_ENV]?.trim();
  return token && /^[A-Za-z0-9_-]{32,256}$/.test(token) ? token : null;
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenOf(req: IncomingMessage): string | null {
  return requestUrl(req).searchParams.get('token');
}

export function requestUrl(req: IncomingMessage): URL {
  // The base only fills in a scheme and host for parsing; the Host header is checked separately.
  return new URL(req.url ?? '/', 'http://baton.invalid');
}

export interface AccessPolicy {
  token: string;
  /** `host:port` values the Host header may carry; null accepts any (remote mode, token-guarded). */
  allowedHosts: ReadonlySet<string> | null;
}

export function loopbackHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function hostAllowed(policy: AccessPolicy, req: IncomingMessage): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  return policy.allowedHosts === null || policy.allowedHosts.has(host);
}

/** The Origin must be the very origin the page was loaded from: this host, as addressed. */
export function originAllowed(policy: AccessPolicy, req: IncomingMessage): boolean {
  const origin = req.headers.origin?.toLowerCase();
  const host = req.headers.host?.toLowerCase();
  if (!origin || !host || !hostAllowed(policy, req)) return false;
  if (origin === `http://${host}`) return true;
  // Behind a TLS-terminating proxy (remote mode only) the page is https.
  return policy.allowedHosts === null && origin === `https://${host}`;
}
