import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ANTHROPIC_MODEL,
  DEFAULT_OPENAI_MODEL,
  providerConfigFromEnv,
  providerFromConfig,
} from '../../../../electron/core/agent/providers/provider-config.ts';
import { AnthropicProvider } from '../../../../electron/core/agent/providers/anthropic.ts';
import { OpenAICompatibleProvider } from '../../../../electron/core/agent/providers/openai-compatible.ts';
import type { ModelStreamEvent } from '../../../../electron/core/agent/providers/provider.ts';
import { startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../../../fixtures/scripted-openai-server.ts';

describe('provider configuration from the environment', () => {
  let server: ScriptedOpenAIServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('nothing set: no provider', () => {
    expect(providerConfigFromEnv({})).toBeNull();
    expect(providerConfigFromEnv({ OPENAI_API_KEY: '  ', ANTHROPIC_API_KEY: '' })).toBeNull();
  });

  it('OPENAI_API_KEY alone: OpenAI with the default model', () => {
    expect(providerConfigFromEnv({ OPENAI_API_KEY: 'sk-1' })).toEqual({
      kind: 'openai-compatible',
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      model: DEFAULT_OPENAI_MODEL,
      apiKey: 'sk-1',
    });
  });

  it('OPENAI_BASE_URL without a key (a local server such as Ollama) with OPENAI_MODEL', () => {
    expect(providerConfigFromEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'qwen3:8b', ANTHROPIC_API_KEY: 'sk-ant' })).toEqual({
      kind: 'openai-compatible',
      name: 'OpenAI-compatible server (127.0.0.1:11434)',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'qwen3:8b',
      apiKey: null,
    });
  });

  it('ANTHROPIC_API_KEY (and ANTHROPIC_MODEL) when no OpenAI variable is set', () => {
    expect(providerConfigFromEnv({ ANTHROPIC_API_KEY: 'sk-ant' })).toMatchObject({ kind: 'anthropic', name: 'Anthropic', model: DEFAULT_ANTHROPIC_MODEL, apiKey: 'sk-ant' });
    expect(providerConfigFromEnv({ ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_MODEL: 'claude-x' })?.model).toBe('claude-x');
  });

  it('providerFromConfig builds the provider for each kind', () => {
    expect(providerFromConfig({ kind: 'anthropic', name: 'Claude', model: 'm', apiKey: 'k' })).toBeInstanceOf(AnthropicProvider);
    const openai = providerFromConfig({ kind: 'openai-compatible', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', model: 'm', apiKey: 'k' });
    expect(openai).toBeInstanceOf(OpenAICompatibleProvider);
    expect(openai.name).toBe('OpenRouter');
  });

  it('the environment is honoured end to end: base URL, key and model reach the server', async () => {
    server = await startScriptedOpenAIServer();
    server.enqueue(textReply('from env'));
    const config = providerConfigFromEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-env-key', OPENAI_MODEL: 'env-model' });
    if (!config) throw new Error('expected a config');

    const events: ModelStreamEvent[] = [];
    for await (const event of providerFromConfig(config).stream({ system: null, history: [], note: null, userText: 'hi', tools: [] }, new AbortController().signal)) {
      events.push(event);
    }

    expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'stop' });
    expect(server.requests[0]?.body.model).toBe('env-model');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-env-key');
  });
});
