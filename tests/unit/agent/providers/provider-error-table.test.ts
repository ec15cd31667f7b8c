/**
 * R3: one table maps both SDKs' errors (provider-errors.ts). Every row is driven here with the
 * SDKs' own error classes, built the way the SDKs build them: `APIError.generate` for an HTTP
 * status (what each client's makeStatusError calls), `new APIError(undefined, body, …)` for an
 * error inside an open stream (their streaming.js), and the connection, timeout and abort classes
 * their clients throw.
 */
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAISdk from 'openai';
import { describe, expect, it } from 'vitest';
import { ANTHROPIC_ERRORS } from '../../../../electron/core/agent/providers/anthropic.ts';
import { openAIErrorDialect } from '../../../../electron/core/agent/providers/openai-compatible.ts';
import {
  fromSdkError,
  isRetriedBeforeOutput,
  PROVIDER_ERROR_TABLE,
  providerError,
  type ErrorContext,
  type ProviderFailure,
  type SdkErrorDialect,
} from '../../../../electron/core/agent/providers/provider-errors.ts';
import { ProviderError } from '../../../../electron/core/agent/providers/provider.ts';
import { BatonError } from '../../../../shared/errors.ts';

const KEY = 'sk-table-test-0123456789SECRET';
const context: ErrorContext = { name: 'Model', secret: KEY, endpoint: 'https://models.example' };
const REQUEST_MS = 1_500;

type Build = (sdk: 'openai' | 'anthropic') => unknown;

function headers(entries: Record<string, string> = {}): Headers {
  return new Headers({ 'content-type': 'application/json', ...entries });
}

/** An HTTP error status as each SDK's client turns a response into an error. */
function statusError(status: number, message: string, extra: { code?: string; type?: string; headers?: Record<string, string> } = {}): Build {
  return (sdk) =>
    sdk === 'openai'
      ? OpenAISdk.APIError.generate(status, { error: { message, type: extra.type ?? 'invalid_request_error', code: extra.code ?? null } }, undefined, headers(extra.headers))
      : AnthropicSdk.APIError.generate(status, { type: 'error', error: { type: extra.type ?? 'invalid_request_error', message } }, undefined, headers(extra.headers));
}

/** An error event inside an open stream, as each SDK's streaming.js throws it. */
function streamError(type: string, message: string): Build {
  return (sdk) =>
    sdk === 'openai'
      ? new OpenAISdk.APIError(undefined, { type, message }, undefined, headers())
      : new AnthropicSdk.APIError(undefined, { type: 'error', error: { type, message } }, undefined, headers(), type as ConstructorParameters<typeof AnthropicSdk.APIError>[4]);
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
}

interface Row {
  name: string;
  build: Build;
  failure: ProviderFailure;
  /** A row only one SDK can produce. */
  only?: 'openai' | 'anthropic';
  status?: number;
  retryAfterMs?: number;
  words: RegExp;
}

