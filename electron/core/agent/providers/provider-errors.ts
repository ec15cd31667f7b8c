/**
 * ProviderErrors a person can read in the conversation (SPEC R3). Text that came from the wire
 * is scrubbed of the API key, since some providers echo the key they rejected.
 */
import { describeError, type ProviderErrorCode } from '../../../../shared/errors.ts';
import { ProviderError, type ProviderErrorKind } from './provider.ts';

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

/** Every way a provider request can fail, in our terms: one row of PROVIDER_ERROR_TABLE each. */
export type ProviderFailure =
  | 'rate-limited'
  | 'auth'
  | 'context-too-long'
  | 'server-error'
  | 'refused'
  | 'stream-error-transient'
  | 'stream-error'
  | 'unreachable'
  | 'connection-lost'
  | 'stream-cut'
  | 'timeout'
  | 'idle-timeout'
  | 'malformed'
  | 'not-compatible'
  | 'cancelled'
  | 'unexpected';

/** What is known about one failure; `text` is the provider's detail, cleaned and without the key. */
interface Facts {
  name: string;
  endpoint: string | null;
  status: number | undefined;
  text: string;
  ms: number;
}

interface ErrorRow {
  code: ProviderErrorCode;
  kind: ProviderErrorKind;
  /** True when the same request may succeed later (what the person is told they can do). */
  retryable: boolean;
  /** True when the retry policy (stream-policy.ts) tries again, as long as nothing was streamed yet. */
  retriedBeforeOutput?: true;
  /** True when the provider's Retry-After is kept for the retry policy. */
  keepsRetryAfter?: true;
  words(facts: Facts): string;
}

const refusedWords = (f: Facts) => `${f.name} refused the request (${f.status}): ${f.text}`;

/**
 * The one table both providers map their SDK's errors through: failure → our code, kind,
 * retryable and the words a person reads (SPEC R3).
 */
export const PROVIDER_ERROR_TABLE: Readonly<Record<ProviderFailure, ErrorRow>> = {
  'rate-limited': { code: 'PROVIDER_RATE_LIMITED', kind: 'http', retryable: true, retriedBeforeOutput: true, keepsRetryAfter: true, words: (f) => `${f.name} is rate limiting requests (${f.status}): ${f.text}` },
  auth: { code: 'PROVIDER_AUTH', kind: 'refused', retryable: false, words: (f) => `${refusedWords(f)} Check the API key configured for ${f.name}.` },
  // The provider's own words already say which limit was hit; the code lets the window offer a way out.
  'context-too-long': { code: 'PROVIDER_CONTEXT_TOO_LONG', kind: 'refused', retryable: false, words: refusedWords },
  'server-error': { code: 'PROVIDER_SERVER_ERROR', kind: 'http', retryable: true, retriedBeforeOutput: true, keepsRetryAfter: true, words: (f) => `${f.name} had a server error (${f.status}): ${f.text}` },
  refused: { code: 'PROVIDER_REFUSED', kind: 'refused', retryable: false, words: refusedWords },
  'stream-error-transient': { code: 'PROVIDER_STREAM_ERROR', kind: 'http', retryable: true, words: (f) => `${f.name} reported an error while answering: ${f.text}` },
  'stream-error': { code: 'PROVIDER_STREAM_ERROR', kind: 'http', retryable: false, words: (f) => `${f.name} reported an error while answering: ${f.text}` },
  unreachable: { code: 'PROVIDER_UNREACHABLE', kind: 'connection', retryable: true, retriedBeforeOutput: true, words: (f) => `Could not reach ${f.name}${f.endpoint ? ` at ${f.endpoint}` : ''}: ${f.text}` },
  'connection-lost': { code: 'PROVIDER_CONNECTION_LOST', kind: 'connection', retryable: true, retriedBeforeOutput: true, words: (f) => `The connection to ${f.name} was lost: ${f.text}` },
  'stream-cut': { code: 'PROVIDER_CONNECTION_LOST', kind: 'connection', retryable: true, retriedBeforeOutput: true, words: (f) => `The connection to ${f.name} closed before the answer was complete.` },
  timeout: { code: 'PROVIDER_TIMEOUT', kind: 'timeout', retryable: true, words: (f) => `${f.name} did not respond within ${formatDuration(f.ms)}.` },
  'idle-timeout': { code: 'PROVIDER_TIMEOUT', kind: 'idle-timeout', retryable: true, words: (f) => `${f.name} stopped sending data for ${formatDuration(f.ms)}; the answer was cut off.` },
  malformed: { code: 'PROVIDER_MALFORMED', kind: 'malformed', retryable: false, words: (f) => `${f.name} sent a malformed response: ${f.text}` },
  // Setup checks (model-list.ts): the address answers, but not as the API the provider's kind speaks.
  'not-compatible': {
    code: 'PROVIDER_NOT_COMPATIBLE',
    kind: 'refused',
    retryable: false,
    words: (f) => `${f.endpoint ?? f.name} does not answer like ${f.text}. Check the base URL (an OpenAI-compatible one usually ends in /v1).`,
  },
  cancelled: { code: 'PROVIDER_CANCELLED', kind: 'aborted', retryable: false, words: (f) => `The request to ${f.name} was cancelled.` },
  // Retried like a connection failure: an unknown failure may be a network one.
  unexpected: { code: 'PROVIDER_FAILED', kind: 'connection', retryable: false, retriedBeforeOutput: true, words: (f) => `The request to ${f.name} failed: ${f.text}` },
};

