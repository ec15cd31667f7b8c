/**
 * Building a provider from settings, or from the usual environment variables when nothing is
 * configured. A config holds the key in memory only; nothing here logs it.
 */
import type { ProviderKind } from '../../../../shared/settings.ts';
import { ANTHROPIC_DEFAULT_BASE_URL, AnthropicProvider } from './anthropic.ts';
import { baseUrlProblem } from './base-url.ts';
import { OPENAI_DEFAULT_BASE_URL, OpenAICompatibleProvider } from './openai-compatible.ts';
import type { ModelProvider } from './provider.ts';
import type { ProviderTimeouts, RetryPolicy } from './stream-policy.ts';

export interface ProviderConfig {
  kind: ProviderKind;
  /** Display name used in messages, e.g. "OpenAI", "Ollama". */
  name: string;
  /** Defaults to the vendor's public API for the kind. */
  baseUrl?: string;
  model: string;
  apiKey: string | null;
  timeouts?: Partial<ProviderTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Anthropic requires an output limit; OpenAI-compatible servers use their own default. */
  maxOutputTokens?: number;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-5.5';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';

export function providerFromConfig(config: ProviderConfig): ModelProvider {
  const problem = config.baseUrl === undefined ? null : baseUrlProblem(config.baseUrl);
  if (problem !== null) throw new Error(`The base URL of ${config.name} cannot be used: ${problem}.`);
  switch (config.kind) {
    case 'openai-compatible':
      return new OpenAICompatibleProvider({
        name: config.name,
        baseUrl: config.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
        model: config.model,
        apiKey: config.apiKey,
        timeouts: config.timeouts,
        retry: config.retry,
      });
    case 'anthropic':
      return new AnthropicProvider({
        name: config.name,
        baseUrl: config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
        model: config.model,
        apiKey: config.apiKey,
        maxOutputTokens: config.maxOutputTokens,
        timeouts: config.timeouts,
        retry: config.retry,
      });
  }
}

function read(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function nameForBaseUrl(baseUrl: string): string {
  let host: string;
  try {
    host = new URL(baseUrl).host;
  } catch {
    return 'OpenAI-compatible server';
  }
  if (host === 'api.openai.com') return 'OpenAI';
  if (host === 'openrouter.ai') return 'OpenRouter';
  return `OpenAI-compatible server (${host})`;
}

/**
 * For when no provider is configured. An explicit OPENAI_BASE_URL (a local or hosted
 * OpenAI-compatible server) wins, then OPENAI_API_KEY, then ANTHROPIC_API_KEY; null when none is
 * set. OPENAI_MODEL / ANTHROPIC_MODEL and ANTHROPIC_BASE_URL are honoured when present.
 */
export function providerConfigFromEnv(env: NodeJS.ProcessEnv): ProviderConfig | null {
  const openaiBaseUrl = read(env, 'OPENAI_BASE_URL');
  const openaiKey = read(env, 'OPENAI_API_KEY');
  if (openaiBaseUrl !== null || openaiKey !== null) {
    const baseUrl = openaiBaseUrl ?? OPENAI_DEFAULT_BASE_URL;
    return {
      kind: 'openai-compatible',
      name: nameForBaseUrl(baseUrl),
      baseUrl,
      model: read(env, 'OPENAI_MODEL') ?? DEFAULT_OPENAI_MODEL,
      apiKey: openaiKey,
    };
  }
  const anthropicKey = read(env, 'ANTHROPIC_API_KEY');
  if (anthropicKey !== null) {
    return {
      kind: 'anthropic',
      name: 'Anthropic',
      baseUrl: read(env, 'ANTHROPIC_BASE_URL') ?? ANTHROPIC_DEFAULT_BASE_URL,
      model: read(env, 'ANTHROPIC_MODEL') ?? DEFAULT_ANTHROPIC_MODEL,
      apiKey: anthropicKey,
    };
  }
  return null;
}
