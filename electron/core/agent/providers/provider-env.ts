/**
 * The provider the usual environment variables describe, and the vendors' default endpoints.
 * Kept free of the SDKs so that the settings view (which shows this provider as "From
 * environment") can read it at any time without loading them (issue 13: SDKs load at first use).
 */
import type { ProviderKind } from '../../../../shared/settings.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_OPENAI_MODEL = 'gpt-5.5';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';

/** A provider from the environment; the key is held in memory only and never logged or sent. */
export interface EnvProviderConfig {
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  model: string;
  apiKey: string | null;
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
export function providerConfigFromEnv(env: NodeJS.ProcessEnv): EnvProviderConfig | null {
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
