/** How anything thrown while serving a request becomes the contract's typed error (R1). */
import { BatonError, describeError, type BatonErrorCode } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/protocol/contract.ts';

/** Thrown by the service for a request it understood but cannot carry out. */
export class ServiceError extends BatonError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'ServiceError';
  }
}

export function notFound(message: string): ServiceError {
  return new ServiceError('NOT_FOUND', message);
}

export function invalidInput(message: string): ServiceError {
  return new ServiceError('INVALID_INPUT', message);
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/**
 * The wire code of each code that is not a wire code itself. The store's startup refusals and a
 * provider's failures do not normally answer a request; when one does, the request could not be
 * served now, which is what UNAVAILABLE tells a front end.
 */
const WIRE_CODE: Record<Exclude<BatonErrorCode, ErrorCode>, ErrorCode> = {
  DATA_DIR_IN_USE: 'UNAVAILABLE',
  STORE_TOO_NEW: 'UNAVAILABLE',
  PROVIDER_RATE_LIMITED: 'UNAVAILABLE',
  PROVIDER_AUTH: 'UNAVAILABLE',
  PROVIDER_CONTEXT_TOO_LONG: 'UNAVAILABLE',
  PROVIDER_SERVER_ERROR: 'UNAVAILABLE',
  PROVIDER_REFUSED: 'UNAVAILABLE',
  PROVIDER_STREAM_ERROR: 'UNAVAILABLE',
  PROVIDER_UNREACHABLE: 'UNAVAILABLE',
  PROVIDER_CONNECTION_LOST: 'UNAVAILABLE',
  PROVIDER_TIMEOUT: 'UNAVAILABLE',
  PROVIDER_MALFORMED: 'UNAVAILABLE',
  PROVIDER_NOT_COMPATIBLE: 'UNAVAILABLE',
  PROVIDER_CANCELLED: 'UNAVAILABLE',
  PROVIDER_FAILED: 'UNAVAILABLE',
};

export function wireCode(code: BatonErrorCode): ErrorCode {
  return Object.hasOwn(WIRE_CODE, code) ? WIRE_CODE[code as keyof typeof WIRE_CODE] : (code as ErrorCode);
}

/**
 * A BatonError keeps its code (mapped to the wire's vocabulary) and its message: it was raised on
 * purpose and its words are written for the person. Anything else is a bug: INTERNAL, with the
 * message, and `internal` is true so the caller logs it.
 */
export function toErrorBody(error: unknown): ErrorBody & { internal: boolean } {
  if (error instanceof BatonError) return { code: wireCode(error.code), message: describeError(error), internal: false };
  return { code: 'INTERNAL', message: `Internal error: ${describeError(error)}`, internal: true };
}
