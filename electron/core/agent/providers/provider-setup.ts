/**
 * Provider setup that checks itself (issue 11): the providers as a window sees them (saved ones and
 * the one from the environment, shown "From environment"), the models a provider's server offers,
 * a connection test, and local model servers found on request. Keys are read here from the secret
 * store or the environment and go only to the provider's own server; none is ever returned (R4).
 *
 * SDK-free: the SDKs behind the models list (model-list.ts) are loaded at the first check, not at
 * start (issue 13).
 */
import { BatonError, describeError } from '../../../../shared/errors.ts';
import type { ProviderSetting, ProviderView, Settings } from '../../../../shared/settings.ts';
import type { SecretStore } from '../../ports.ts';
import { maskUrlPassword } from '../../settings/mcp-secrets.ts';
import { baseUrlProblem } from './base-url.ts';
import { detectLocalServers, localServerCandidates, type DetectedServer, type LocalServerCandidate } from './local-servers.ts';
import type * as ModelListModule from './model-list.ts';
import type { ListedModel, ModelListTarget } from './model-list.ts';
import { providerConfigFromEnv } from './provider-env.ts';
import { isProviderError } from './provider.ts';

/** A saved provider by name, or a draft from the setup form (shared/protocol/contract.ts, providerTargetSchema). */
export type SetupTarget =
  | { providerName: string }
  | { kind: ProviderSetting['kind']; name?: string | undefined; baseUrl?: string | undefined; apiKey?: string | undefined; keyFrom?: string | undefined; model?: string | undefined };

export type CheckFailure = { ok: false; code: string; message: string; latencyMs: number };
export type ModelsCheck = { ok: true; models: ListedModel[]; latencyMs: number } | CheckFailure;
export type ConnectionCheck = { ok: true; modelCount: number; latencyMs: number; modelListed: boolean | null; message: string } | CheckFailure;

export interface ProviderSetupOptions {
  settings: () => Pick<Settings, 'providers'>;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  /** The whole check, connection and listing, must finish within this. */
  timeoutMs?: number;
  /** The ports `detectLocal` probes; the usual ones (and OLLAMA_HOST's) by default (tests pass ephemeral ones). */
  localServers?: readonly LocalServerCandidate[];
  localProbeTimeoutMs?: number;
  now?: () => number;
}

export const SETUP_CHECK_TIMEOUT_MS = 10_000;

let modelListModule: Promise<typeof ModelListModule> | null = null;
function loadModelList(): Promise<typeof ModelListModule> {
  modelListModule ??= import('./model-list.ts');
  return modelListModule;
}

interface ResolvedTarget extends ModelListTarget {
  model: string | null;
}

export class ProviderSetup {
  readonly #options: ProviderSetupOptions;

  constructor(options: ProviderSetupOptions) {
    this.#options = options;
  }

  /** Saved providers (with whether a key is stored), then the environment's, if any. Never a key. */
  async views(): Promise<ProviderView[]> {
    const { settings, secrets, env } = this.#options;
    const saved = await Promise.all(
      settings().providers.map(
        async (provider): Promise<ProviderView> => ({
          name: provider.name,
          kind: provider.kind,
          ...(provider.baseUrl ? { baseUrl: maskUrlPassword(provider.baseUrl) } : {}),
          model: provider.model,
          hasKey: provider.keyRef !== null && (await secrets.get(provider.keyRef)) !== null,
          source: 'settings',
        }),
      ),
    );
    const fromEnv = providerConfigFromEnv(env);
    // A saved provider of the same name wins (chooseProvider looks at saved ones first).
    if (!fromEnv || saved.some((view) => view.name === fromEnv.name)) return saved;
    return [...saved, { name: fromEnv.name, kind: fromEnv.kind, baseUrl: fromEnv.baseUrl === null ? fromEnv.baseUrl : maskUrlPassword(fromEnv.baseUrl), model: fromEnv.model, hasKey: fromEnv.apiKey !== null, source: 'environment' }];
  }

  async models(target: SetupTarget): Promise<ModelsCheck> {
    return this.#list(await this.#resolve(target));
  }

