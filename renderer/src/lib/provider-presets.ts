/** Common model providers, to fill the setup form. */
import type { ProviderKind } from '../../../shared/settings.ts';

export interface ProviderPreset {
  id: string;
  label: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  /** An example shown in the empty model field. */
  modelHint: string;
  needsKey: boolean;
}

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  { id: 'openai', label: 'OpenAI', kind: 'openai-compatible', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', modelHint: 'gpt-4o-mini', needsKey: true },
  { id: 'openrouter', label: 'OpenRouter', kind: 'openai-compatible', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', modelHint: 'openai/gpt-4o-mini', needsKey: true },
  { id: 'ollama', label: 'Ollama (local)', kind: 'openai-compatible', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', modelHint: 'llama3.2', needsKey: false },
  { id: 'lmstudio', label: 'LM Studio (local)', kind: 'openai-compatible', name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', modelHint: 'the model loaded in LM Studio', needsKey: false },
  { id: 'anthropic', label: 'Anthropic', kind: 'anthropic', name: 'Anthropic', baseUrl: '', modelHint: 'claude-sonnet-4-5', needsKey: true },
  { id: 'custom', label: 'Other OpenAI-compatible', kind: 'openai-compatible', name: '', baseUrl: '', modelHint: 'model id', needsKey: false },
];

export interface ProviderDraft {
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  model: string;
}

/** What is missing or wrong before the form can be saved; null when it can. */
export function providerDraftProblem(draft: ProviderDraft): string | null {
  if (draft.name.trim() === '') return 'Give the provider a name.';
  if (draft.model.trim() === '') return 'Name the model to use.';
  const baseUrl = draft.baseUrl.trim();
  if (draft.kind === 'openai-compatible' && baseUrl === '') return 'An OpenAI-compatible provider needs a base URL.';
  if (baseUrl !== '') {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      return 'The base URL is not a valid URL.';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The base URL must start with http:// or https://.';
  }
  return null;
}

/** A model server found on this machine, as a one-click preset for the setup form. */
export function presetFromDetected(server: { id: string; label: string; baseUrl: string }): ProviderPreset {
  return {
    id: `detected-${server.id}`,
    label: `${server.label} (found at ${server.baseUrl})`,
    kind: 'openai-compatible',
    name: server.label,
    baseUrl: server.baseUrl,
    modelHint: 'a model it serves',
    needsKey: false,
  };
}
