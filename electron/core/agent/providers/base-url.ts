/**
 * What a provider's base URL may be: an http or https address. A model API is only ever spoken
 * over HTTP; `javascript:`, `file:` and other schemes were accepted (issue 14) and could only
 * fail later or be misused, so they are refused where the setting is saved and again where a
 * provider is built (the environment's OPENAI_BASE_URL does not pass through the settings).
 */
import { z } from 'zod';

export const providerBaseUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });

/** Why `url` cannot be a provider's base URL, or null when it can. */
export function baseUrlProblem(url: string): string | null {
  return providerBaseUrlSchema.safeParse(url).success ? null : `"${url.slice(0, 200)}" is not an http:// or https:// address`;
}
