/**
 * Building a provider from settings, or from the usual environment variables when nothing is
 * configured. A config holds the key in memory only; nothing here logs it.
 */
import type { ProviderKind } from '../../../../shared/settings.ts';
import { AnthropicProvider } from './anthropic.ts';
import { baseUrlProblem } from './base-url.ts';
import { OpenAICompatibleProvider } from './openai-compatible.ts';
import { ANTHROPIC_DEFAULT_BASE_URL, OPENAI_DEFAULT_BASE_URL } from './provider-env.ts';
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
  /** Issue 10: Anthropic extended thinking's budget; 0 or absent: off. OpenAI-compatible servers think on their own. */
  thinkingBudgetTokens?: number;
}

// The environment's provider is read without the SDKs (provider-env.ts); re-exported for callers of this module.
export { DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL, providerConfigFromEnv } from './provider-env.ts';

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
        thinkingBudgetTokens: config.thinkingBudgetTokens,
        timeouts: config.timeouts,
        retry: config.retry,
      });
  }
}
