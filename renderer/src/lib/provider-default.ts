/**
 * Which provider new conversations use and whether the window must ask for one — read by the
 * window at every start, so kept apart from the setup form's presets (loaded with the form).
 */
import type { ProviderView } from '../../../shared/settings.ts';

/** What settings.get answers that these helpers read. */
export interface ProvidersReply {
  settings: { activeProvider: string | null };
  /** Saved providers first, then the one from the environment, if any. */
  providers: readonly ProviderView[];
}

/**
 * The provider new messages use, by the gateway's own rule (provider-choice.ts): the one
 * `activeProvider` names, else the first saved one, else the environment's; null when none.
 */
export function providerInUse(reply: ProvidersReply): ProviderView | null {
  const named = reply.settings.activeProvider;
  if (named !== null) return reply.providers.find((provider) => provider.name === named) ?? null;
  return reply.providers[0] ?? null;
}

/**
 * Whether the window should ask for a provider: only when there is none at all. One from the
 * environment counts (issue 11: the window asked although chatting worked).
 */
export function needsProviderSetup(reply: ProvidersReply | null): boolean {
  return reply !== null && reply.providers.length === 0;
}
