/** A window's store over the real protocol client and the real core (ServiceHarness), closed after each test. */
import { afterEach } from 'vitest';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { until } from './store-wait.ts';

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