const ROWS: Row[] = [
  { name: '429 with Retry-After', build: statusError(429, 'Slow down.', { type: 'rate_limit_error', headers: { 'retry-after': '2' } }), failure: 'rate-limited', status: 429, retryAfterMs: 2_000, words: /^Model is rate limiting requests \(429\): Slow down\.$/ },
  { name: '401 bad key (echoing the key)', build: statusError(401, `Incorrect API key provided: ${KEY}.`, { type: 'authentication_error' }), failure: 'auth', status: 401, words: /^Model refused the request \(401\): Incorrect API key provided: \[redacted\]\. Check the API key configured for Model\.$/ },
  { name: '403 no permission', build: statusError(403, 'Not allowed.', { type: 'permission_error' }), failure: 'auth', status: 403, words: /Check the API key configured for Model\.$/ },
  { name: '400 context length (OpenAI code)', build: statusError(400, 'Too long.', { code: 'context_length_exceeded' }), failure: 'context-too-long', only: 'openai', status: 400, words: /^Model refused the request \(400\): Too long\.$/ },
  { name: '400 prompt too long (Anthropic words)', build: statusError(400, 'prompt is too long: 210000 tokens > 200000 maximum'), failure: 'context-too-long', status: 400, words: /prompt is too long/ },
  { name: '413 request too large', build: statusError(413, 'Request exceeds the maximum size.'), failure: 'context-too-long', status: 413, words: /\(413\)/ },
  { name: '400 other', build: statusError(400, 'temperature: must be at most 2.'), failure: 'refused', status: 400, words: /^Model refused the request \(400\): temperature: must be at most 2\.$/ },
  { name: '404 unknown model', build: statusError(404, 'The model does not exist.', { type: 'not_found_error' }), failure: 'refused', status: 404, words: /\(404\): The model does not exist\.$/ },
  { name: '500 with Retry-After', build: statusError(500, 'Internal error.', { type: 'api_error', headers: { 'retry-after-ms': '250' } }), failure: 'server-error', status: 500, retryAfterMs: 250, words: /^Model had a server error \(500\): Internal error\.$/ },
  { name: '529 overloaded', build: statusError(529, 'Overloaded.', { type: 'overloaded_error' }), failure: 'server-error', status: 529, words: /\(529\): Overloaded\.$/ },
  { name: 'stream error, transient', build: (sdk) => streamError(sdk === 'openai' ? 'server_error' : 'overloaded_error', 'Try again.')(sdk), failure: 'stream-error-transient', words: /^Model reported an error while answering: Try again\.$/ },
  { name: 'stream error, final', build: streamError('invalid_request_error', 'Bad tool schema.'), failure: 'stream-error', words: /Bad tool schema\.$/ },
  {
    name: 'connection refused',
    build: (sdk) => new (sdk === 'openai' ? OpenAISdk.APIConnectionError : AnthropicSdk.APIConnectionError)({ cause: new TypeError('fetch failed', { cause: socketError('ECONNREFUSED') }) }),
    failure: 'unreachable',
    words: /^Could not reach Model at https:\/\/models\.example: connection refused \(ECONNREFUSED\)$/,
  },
  { name: 'no headers in time', build: (sdk) => new (sdk === 'openai' ? OpenAISdk.APIConnectionTimeoutError : AnthropicSdk.APIConnectionTimeoutError)(), failure: 'timeout', words: /^Model did not respond within 1\.5 s\.$/ },
  { name: 'aborted', build: (sdk) => new (sdk === 'openai' ? OpenAISdk.APIUserAbortError : AnthropicSdk.APIUserAbortError)(), failure: 'cancelled', words: /^The request to Model was cancelled\.$/ },
  { name: 'a stream piece that is not JSON', build: () => new SyntaxError('Unexpected end of JSON input'), failure: 'malformed', words: /^Model sent a malformed response: a stream (event|chunk) is not valid JSON$/ },
  { name: 'socket closed mid-stream', build: () => new TypeError('terminated', { cause: socketError('UND_ERR_SOCKET') }), failure: 'connection-lost', words: /^The connection to Model was lost: connection closed by the server \(UND_ERR_SOCKET\)$/ },
  { name: 'anything else', build: () => new RangeError(`odd ${KEY}`), failure: 'unexpected', words: /^The request to Model failed: odd \[redacted\]$/ },
];

const DIALECTS: Array<['openai' | 'anthropic', SdkErrorDialect]> = [
  ['openai', openAIErrorDialect()],
  ['anthropic', ANTHROPIC_ERRORS],
];

describe('R3: one SDK error table for both providers', () => {
  for (const [sdk, dialect] of DIALECTS) {
    describe(sdk, () => {
      it.each(ROWS.filter((row) => (row.only ?? sdk) === sdk))('R3: $name → its row (code, kind, retryable, words without the key)', (row) => {
        const cause = row.build(sdk);
        const error = fromSdkError(cause, dialect, context, REQUEST_MS);
        const expected = PROVIDER_ERROR_TABLE[row.failure];
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toBeInstanceOf(BatonError);
        expect({ code: error.code, kind: error.kind, retryable: error.retryable, status: error.status }).toEqual({
          code: expected.code,
          kind: expected.kind,
          retryable: expected.retryable,
          status: row.status,
        });
        expect(error.retryAfterMs).toBe(row.retryAfterMs);
        expect(isRetriedBeforeOutput(error)).toBe(expected.retriedBeforeOutput === true);
        expect(error.message).toMatch(row.words);
        expect(error.message).not.toContain(KEY);
      });
    });
  }

  it('R3: a ProviderError passes through unchanged', () => {
    const original = providerError(context, 'stream-cut');
    for (const [, dialect] of DIALECTS) expect(fromSdkError(original, dialect, context, REQUEST_MS)).toBe(original);
  });

  it('R3: the rows the retry policy raises itself read as the table says', () => {
    expect(providerError(context, 'stream-cut')).toMatchObject({ code: 'PROVIDER_CONNECTION_LOST', kind: 'connection', retryable: true, message: 'The connection to Model closed before the answer was complete.' });
    expect(providerError(context, 'idle-timeout', { ms: 240_000 })).toMatchObject({ code: 'PROVIDER_TIMEOUT', kind: 'idle-timeout', retryable: true, message: 'Model stopped sending data for 240 s; the answer was cut off.' });
  });

  it('R3: the retry policy tries again exactly rate limits, server errors and broken or unknown connections', () => {
    const retried = (Object.keys(PROVIDER_ERROR_TABLE) as ProviderFailure[]).filter((failure) => isRetriedBeforeOutput(providerError(context, failure)));
    expect(retried.sort()).toEqual(['connection-lost', 'rate-limited', 'server-error', 'stream-cut', 'unexpected', 'unreachable']);
  });

  it('every row of the table is exercised above', () => {
    const covered = new Set<ProviderFailure>([...ROWS.map((row) => row.failure), 'stream-cut', 'idle-timeout', 'not-compatible']);
    expect([...covered].sort()).toEqual(Object.keys(PROVIDER_ERROR_TABLE).sort());
  });
});
