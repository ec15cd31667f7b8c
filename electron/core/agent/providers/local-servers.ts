/**
 * Finding model servers already running on this machine (Ollama, LM Studio, llama.cpp, vLLM) on
 * their usual loopback ports, only when the person asks (`provider.detectLocal`). Each probe is a
 * plain GET with a short timeout: a port with nothing behind it answers at once with a refused
 * connection, and something else listening there (any web server) is not mistaken for a model
 * server because the answer must be a models list.
 */

export interface LocalServerCandidate {
  /** Stable id for the preset, e.g. "ollama". */
  id: string;
  /** What the person reads: "Ollama". */
  label: string;
  port: number;
  /** Ollama also lists its models at /api/tags (older versions have no /v1/models). */
  ollamaTags?: boolean;
}

/** The usual ports; tests pass their own list of ephemeral ports. */
export const LOCAL_SERVER_CANDIDATES: readonly LocalServerCandidate[] = [
  { id: 'ollama', label: 'Ollama', port: 11434, ollamaTags: true },
  { id: 'lmstudio', label: 'LM Studio', port: 1234 },
  { id: 'llamacpp', label: 'llama.cpp', port: 8080 },
  { id: 'vllm', label: 'vLLM', port: 8000 },
];

export const LOCAL_PROBE_TIMEOUT_MS = 1_500;

const LOOPBACK_HOSTS = new Set(['', '127.0.0.1', 'localhost', '0.0.0.0', '[::1]', '::1']);

/**
 * The usual candidates, with Ollama on the port OLLAMA_HOST names (Ollama's own variable, e.g.
 * `127.0.0.1:11435` or `http://localhost:11435`) when it is a port on this machine: only loopback
 * is ever probed.
 */
export function localServerCandidates(env: NodeJS.ProcessEnv): LocalServerCandidate[] {
  const port = ollamaPort(env['OLLAMA_HOST']);
  return LOCAL_SERVER_CANDIDATES.map((candidate) => (candidate.id === 'ollama' && port !== null ? { ...candidate, port } : candidate));
}

function ollamaPort(value: string | undefined): number | null {
  const text = value?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text.startsWith(':') ? `127.0.0.1${text}` : text}`);
  } catch {
    return null;
  }
  if (!LOOPBACK_HOSTS.has(url.hostname) || url.port === '') return null;
  return Number(url.port);
}

export interface DetectedServer {
  id: string;
  label: string;
  /** The OpenAI-compatible base URL to configure, e.g. http://127.0.0.1:11434/v1. */
  baseUrl: string;
  models: string[];
}

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' }, redirect: 'error' });
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** Model ids from an OpenAI models list (`{ data: [{ id }] }`) or Ollama's tags (`{ models: [{ name }] }`); null if neither. */
function modelIds(body: unknown, field: 'data' | 'models', key: 'id' | 'name'): string[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const list = (body as Record<string, unknown>)[field];
  if (!Array.isArray(list)) return null;
  return list.flatMap((entry: unknown) => {
    const value = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

async function probe(candidate: LocalServerCandidate, host: string, timeoutMs: number): Promise<DetectedServer | null> {
  const origin = `http://${host}:${candidate.port}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const found = (models: string[]): DetectedServer => ({ id: candidate.id, label: candidate.label, baseUrl: `${origin}/v1`, models });
  try {
    const listed = modelIds(await getJson(`${origin}/v1/models`, signal), 'data', 'id');
    if (listed !== null) return found(listed);
    if (candidate.ollamaTags) {
      const tags = modelIds(await getJson(`${origin}/api/tags`, signal), 'models', 'name');
      if (tags !== null) return found(tags);
    }
  } catch {
    // Nothing there (refused, timed out, not HTTP): not a server to offer.
  }
  return null;
}

/** Probes every candidate at once; the found ones, in the candidates' order. */
export async function detectLocalServers(
  candidates: readonly LocalServerCandidate[] = LOCAL_SERVER_CANDIDATES,
  options: { timeoutMs?: number; host?: string } = {},
): Promise<DetectedServer[]> {
  const results = await Promise.all(candidates.map((candidate) => probe(candidate, options.host ?? '127.0.0.1', options.timeoutMs ?? LOCAL_PROBE_TIMEOUT_MS)));
  return results.filter((server): server is DetectedServer => server !== null);
}
