/**
 * The seam between the agent loop and a model API. A provider turns one neutral request (repaired
 * history, at most one system note, the user's text) into a stream of neutral events, and turns
 * every failure into a ProviderError a person can read (SPEC R3).
 */
import { BatonError, type ProviderErrorCode } from '../../../../shared/errors.ts';
import type { ModelNote } from '../notes.ts';
import type { ToolSpec } from '../tools/tool.ts';
import type { ModelImage, TranscriptEntry } from '../transcript-repair.ts';

export type { ToolSpec };

export interface ModelRequest {
  /** The agent's own system prompt; always sent first. */
  system: string | null;
  history: TranscriptEntry[];
  /** L19: sent as a system instruction for this request only, never as user text. */
  note: ModelNote | null;
  /** Sent verbatim as the newest user message; null when a turn resumes without one. */
  userText: string | null;
  /** Issue 11: images of that newest user message, sent as image parts beside its text. */
  userImages?: ModelImage[];
  tools: ToolSpec[];
}

/** Issue 11: said in place of an image the store no longer holds (its conversation was purged meanwhile). */
export const MISSING_IMAGE_TEXT = '[An image attached here is no longer available.]';

export type ModelStreamEvent =
  | { type: 'text'; delta: string }
  /** Emitted once the call is complete; `args` is the parsed JSON arguments object. */
  | { type: 'tool_call'; callId: string; name: string; args: unknown }
  /** Issue 10: a piece of the model's thinking (OpenAI-compatible `reasoning_content`/`reasoning`, Anthropic `thinking_delta`). */
  | { type: 'reasoning'; delta: string }
  /**
   * The thinking block ended. `signature` (Anthropic) lets it be sent back; `redacted` is a
   * `redacted_thinking` block's opaque data, which has no text of its own.
   */
  | { type: 'reasoning_end'; signature?: string; redacted?: string }
  /**
   * Issue 10: one model call's tokens. `inputTokens` is uncached input only; cache reads and writes
   * are counted apart because they are priced apart. `model` is the model the request named.
   */
  | { type: 'usage'; inputTokens: number; outputTokens: number; cacheRead?: number; cacheWrite?: number; model: string }
  /** The provider's own stop reason (`stop`, `tool_calls`, `end_turn`, `tool_use`, `length`, …). */
  | { type: 'done'; finishReason: string };

export interface ModelProvider {
  /** Display name, used in error messages a person reads. */
  readonly name: string;
  /**
   * Streams one model response. Aborting `signal` closes the connection at once and makes the
   * iteration throw a ProviderError of kind 'aborted'. Every failure is a ProviderError.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent>;
}

export type ProviderErrorKind = 'http' | 'timeout' | 'idle-timeout' | 'malformed' | 'refused' | 'connection' | 'aborted';

export interface ProviderErrorOptions {
  /** Which row of the SDK error table (provider-errors.ts) this failure is. */
  code: ProviderErrorCode;
  kind: ProviderErrorKind;
  /** HTTP status when the provider answered with one. */
  status?: number;
  /** True when the same request may succeed later (rate limit, server error, network, timeout). */
  retryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** Its message is written for a person and never contains the API key. */
export class ProviderError extends BatonError<ProviderErrorCode> {
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(options.code, message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = options.kind;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}
