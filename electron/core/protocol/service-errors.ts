/** How anything thrown while serving a request becomes the contract's typed error (R1). */
import { ERROR_CODES, type ErrorCode } from '../../../shared/protocol/contract.ts';

/** Thrown by the service for a request it understood but cannot carry out. */
export class ServiceError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
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

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Errors that carry a contract code (ServiceError, the gateway's InvalidInputError) keep it. A
 * store that was closed under a request (the process is exiting) is UNAVAILABLE. Anything else is
 * a bug: INTERNAL, with the message, and `internal` is true so the caller logs it.
 */
export function toErrorBody(error: unknown): ErrorBody & { internal: boolean } {
  const message = error instanceof Error && error.message ? error.message : typeof error === 'string' && error ? error : 'Unknown error';
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  if (isErrorCode(code)) return { code, message, internal: false };
  if (error instanceof TypeError && /database connection is not open/i.test(message)) {
    return { code: 'UNAVAILABLE', message: 'Baton is shutting down.', internal: false };
  }
  return { code: 'INTERNAL', message: `Internal error: ${message}`, internal: true };
}
