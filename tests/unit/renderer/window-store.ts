/** A window's store over the real protocol client and the real core (ServiceHarness), closed after each test. */
import { afterEach } from 'vitest';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

/** What each test opened, closed after it newest first. */
const toClose: Array<() => void> = [];

/** Call once per test file: closes what the file's tests opened. */
export function closeAfterEach(): Array<() => void> {
  afterEach(() => toClose.splice(0).reverse().forEach((close) => close()));
  return toClose;
}

export async function windowStore(): Promise<{ h: ServiceHarness; store: AppStore }> {
  const h = await ServiceHarness.start();
  toClose.push(() => h.cleanup());
  const store = new AppStore(await h.client());
  toClose.push(store.start());
  await until(store, () => store.getState().app !== null);
  return { h, store };
}

/** Resolves once the store's state satisfies `check` (checked on every change). */
export function until(store: AppStore, check: () => boolean): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = store.subscribe(() => {
      if (!check()) return;
      off();
      resolve();
    });
  });
}
