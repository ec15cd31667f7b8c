/**
 * What a provider's base URL may be (the rule is settings vocabulary, shared/settings.ts): checked
 * where the setting is saved and again here, where a provider is built, since the environment's
 * OPENAI_BASE_URL does not pass through the settings.
 */
import { providerBaseUrlSchema } from '../../../../shared/settings.ts';

/** Why `url` cannot be a provider's base URL, or null when it can. */
export function baseUrlProblem(url: string): string | null {
  return providerBaseUrlSchema.safeParse(url).success ? null : `"${url.slice(0, 200)}" is not an http:// or https:// address`;
}
