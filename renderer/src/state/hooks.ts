/** React bindings for the store: the store from context, and state slices by selector. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { AppState } from './app-state.ts';
import type { AppStore } from './store.ts';

export const StoreContext = createContext<AppStore | null>(null);

export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore needs a StoreContext provider.');
  return store;
}

/** The selector must return a value held in the state (or a primitive), never a fresh object. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}

/** The current time, refreshed every `intervalMs` while `active`. */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
