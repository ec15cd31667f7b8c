/**
 * L34: what the conversation header says about the conversation's agent — its provider and model,
 * its profile, and whether its provider still exists — and what the picker offers. Pure, so the
 * words are tested without a window.
 */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { DEFAULT_PROFILE_NAME, type AgentProfile, type ProviderView } from '../../../shared/settings.ts';

export interface AgentSummary {
  /** "Provider · model", or what to do when there is none. */
  label: string;
  profile: string;
  /** The conversation names a provider that is no longer configured (removed, or the environment changed). */
  providerMissing: boolean;
  /** Said to screen readers and shown as the button's title. */
  description: string;
}

export function agentSummary(lane: Pick<LaneStatus, 'provider' | 'model' | 'profile'>, providers: readonly ProviderView[] | null): AgentSummary {
  const provider = lane.provider ?? null;
  const profile = lane.profile ?? DEFAULT_PROFILE_NAME;
  // Until the settings are read, nothing is known to be missing.
  const providerMissing = provider !== null && providers !== null && !providers.some((p) => p.name === provider);
  const label = provider === null ? 'No model chosen' : `${provider} · ${lane.model ?? '?'}`;
  const description = providerMissing
    ? `This conversation uses ${label}, but the provider “${provider}” is no longer configured. Pick another model.`
    : provider === null
      ? 'This conversation has no model yet; it takes the default when it first runs.'
      : `This conversation uses ${label}, profile ${profile}.`;
  return { label, profile, providerMissing, description };
}

export interface ProviderOption {
  name: string;
  /** Shown in the list: the name, with where it comes from or that it is gone. */
  text: string;
  /** The model the provider is configured with, the picker's suggestion. */
  model: string;
  missing: boolean;
}

/** Every provider there is, plus the conversation's own when it is gone (shown, not choosable). */
export function providerOptions(providers: readonly ProviderView[], current: string | null): ProviderOption[] {
  const options: ProviderOption[] = providers.map((p) => ({
    name: p.name,
    text: p.source === 'environment' ? `${p.name} (from environment)` : p.name,
    model: p.model,
    missing: false,
  }));
  if (current !== null && !providers.some((p) => p.name === current)) options.unshift({ name: current, text: `${current} (removed)`, model: '', missing: true });
  return options;
}

/** The profiles a conversation can pick: Default first, then the named ones. */
export function profileNames(profiles: readonly AgentProfile[]): string[] {
  return [DEFAULT_PROFILE_NAME, ...profiles.map((p) => p.name)];
}
