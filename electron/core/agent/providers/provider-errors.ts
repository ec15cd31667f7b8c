/**
 * ProviderErrors a person can read in the conversation (SPEC R3). Text that came from the wire
 * is scrubbed of the API key, since some providers echo the key they rejected.
 */
import { ProviderError } from './provider.ts';

export interface ErrorContext {
  /** The provider's display name. */
  name: string;
  /** Removed from every message built here. */
  secret: string | null;
  /** Where requests go (origin only, no credentials), named when the provider cannot be reached. */
  endpoint: string | null;
}

const REDACTED = '[redacted]';

export function redactSecret(text: string, secret: string | null): string {
  // A very short "key" (a placeholder for a local server) would garble every message it occurs in.
  if (!secret || secret.length < 6) return text;
  return text.split(secret).join(REDACTED);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} s`;
}

// Long bodies are no message for a person; their start still helps.
const MAX_DETAIL = 400;

function clean(context: ErrorContext, detail: string | null | undefined): string {
  let text = detail?.trim();
  // A proxy's HTML error page: keep its words, not its markup.
  if (text?.startsWith('<')) text = text.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ');
  text = text?.replace(/\s+/g, ' ').trim();
  if (!text) return 'no details given';
  const redacted = redactSecret(text, context.secret);
  return redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL)}…` : redacted;
}

/** An HTTP error status from the provider, before any output was streamed. */
export function statusError(context: ErrorContext, status: number, detail: string | null | undefined, retryAfterMs: number | undefined, cause?: unknown): ProviderError {
  const text = clean(context, detail);
  if (status === 429) {
    return new ProviderError(`${context.name} is rate limiting requests (429): ${text}`, { kind: 'http', status, retryable: true, retryAfterMs, cause });
  }
  if (status >= 500) {
    return new ProviderError(`${context.name} had a server error (${status}): ${text}`, { kind: 'http', status, retryable: true, retryAfterMs, cause });
  }
  const hint = status === 401 || status === 403 ? ` Check the API key configured for ${context.name}.` : '';
  return new ProviderError(`${context.name} refused the request (${status}): ${text}${hint}`, { kind: 'refused', status, retryable: false, cause });
}

/** An error the provider reported inside an already-open stream (no HTTP status). */
export function streamReportedError(context: ErrorContext, detail: string | null | undefined, transient: boolean, cause?: unknown): ProviderError {
  return new ProviderError(`${context.name} reported an error while answering: ${clean(context, detail)}`, { kind: 'http', retryable: transient, cause });
}

export function connectionError(context: ErrorContext, detail: string | null | undefined, cause?: unknown): ProviderError {
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  return new ProviderError(`Could not reach ${context.name}${where}: ${clean(context, detail)}`, { kind: 'connection', retryable: true, cause });
}

/** The connection broke after the provider had started answering. */
export function connectionLostError(context: ErrorContext, detail: string | null | undefined, cause?: unknown): ProviderError {
  return new ProviderError(`The connection to ${context.name} was lost: ${clean(context, detail)}`, { kind: 'connection', retryable: true, cause });
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'no data in time',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified',
};

/** Node's fetch hides the useful part (an errno code) a few `cause`s deep. */
export function networkDetail(error: unknown): string {
  let current: unknown = error;
  let lastMessage: string | null = null;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const record = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof record.code === 'string' && record.code in NETWORK_CODES) return `${NETWORK_CODES[record.code]} (${record.code})`;
    if (typeof record.message === 'string' && record.message && record.message !== 'Connection error.') lastMessage = record.message;
    current = record.cause;
  }
  return lastMessage ?? 'network error';
}

/** True for the errors Node's fetch raises when a socket breaks, as opposed to bugs in our code. */
export function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const record = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof record.code === 'string' && (record.code in NETWORK_CODES || record.code.startsWith('UND_ERR'))) return true;
    if (current instanceof TypeError && (record.message === 'terminated' || record.message === 'fetch failed')) return true;
    current = record.cause;
  }
  return false;
}

/** The origin of a base URL, without any user:password part, for messages. */
export function endpointOf(baseUrl: string): string | null {
  try {
    const url = new URL(baseUrl);
    return url.origin;
  } catch {
    return null;
  }
}

export function streamCutError(context: ErrorContext): ProviderError {
  return new ProviderError(`The connection to ${context.name} closed before the answer was complete.`, { kind: 'connection', retryable: true });
}

export function malformedError(context: ErrorContext, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${context.name} sent a malformed response: ${clean(context, detail)}`, { kind: 'malformed', retryable: false, cause });
}

export function timeoutError(context: ErrorContext, ms: number): ProviderError {
  return new ProviderError(`${context.name} did not respond within ${formatDuration(ms)}.`, { kind: 'timeout', retryable: true });
}

export function idleTimeoutError(context: ErrorContext, ms: number): ProviderError {
  return new ProviderError(`${context.name} stopped sending data for ${formatDuration(ms)}; the answer was cut off.`, { kind: 'idle-timeout', retryable: true });
}

/** Anything else: still readable, still without the key. */
export function unexpectedError(context: ErrorContext, error: unknown): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`The request to ${context.name} failed: ${clean(context, message)}`, { kind: 'connection', retryable: false, cause: error });
}

export function abortedError(context: ErrorContext): ProviderError {
  return new ProviderError(`The request to ${context.name} was cancelled.`, { kind: 'aborted', retryable: false });
}

/** Retry-After in seconds or as an HTTP date; retry-after-ms (OpenAI) wins when present. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The human part of a provider's error body, whichever of the usual shapes it has. */
export function apiErrorDetail(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim()) return body;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record['message'] === 'string' && record['message'].trim()) return record['message'];
    if ('error' in record) return apiErrorDetail(record['error'], fallback);
    // FastAPI-based servers answer {"detail": ...}.
    if ('detail' in record) return apiErrorDetail(record['detail'], fallback);
  }
  return fallback;
}
