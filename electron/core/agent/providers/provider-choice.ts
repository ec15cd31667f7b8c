/**
 * Which provider a conversation uses (L34). Each lane names its own provider and model; the
 * default, which new conversations take, is the one `activeProvider` names (a saved provider, or
 * the one from the environment by its shown name), else the first saved one, else the
 * environment's. Adding a provider or changing the default never re-points an existing
 * conversation (issue 11). SDK-free.
 */
import type { ProviderSetting, Settings } from '../../../../shared/settings.ts';
import { providerConfigFromEnv, type EnvProviderConfig } from './provider-env.ts';

export type ProviderChoice = { source: 'settings'; setting: ProviderSetting } | { source: 'environment'; config: EnvProviderConfig };

/** Null when there is none at all; throws when `activeProvider` names a provider that does not exist. */
export function chooseProvider(settings: Pick<Settings, 'providers' | 'activeProvider'>, env: NodeJS.ProcessEnv): ProviderChoice | null {
  const fromEnv = providerConfigFromEnv(env);
  if (settings.activeProvider) {
    const named = settings.providers.find((p) => p.name === settings.activeProvider);
    if (named) return { source: 'settings', setting: named };
    if (fromEnv && fromEnv.name === settings.activeProvider) return { source: 'environment', config: fromEnv };
    throw new Error(`The selected provider "${settings.activeProvider}" is not configured.`);
  }
  const first = settings.providers[0];
  if (first) return { source: 'settings', setting: first };
  return fromEnv ? { source: 'environment', config: fromEnv } : null;
}

/** L34: the provider a conversation names, saved or from the environment; null when it is gone. */
export function providerNamed(settings: Pick<Settings, 'providers'>, env: NodeJS.ProcessEnv, name: string): ProviderChoice | null {
  const saved = settings.providers.find((p) => p.name === name);
  if (saved) return { source: 'settings', setting: saved };
  const fromEnv = providerConfigFromEnv(env);
  return fromEnv && fromEnv.name === name ? { source: 'environment', config: fromEnv } : null;
}

export function choiceName(choice: ProviderChoice): string {
  return choice.source === 'settings' ? choice.setting.name : choice.config.name;
}

/** The model a provider is configured with (its default model). */
export function choiceModel(choice: ProviderChoice): string {
  return choice.source === 'settings' ? choice.setting.model : choice.config.model;
}

/**
 * L34: the provider and model a new conversation takes: the default provider with its configured
 * model. Null when no provider exists, or when `activeProvider` names one that is gone (a lane
 * then waits for a real choice instead of being pointed at some other provider).
 */
export function defaultModelChoice(settings: Pick<Settings, 'providers' | 'activeProvider'>, env: NodeJS.ProcessEnv): { provider: string; model: string } | null {
  let choice: ProviderChoice | null;
  try {
    choice = chooseProvider(settings, env);
  } catch {
    return null;
  }
  return choice ? { provider: choiceName(choice), model: choiceModel(choice) } : null;
}

/** L34: the error a conversation whose provider was removed gets on send: it names the provider and the way out. */
export function providerGoneMessage(name: string): string {
  return `The provider “${name}” this conversation uses is no longer configured. Pick another model for this conversation in its header (or add “${name}” again in Settings), then send or retry.`;
}
