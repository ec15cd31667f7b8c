/**
 * One error vocabulary (issue 9, item 6). Every error Baton raises on purpose is a BatonError with
 * a code: the contract's wire codes (ERROR_CODES) for errors that answer a request, plus the few
 * codes of errors that never cross the wire as themselves (the store refusing to open, a model
 * provider failing). Code that has to decide what an error means asks `instanceof BatonError` and
 * its `code`, never the message text or a list of classes.
 */
import type { ErrorCode } from './protocol/contract.ts';

/** Errors that stop Baton from opening its store; they are shown at start, never sent. */
export type StartupErrorCode = 'DATA_DIR_IN_USE' | 'STORE_TOO_NEW';

/**
 * A model provider's failure, one code per row of the SDK error table
 * (electron/core/agent/providers/provider-errors.ts).
 */
export type ProviderErrorCode =
  | 'PROVIDER_RATE_LIMITED'
  | 'PROVIDER_AUTH'
  | 'PROVIDER_CONTEXT_TOO_LONG'
  | 'PROVIDER_SERVER_ERROR'
  | 'PROVIDER_REFUSED'
  | 'PROVIDER_STREAM_ERROR'
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_CONNECTION_LOST'
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_MALFORMED'
  | 'PROVIDER_NOT_COMPATIBLE'
  | 'PROVIDER_CANCELLED'
  | 'PROVIDER_FAILED';

export type BatonErrorCode = ErrorCode | StartupErrorCode | ProviderErrorCode;

export class BatonError<C extends BatonErrorCode = BatonErrorCode> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    // Subclasses set their own name: bundlers may rename classes, and names are shown in logs.
    this.name = 'BatonError';
    this.code = code;
  }
}

export function isBatonError(value: unknown): value is BatonError {
  return value instanceof BatonError;
}

/**
 * The readable part of anything thrown, for logs and messages: never empty, never "[object Object]".
 * `stack` gives an Error's stack instead, for logs of what is a bug.
 */
export function describeError(error: unknown, options: { stack?: boolean } = {}): string {
  if (error instanceof Error) return (options.stack ? error.stack : undefined) || error.message || error.name || 'unknown error';
  if (typeof error === 'string') return error || 'unknown error';
  if (typeof error === 'number' || typeof error === 'boolean' || typeof error === 'bigint') return String(error);
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const message = (error as { message: string }).message;
    if (message) return message;
  }
  return 'unknown error';
}