  async #list(resolved: ResolvedTarget): Promise<ModelsCheck> {
    const started = this.#now();
    try {
      const { listModels } = await loadModelList();
      const models = await listModels(resolved, { timeoutMs: this.#options.timeoutMs ?? SETUP_CHECK_TIMEOUT_MS });
      return { ok: true, models, latencyMs: this.#now() - started };
    } catch (error) {
      return failure(error, this.#now() - started);
    }
  }

  async test(target: SetupTarget): Promise<ConnectionCheck> {
    const resolved = await this.#resolve(target);
    const listed = await this.#list(resolved);
    if (!listed.ok) return listed;
    const count = listed.models.length;
    const modelListed = resolved.model === null ? null : listed.models.some((model) => model.id === resolved.model);
    const offered = `${count} model${count === 1 ? '' : 's'} offered`;
    let message = `Connected to ${resolved.name} in ${listed.latencyMs} ms: ${offered}.`;
    if (modelListed === false) message += ` The model "${resolved.model}" is not among them; check its name.`;
    return { ok: true, modelCount: count, latencyMs: listed.latencyMs, modelListed, message };
  }

  detectLocal(): Promise<DetectedServer[]> {
    const options = this.#options.localProbeTimeoutMs === undefined ? {} : { timeoutMs: this.#options.localProbeTimeoutMs };
    return detectLocalServers(this.#options.localServers ?? localServerCandidates(this.#options.env), options);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async #resolve(target: SetupTarget): Promise<ResolvedTarget> {
    if ('providerName' in target) {
      const saved = this.#saved(target.providerName);
      if (saved) return { kind: saved.kind, name: saved.name, baseUrl: saved.baseUrl ?? null, apiKey: await this.#storedKey(saved), model: saved.model };
      const fromEnv = providerConfigFromEnv(this.#options.env);
      if (fromEnv && fromEnv.name === target.providerName) return { ...fromEnv, model: fromEnv.model };
      throw new BatonError('NOT_FOUND', `No provider named "${target.providerName}".`);
    }
    const baseUrl = target.baseUrl?.trim() ? target.baseUrl.trim() : null;
    if (baseUrl === null && target.kind === 'openai-compatible') throw new BatonError('INVALID_INPUT', 'An OpenAI-compatible provider needs a base URL.');
    const problem = baseUrl === null ? null : baseUrlProblem(baseUrl);
    if (problem !== null) throw new BatonError('INVALID_INPUT', `The base URL cannot be used: ${problem}.`);
    const name = target.name?.trim() || (baseUrl ? (new URL(baseUrl).host || 'the server') : 'Anthropic');
    const apiKey = target.apiKey ?? (target.keyFrom === undefined ? null : await this.#borrowedKey(target.keyFrom, target.kind, baseUrl));
    return { kind: target.kind, name, baseUrl, apiKey, model: target.model?.trim() || null };
  }

  #saved(name: string): ProviderSetting | undefined {
    return this.#options.settings().providers.find((p) => p.name === name);
  }

  async #storedKey(provider: ProviderSetting): Promise<string | null> {
    return provider.keyRef === null ? null : this.#options.secrets.get(provider.keyRef);
  }

  /** R4: a saved provider's key, only for a draft that still points where that provider does. */
  async #borrowedKey(providerName: string, kind: ProviderSetting['kind'], baseUrl: string | null): Promise<string | null> {
    const saved = this.#saved(providerName);
    if (saved) return saved.kind === kind && (saved.baseUrl ?? null) === baseUrl ? this.#storedKey(saved) : null;
    const fromEnv = providerConfigFromEnv(this.#options.env);
    if (fromEnv && fromEnv.name === providerName && fromEnv.kind === kind && fromEnv.baseUrl === baseUrl) return fromEnv.apiKey;
    return null;
  }
}

function failure(error: unknown, latencyMs: number): CheckFailure {
  if (isProviderError(error)) return { ok: false, code: error.code, message: error.message, latencyMs };
  return { ok: false, code: 'PROVIDER_FAILED', message: `The check failed: ${describeError(error)}`, latencyMs };
}
