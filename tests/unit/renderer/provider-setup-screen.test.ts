/**
 * Issue 11: a provider configured through the environment (OPENAI_BASE_URL / OPENAI_API_KEY /
 * ANTHROPIC_API_KEY) is shown as "From environment", and the window does not ask to "Set up a model
 * provider" while chatting works. The window's store runs against the real gateway service over
 * the real protocol client (in-memory transport); the key never reaches it (R4).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { needsProviderSetup, providerInUse } from '../../../renderer/src/lib/provider-default.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { ServiceHarness, type ServiceHarnessOptions } from '../../fixtures/host-service-harness.ts';

const KEY = 'sk-env-key-0123456789-SECRET';

let harness: ServiceHarness | null = null;
let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  harness?.cleanup();
  harness = null;
  stop = null;
});

async function windowStore(options: ServiceHarnessOptions): Promise<AppStore> {
  harness = await ServiceHarness.start(options);
  const client = await harness.client();
  const store = new AppStore(client);
  stop = store.start();
  await store.refreshSettings();
  return store;
}

describe('the setup screen and the environment (issue 11)', () => {
  it('R4: with OPENAI_BASE_URL and OPENAI_API_KEY set, the window shows that provider "From environment", in use, and no setup screen', async () => {
    const store = await windowStore({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: KEY } });
    const reply = store.getState().settings;
    expect(reply).not.toBeNull();
    expect(needsProviderSetup(reply)).toBe(false);
    expect(providerInUse(reply!)).toEqual({
      name: 'OpenAI-compatible server (127.0.0.1:9)',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'gpt-5.5',
      hasKey: true,
      source: 'environment',
    });
    expect(JSON.stringify(store.getState())).not.toContain(KEY);
  });

  it('with ANTHROPIC_API_KEY alone, the same', async () => {
    const store = await windowStore({ env: { ANTHROPIC_API_KEY: KEY } });
    expect(needsProviderSetup(store.getState().settings)).toBe(false);
    expect(providerInUse(store.getState().settings!)).toMatchObject({ name: 'Anthropic', source: 'environment' });
  });

  it('with nothing configured anywhere, the window asks for a provider', async () => {
    const store = await windowStore({ env: {} });
    expect(needsProviderSetup(store.getState().settings)).toBe(true);
  });
});
