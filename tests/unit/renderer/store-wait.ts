/** Waits on the renderer store's own notifications, not on time. */
import type { AppStore } from '../../../renderer/src/state/store.ts';

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
