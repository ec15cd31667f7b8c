/**
 * R4: model output is untrusted. Only absolute http(s) and mailto links survive; everything else
 * (javascript:, data:, vbscript:, file:, blob:, relative and protocol-relative URLs that would
 * resolve inside the app) is dropped. Parsing with URL normalises case, whitespace and control
 * characters the way a browser would, so "JaVa\tScript:" is caught too.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function safeLinkUrl(raw: string): string | null {
  const candidate = raw.trim();
  if (candidate === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return null;
  if (parsed.protocol !== 'mailto:' && parsed.hostname === '') return null;
  return parsed.href;
}

/** react-markdown's `urlTransform`: an unsafe URL becomes no URL at all. */
export function markdownUrlTransform(url: string): string | null {
  return safeLinkUrl(url);
}
