/**
 * Issue 10: a setting changed in one window shows in every other open window at once. Two real
 * renderer stores over two connections to the real protocol service (real settings file): one
 * changes the theme and saves a provider with its key; the other shows both without asking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppStore } from '../../../renderer/src/state/store.ts';
import type { AppState } from '../../../renderer/src/state/app-state.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
const stores: Array<() => void> = [];
afterEach(() => {
  for (const stop of stores.splice(0)) stop();
  harness?.cleanup();
  harness = null;
});

/** Resolves once the store's state satisfies `match` (woken by the store's own notifications). */
function until(store: AppStore, match: (state: AppState) => boolean): Promise<AppState> {
  return new Promise((resolve) => {
    if (match(store.getState())) return resolve(store.getState());
    const off = store.subscribe(() => {
      if (!match(store.getState())) return;
      off();
      resolve(store.getState());
    });
  });
}

async function window(h: ServiceHarness): Promise<AppStore> {
  const store = new AppStore(await h.client());
  stores.push(store.start());
  await until(store, (state) => state.settings !== null);
  return store;
}

describe('settings in every window (issue 10)', () => {
  it('issue 10: a setting, a provider and its key saved in one window show in another open window at once', async () => {
    const h = (harness = await ServiceHarness.start());
    const first = await window(h);
    const second = await window(h);
    expect(second.getState().settings?.settings.theme).toBe('system');

    expect(await first.setSetting('theme', 'dark')).toEqual({ ok: true });
    await until(second, (state) => state.settings?.settings.theme === 'dark');

    const saved = await first.saveProvider({ name: 'Local', kind: 'openai-compatible', baseUrl: 'http://me:pw@127.0.0.1:1/v1', model: 'm', apiKey: 'sk-secret' });
    expect(saved.ok).toBe(true);
    const seen = await until(second, (state) => state.settings?.providers.some((p) => p.name === 'Local' && p.hasKey) ?? false);
    // What the other window got is the settings.get view: the key never, the password masked (R4).
    expect(JSON.stringify(seen.settings)).not.toContain('sk-secret');
    expect(seen.settings?.providers.find((p) => p.name === 'Local')?.baseUrl).toBe('http://me:••••••••@127.0.0.1:1/v1');
  });
});
