/**
 * Issue 9, item 7: explicit disposal. A lane whose turn could not start (store trouble, R3) waits
 * on a retry timer; closing the core must clear it, or it wakes up later and pumps the lane over a
 * closed store.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | null = null;
afterEach(() => {
  vi.useRealTimers();
  harness?.cleanup();
  harness = null;
});

it('R3: BatonCore.close disposes the gateway, clearing the retry timer of a turn that could not start', async () => {
  const h = (harness = await CoreHarness.start());
  const store = h.core.store;
  store.beginTurn = () => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  };
  // Only the retry timer is faked, so it can be counted instead of waited for.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  await h.core.gateway.send('a', 'keep me');
  await h.core.gateway.whenIdle();
  expect(vi.getTimerCount()).toBe(1);

  h.crash(); // closes the core, as the roots do right before the process exits
  expect(vi.getTimerCount()).toBe(0);
});
