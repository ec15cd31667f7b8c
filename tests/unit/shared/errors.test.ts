import { describe, expect, it } from 'vitest';
import { providerError } from '../../../electron/core/agent/providers/provider-errors.ts';
import { InvalidInputError, MessageNotSavedError } from '../../../electron/core/gateway/gateway.ts';
import { ServiceError, toErrorBody } from '../../../electron/core/protocol/service-errors.ts';
import {
  DataDirInUseError,
  StoreClosedError,
  StoreCorruptError,
  StoreFullError,
  StoreIoError,
  StoreTooNewError,
} from '../../../electron/core/sessions/store-errors.ts';
import { BatonError, describeError } from '../../../shared/errors.ts';
import { GatewayError } from '../../../shared/protocol/client.ts';

describe('one error vocabulary (issue 9 item 6)', () => {
  it('describeError: the readable part of anything thrown, never empty, never [object Object]', () => {
    expect(describeError(new Error('disk gone'))).toBe('disk gone');
    expect(describeError(new TypeError(''))).toBe('TypeError');
    expect(describeError('plain words')).toBe('plain words');
    expect(describeError('')).toBe('unknown error');
    expect(describeError(42)).toBe('42');
    expect(describeError({ message: 'from a worker' })).toBe('from a worker');
    expect(describeError({ reason: 'opaque' })).toBe('unknown error');
    expect(describeError(null)).toBe('unknown error');
    expect(describeError(undefined)).toBe('unknown error');
    const bug = new Error('a bug');
    expect(describeError(bug, { stack: true })).toBe(bug.stack);
    expect(describeError('no stack here', { stack: true })).toBe('no stack here');
  });

  const full = new StoreFullError('/data/baton.db');
  const coded: Array<[string, BatonError, string, string]> = [
    // [what, error, its code, its name]
    ['data dir in use', new DataDirInUseError('/data'), 'DATA_DIR_IN_USE', 'DataDirInUseError'],
    ['store too new', new StoreTooNewError('/data/baton.db', 9, 4), 'STORE_TOO_NEW', 'StoreTooNewError'],
    ['store corrupt', new StoreCorruptError('/data/baton.db', 'bad page', null), 'STORE_CORRUPT', 'StoreCorruptError'],
    ['disk full', full, 'STORAGE_FULL', 'StoreFullError'],
    ['io error', new StoreIoError('/data/baton.db', 'EIO'), 'STORAGE_FAILED', 'StoreIoError'],
    ['store closed', new StoreClosedError(), 'UNAVAILABLE', 'StoreClosedError'],
    ['message not saved', new MessageNotSavedError(full), 'STORAGE_FULL', 'MessageNotSavedError'],
    ['invalid input', new InvalidInputError('A message cannot be empty.'), 'INVALID_INPUT', 'InvalidInputError'],
    ['service error', new ServiceError('NOT_FOUND', 'No conversation a.'), 'NOT_FOUND', 'ServiceError'],
    ['gateway error (client side)', new GatewayError('BUSY', 'Too many.'), 'BUSY', 'GatewayError'],
    ['provider error', providerError({ name: 'M', secret: null, endpoint: null }, 'rate-limited', { status: 429, detail: 'slow' }), 'PROVIDER_RATE_LIMITED', 'ProviderError'],
  ];

  it.each(coded)('%s is a BatonError with its code and its own name', (_what, error, code, name) => {
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
  });

  it('R1: a BatonError answers with its code mapped to the wire and its own words', () => {
    expect(toErrorBody(new StoreClosedError())).toEqual({ code: 'UNAVAILABLE', message: 'Baton is shutting down.', internal: false });
    expect(toErrorBody(new MessageNotSavedError(full))).toMatchObject({ code: 'STORAGE_FULL', internal: false });
    expect(toErrorBody(new StoreCorruptError('/d/baton.db', 'x', null, { foundWhileRunning: true }))).toMatchObject({ code: 'STORE_CORRUPT', internal: false });
    expect(toErrorBody(new InvalidInputError('A message cannot be empty.'))).toEqual({ code: 'INVALID_INPUT', message: 'A message cannot be empty.', internal: false });
    // Codes that are not wire codes still answer with one.
    expect(toErrorBody(new DataDirInUseError('/data'))).toMatchObject({ code: 'UNAVAILABLE', internal: false });
    expect(toErrorBody(providerError({ name: 'M', secret: null, endpoint: null }, 'auth', { status: 401 }))).toMatchObject({ code: 'UNAVAILABLE', internal: false });
  });

  it('R1: the wire code comes from the class, not from message text or a look-alike `code` field', () => {
    // better-sqlite3's own words for a closed connection are no longer matched: the store throws StoreClosedError.
    expect(toErrorBody(new TypeError('The database connection is not open'))).toEqual({
      code: 'INTERNAL',
      message: 'Internal error: The database connection is not open',
      internal: true,
    });
    // A Node errno or a library's code that happens to spell a contract code is a bug, not a refusal.
    expect(toErrorBody(Object.assign(new Error('boom'), { code: 'NOT_FOUND' }))).toMatchObject({ code: 'INTERNAL', internal: true });
    expect(toErrorBody('thrown text')).toEqual({ code: 'INTERNAL', message: 'Internal error: thrown text', internal: true });
  });
});
