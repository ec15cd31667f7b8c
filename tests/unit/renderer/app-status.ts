import type { Result } from '../../../shared/protocol/contract.ts';

/** An `app.status` answer: a plain launch of store-1, nothing to tell, unless overridden. */
export function appStatus(instanceId: string, overrides: Partial<Result<'app.status'>> = {}): Result<'app.status'> {
  return {
    version: '0.1.0',
    instanceId,
    storeId: 'store-1',
    draining: false,
    previousExit: null,
    updatedFrom: null,
    startup: { autoResumed: [], awaitingUser: [], suspended: [], replayed: [] },
    banners: [],
    update: { state: 'idle', version: null, progress: null, error: null },
    ...overrides,
  };
}
