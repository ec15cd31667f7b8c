/**
 * L34, issue 11: which provider new turns use. The one from the environment can be named in
 * `activeProvider`, so adding a provider while it is in use leaves the conversations on it.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../../electron/core/agent/memory-secret-store.ts';
import { ModelAgentFactory } from '../../../../electron/core/agent/model-agent-factory.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../../shared/settings.ts';

const ENV = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-env', OPENAI_MODEL: 'env-model' };
const ENV_NAME = 'OpenAI-compatible server (127.0.0.1:9)';
const saved: Settings['providers'] = [{ name: 'Added', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8/v1', model: 'added-model', keyRef: null }];

function factory(settings: Partial<Settings>, env: NodeJS.ProcessEnv = ENV): ModelAgentFactory {
  return new ModelAgentFactory({ settings: () => ({ ...DEFAULT_SETTINGS, ...settings }), secrets: new MemorySecretStore(), env, dataDir: os.tmpdir() });
}

describe('the provider new turns use', () => {
  it('L34: activeProvider naming the environment\'s provider keeps it in use after a provider was added', async () => {
    const f = factory({ providers: saved, activeProvider: ENV_NAME });
    expect(await f.resolveProvider({ ...DEFAULT_SETTINGS, providers: saved, activeProvider: ENV_NAME })).toMatchObject({ name: ENV_NAME, model: 'env-model', apiKey: 'sk-env' });
  });

  it('without a choice: the first saved provider, else the environment\'s, else a clear error', async () => {
    expect(await factory({}).resolveProvider({ ...DEFAULT_SETTINGS, providers: saved })).toMatchObject({ name: 'Added', model: 'added-model' });
    expect(await factory({}).resolveProvider({ ...DEFAULT_SETTINGS })).toMatchObject({ name: ENV_NAME });
    await expect(factory({}, {}).resolveProvider({ ...DEFAULT_SETTINGS })).rejects.toThrow('No model provider is configured');
  });

  it('a name that is neither saved nor the environment\'s is refused in words', async () => {
    await expect(factory({}).resolveProvider({ ...DEFAULT_SETTINGS, activeProvider: 'Gone' })).rejects.toThrow('The selected provider "Gone" is not configured.');
  });
});
