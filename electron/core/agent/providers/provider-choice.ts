/**
 * Which provider new turns use: the one `activeProvider` names (a saved provider, or the one from
 * the environment by its shown name), else the first saved one, else the environment's. The
 * environment's provider can be named so that adding a provider while it is in use does not
 * silently re-point every conversation at the new one (issue 11, L34). SDK-free.
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
