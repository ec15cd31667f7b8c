/**
 * The models a provider's server offers, fetched through the vendors' SDKs (`client.models.list()`
 * of openai and @anthropic-ai/sdk): GET /v1/models on an OpenAI-compatible server, Anthropic's
 * models endpoint. Used by the setup checks (provider-setup.ts), which load this module at the
 * first check so that the SDKs are not loaded at start (issue 13). Every failure is a row of the
 * provider error table (provider-errors.ts), in words a person can act on.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ProviderKind } from '../../../../shared/settings.ts';
import { ANTHROPIC_ERRORS } from './anthropic.ts';
import { openAIErrorDialect } from './openai-compatible.ts';
import { endpointOf, fromSdkError, providerError, type ErrorContext } from './provider-errors.ts';
import { ANTHROPIC_DEFAULT_BASE_URL, OPENAI_DEFAULT_BASE_URL } from './provider-env.ts';
import type { ProviderError } from './provider.ts';

export interface ModelListTarget {
  kind: ProviderKind;
  /** The provider's display name, for messages. */
  name: string;
  /** Null: the vendor's public API for the kind. */
  baseUrl: string | null;
  apiKey: string | null;
}

export interface ListedModel {
  id: string;
  /** A friendlier name when the server gives one (Anthropic's `display_name`). */
  label?: string;
}

/** A list longer than this is cut: a picker of thousands helps nobody, and a page loop must end. */
export const MAX_LISTED_MODELS = 2_000;
const MAX_PAGES = 10;

function contextOf(target: ModelListTarget, baseUrl: string): ErrorContext {
  return { name: target.name, secret: target.apiKey, endpoint: endpointOf(baseUrl) };
}

/** Whether a page's body was a models list at all (the SDKs turn any other body into an empty page). */
function hasDataArray(page: unknown): boolean {
  const body = (page as { body?: unknown }).body;
  return typeof body === 'object' && body !== null && Array.isArray((body as { data?: unknown }).data);
}

function notCompatible(context: ErrorContext, kind: ProviderKind, status?: number, cause?: unknown): ProviderError {
  const api = kind === 'anthropic' ? "Anthropic's API" : 'an OpenAI-compatible server';
  return providerError(context, 'not-compatible', { detail: `${api}${status === undefined ? '' : ` (it answered ${status} for the models list)`}`, ...(status === undefined ? {} : { status }), cause });
}

/**
 * Lists the models, or throws a ProviderError. `timeoutMs` bounds the whole listing; `signal`
 * cancels it.
 */
export async function listModels(target: ModelListTarget, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ListedModel[]> {
  const baseUrl = target.baseUrl ?? (target.kind === 'anthropic' ? ANTHROPIC_DEFAULT_BASE_URL : OPENAI_DEFAULT_BASE_URL);
  const context = contextOf(target, baseUrl);
  const dialect = target.kind === 'anthropic' ? ANTHROPIC_ERRORS : openAIErrorDialect();
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  try {
    return target.kind === 'anthropic' ? await listAnthropic(target, baseUrl, signal, context) : await listOpenAI(target, baseUrl, signal, context);
  } catch (error) {
    // Our own timeout aborts like a cancel; say what it was.
    if (signal.aborted && !options.signal?.aborted) throw providerError(context, 'timeout', { ms: options.timeoutMs, cause: error });
    const mapped = fromSdkError(error, dialect, context, options.timeoutMs);
    // A 404 or 405 for the models list: something answers there, but not this API.
    if (mapped.code === 'PROVIDER_REFUSED' && (mapped.status === 404 || mapped.status === 405)) throw notCompatible(context, target.kind, mapped.status, error);
    if (mapped.code === 'PROVIDER_MALFORMED') throw notCompatible(context, target.kind, undefined, error);
    throw mapped;
  }
}

async function listOpenAI(target: ModelListTarget, baseUrl: string, signal: AbortSignal, context: ErrorContext): Promise<ListedModel[]> {
  const client = new OpenAI({
    // As in the provider: always a string, so the SDK never looks for credentials elsewhere; a
    // keyless local server gets no Authorization header.
    apiKey: target.apiKey ?? 'no-key',
    defaultHeaders: target.apiKey === null ? { Authorization: null } : undefined,
    baseURL: baseUrl,
    maxRetries: 0,
    logLevel: 'off',
  });
  const page = await client.models.list({ signal });
  if (!hasDataArray(page)) throw notCompatible(context, target.kind);
  return page.data
    .filter((model) => typeof model?.id === 'string' && model.id !== '')
    .slice(0, MAX_LISTED_MODELS)
    .map((model) => ({ id: model.id }));
}

async function listAnthropic(target: ModelListTarget, baseUrl: string, signal: AbortSignal, context: ErrorContext): Promise<ListedModel[]> {
  const client = new Anthropic({
    apiKey: target.apiKey ?? 'no-key',
    defaultHeaders: target.apiKey === null ? { Authorization: null } : undefined,
    baseURL: baseUrl,
    webhookKey: null,
    maxRetries: 0,
    logLevel: 'off',
    openTelemetry: false,
  });
  const models: ListedModel[] = [];
  let page = await client.models.list({ limit: 1000 }, { signal });
  for (let pages = 1; ; pages++) {
    if (!hasDataArray(page)) throw notCompatible(context, target.kind);
    for (const model of page.data) {
      if (typeof model?.id !== 'string' || model.id === '') continue;
      models.push(model.display_name ? { id: model.id, label: model.display_name } : { id: model.id });
    }
    if (models.length >= MAX_LISTED_MODELS || pages >= MAX_PAGES || !page.hasNextPage()) break;
    page = await page.getNextPage();
  }
  return models.slice(0, MAX_LISTED_MODELS);
}