const RETRIED_CODES: ReadonlySet<ProviderErrorCode> = new Set(Object.values(PROVIDER_ERROR_TABLE).flatMap((row) => (row.retriedBeforeOutput ? [row.code] : [])));

/** Whether the retry policy tries this failure again (only before any output, see stream-policy.ts). */
export function isRetriedBeforeOutput(error: ProviderError): boolean {
  return RETRIED_CODES.has(error.code);
}

export interface FailureDetails {
  status?: number;
  /** The provider's own words; cleaned, shortened and stripped of the key here. */
  detail?: string | null;
  /** The time limit that ran out (timeouts). */
  ms?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The ProviderError of one table row. */
export function providerError(context: ErrorContext, failure: ProviderFailure, details: FailureDetails = {}): ProviderError {
  const row = PROVIDER_ERROR_TABLE[failure];
  const facts: Facts = { name: context.name, endpoint: context.endpoint, status: details.status, text: clean(context, details.detail), ms: details.ms ?? 0 };
  return new ProviderError(row.words(facts), {
    code: row.code,
    kind: row.kind,
    retryable: row.retryable,
    ...(details.status === undefined ? {} : { status: details.status }),
    ...(row.keepsRetryAfter && details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
    ...(details.cause === undefined ? {} : { cause: details.cause }),
  });
}

// OpenAI says `context_length_exceeded`, Anthropic "prompt is too long", local servers a sentence.
const CONTEXT_TOO_LONG = /context[ _-]?length|context window|maximum context|prompt is too long|too many (input )?tokens/i;

/** Which row an HTTP error status is; `hints` are the provider's words and error code, if any. */
export function statusFailure(status: number, hints: ReadonlyArray<string | null | undefined>): ProviderFailure {
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 413 || (status === 400 && hints.some((hint) => hint && CONTEXT_TOO_LONG.test(hint)))) return 'context-too-long';
  if (status >= 500) return 'server-error';
  return 'refused';
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

type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

/** What the APIError of both SDKs (generated by the same tool, Stainless) has in common. */
export interface SdkApiError extends Error {
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly error: unknown;
}

/** One SDK's error classes and the little in which its errors differ. */
export interface SdkErrorDialect {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass<SdkApiError>;
  /** The provider's own words for an API error. */
  detail(error: SdkApiError): string;
  /** The error type the provider reported inside an open stream (no status), if any. */
  streamErrorType(error: SdkApiError): string | null;
  /** Stream error types a later attempt may not meet. */
  transientStreamTypes: ReadonlySet<string>;
  /** What the SDK reads the stream as, for "a stream … is not valid JSON". */
  streamUnit: 'event' | 'chunk';
}

/** The provider's machine-readable error code (OpenAI: `context_length_exceeded`), if it sent one. */
function apiCode(error: SdkApiError): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/**
 * Maps whatever one attempt threw (an SDK error, a broken socket, anything) to a row of the table.
 * Both providers use this; only their dialect differs.
 */
export function fromSdkError(error: unknown, dialect: SdkErrorDialect, context: ErrorContext, requestMs: number): ProviderError {
  if (error instanceof ProviderError) return error;
  // The SDKs' abort and timeout errors are APIConnectionErrors / APIErrors too: test them first.
  if (error instanceof dialect.APIUserAbortError) return providerError(context, 'cancelled');
  if (error instanceof dialect.APIConnectionTimeoutError) return providerError(context, 'timeout', { ms: requestMs });
  if (error instanceof dialect.APIConnectionError) return providerError(context, 'unreachable', { detail: networkDetail(error), cause: error });
  if (error instanceof dialect.APIError) {
    const detail = dialect.detail(error);
    if (error.status === undefined) {
      const type = dialect.streamErrorType(error);
      return providerError(context, type !== null && dialect.transientStreamTypes.has(type) ? 'stream-error-transient' : 'stream-error', { detail, cause: error });
    }
    return providerError(context, statusFailure(error.status, [detail, apiCode(error)]), {
      status: error.status,
      detail,
      retryAfterMs: retryAfterMs(error.headers),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return providerError(context, 'malformed', { detail: `a stream ${dialect.streamUnit} is not valid JSON`, cause: error });
  if (isNetworkFailure(error)) return providerError(context, 'connection-lost', { detail: networkDetail(error), cause: error });
  return providerError(context, 'unexpected', { detail: describeError(error), cause: error });
}
