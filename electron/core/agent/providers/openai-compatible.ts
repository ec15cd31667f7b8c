/**
 * Chat Completions over the official `openai` SDK. Plain Chat Completions (no Responses API) is
 * the dialect OpenAI, OpenRouter, Ollama, LM Studio, llama.cpp and vLLM all speak.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { MISSING_IMAGE_TEXT, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ToolSpec } from './provider.ts';
import type { ModelImage } from '../transcript-repair.ts';
import { apiErrorDetail, providerError, type ErrorContext, type SdkErrorDialect } from './provider-errors.ts';
import { providerPolicy, streamWithPolicy, type AttemptContext, type PolicyOptions, type ProviderTimeouts, type RetryPolicy } from './stream-policy.ts';
import { ThinkTagSplitter, type ThinkPiece } from './think-tags.ts';

export { OPENAI_DEFAULT_BASE_URL } from './provider-env.ts';

export interface OpenAICompatibleOptions {
  name: string;
  /** Including the version path, e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  /** Null for local servers that need none: then no Authorization header is sent. */
  apiKey: string | null;
  timeouts?: Partial<ProviderTimeouts>;
  retry?: Partial<RetryPolicy>;
}

/**
 * L19: the system prompt first, then the history, then the note as ONE system message, then the
 * user's text verbatim. The note is never a user message.
 */
export function toChatMessages(request: ModelRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system !== null) messages.push({ role: 'system', content: request.system });
  for (const entry of request.history) {
    switch (entry.role) {
      case 'user':
        messages.push(userMessage(entry.text, entry.images));
        break;
      case 'assistant':
        if (entry.toolCalls.length === 0) {
          messages.push({ role: 'assistant', content: entry.text });
        } else {
          messages.push({
            role: 'assistant',
            // Several servers reject an empty string next to tool calls; null is the documented form.
            content: entry.text === '' ? null : entry.text,
            tool_calls: entry.toolCalls.map((call) => ({
              id: call.callId,
              type: 'function' as const,
              function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
            })),
          });
        }
        break;
      case 'tool':
        messages.push({ role: 'tool', tool_call_id: entry.callId, content: entry.output });
        break;
    }
  }
  if (request.note !== null) messages.push({ role: 'system', content: request.note.text });
  if (request.userText !== null) messages.push(userMessage(request.userText, request.userImages));
  return messages;
}

/** Issue 11: a user message with images is a list of parts, each image an `image_url` data URL. */
function userMessage(text: string, images: readonly ModelImage[] | undefined): ChatCompletionMessageParam {
  if (!images || images.length === 0) return { role: 'user', content: text };
  const parts: ChatCompletionContentPart[] = [{ type: 'text', text }];
  for (const image of images) {
    parts.push(
      image.data === null
        ? { type: 'text', text: MISSING_IMAGE_TEXT }
        : { type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${image.data}` } },
    );
  }
  return { role: 'user', content: parts };
}

export function toChatTools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

/** Rebuilds tool calls from the argument fragments Chat Completions streams them in. */
class ToolCallAssembler {
  readonly #calls: PartialCall[] = [];
  readonly #byIndex = new Map<number, PartialCall>();

  add(deltas: readonly ChatCompletionChunk.Choice.Delta.ToolCall[]): void {
    for (const delta of deltas) {
      const index = typeof delta.index === 'number' ? delta.index : this.#calls.length;
      let call = this.#byIndex.get(index);
      // Some local servers send every complete call at index 0; a new id means a new call.
      if (!call || (delta.id && call.id && delta.id !== call.id)) {
        call = { id: '', name: '', args: '' };
        this.#calls.push(call);
        this.#byIndex.set(index, call);
      }
      if (delta.id && !call.id) call.id = delta.id;
      if (delta.function?.name && !call.name) call.name = delta.function.name;
      if (delta.function?.arguments) call.args += delta.function.arguments;
    }
  }

  /** Hands out every call assembled so far, once. */
  *drain(context: ErrorContext): Generator<ModelStreamEvent> {
    const calls = this.#calls.splice(0);
    this.#byIndex.clear();
    for (const call of calls) {
      if (!call.name) throw providerError(context, 'malformed', { detail: 'a tool call has no function name' });
      let args: unknown;
      try {
        args = call.args.trim() === '' ? {} : JSON.parse(call.args);
      } catch (error) {
        throw providerError(context, 'malformed', { detail: `the arguments of tool call "${call.name}" are not valid JSON`, cause: error });
      }
      // Some local servers omit ids; the agent loop still needs one to pair the result.
      const callId = call.id || `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
      yield { type: 'tool_call', callId, name: call.name, args };
    }
  }
}

function stripStatusPrefix(message: string): string {
  return message.replace(/^\d{3}\s+/, '');
}

export class OpenAICompatibleProvider implements ModelProvider {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #policy: PolicyOptions;
  /** Raw error bodies by response: the SDK drops bodies that lack an `error` key (vLLM, FastAPI). */
  readonly #errorBodies = new WeakMap<Headers, string>();
  readonly #errors = openAIErrorDialect((headers) => this.#errorBodies.get(headers));

  constructor(options: OpenAICompatibleOptions) {
    this.name = options.name;
    this.#model = options.model;
    this.#policy = providerPolicy(options, () => this.#errors);
    this.#client = new OpenAI({
      // The SDK insists on a key; for keyless servers the header is removed below.
      apiKey: options.apiKey ?? 'no-key',
      baseURL: options.baseUrl,
      // Explicit nulls: an SDK default would otherwise read these from the environment.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      defaultHeaders: options.apiKey === null ? { Authorization: null } : undefined,
      // The retry and time-limit policy is ours (stream-policy.ts); the SDK's limit only backs it up.
      maxRetries: 0,
      timeout: Math.ceil(this.#policy.timeouts.requestMs) + 5_000,
      // The SDK's logs may include request details; nothing of a request is logged.
      logLevel: 'off',
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!response.ok) {
          try {
            this.#errorBodies.set(response.headers, await response.clone().text());
          } catch {
            // The SDK reads the same body and reports its own failure.
          }
        }
        return response;
      },
    });
  }

  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent> {
    return streamWithPolicy(this.#policy, signal, (attempt) => this.#attempt(request, attempt));
  }

  async *#attempt(request: ModelRequest, attempt: AttemptContext): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const body: ChatCompletionCreateParamsStreaming = {
      model: this.#model,
      messages: toChatMessages(request),
      stream: true,
      stream_options: { include_usage: true },
    };
    // An empty tools array is rejected by some servers; leave the field out instead.
    if (request.tools.length > 0) body.tools = toChatTools(request.tools);

    const stream = await this.#client.chat.completions.create(body, { signal: attempt.signal });
    attempt.responded();

    const calls = new ToolCallAssembler();
    let finishReason: string | null = null;
    let usage: ModelStreamEvent | null = null;
    let thinking = false;
    const inlineThinking = new ThinkTagSplitter();
    for await (const chunk of attempt.chunks(stream)) {
      // Servers that ignore include_usage send none; some put it on the last choice chunk instead.
      if (chunk.usage) usage = usageEvent(chunk.usage, this.#model);
      // The include_usage chunk has no choices.
      const choice = chunk.choices?.find((c) => c.index === 0) ?? chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta;
      const pieces: ThinkPiece[] = [];
      const reasoning = reasoningOf(delta);
      if (reasoning !== '') pieces.push({ kind: 'reasoning', text: reasoning });
      if (delta?.content) pieces.push(...inlineThinking.push(delta.content));
      if (delta?.refusal) pieces.push({ kind: 'text', text: delta.refusal });
      if (choice.finish_reason) pieces.push(...inlineThinking.end());
      for (const piece of pieces) {
        if (piece.kind === 'reasoning') {
          thinking = true;
          yield { type: 'reasoning', delta: piece.text };
          continue;
        }
        // Thinking ends where the answer (or a tool call, or the finish) begins.
        if (thinking) {
          thinking = false;
          yield { type: 'reasoning_end' };
        }
        yield { type: 'text', delta: piece.text };
      }
      if (thinking && (delta?.tool_calls || choice.finish_reason)) {
        thinking = false;
        yield { type: 'reasoning_end' };
      }
      if (delta?.tool_calls) calls.add(delta.tool_calls);
      if (choice.finish_reason && finishReason === null) {
        finishReason = choice.finish_reason;
        yield* calls.drain(this.#policy.context);
      }
    }
    // Without a finish reason the answer may be cut short, even if the server closed cleanly.
    if (finishReason === null) throw providerError(this.#policy.context, 'stream-cut');
    if (usage) yield usage;
    yield { type: 'done', finishReason };
  }
}

/**
 * Issue 10: thinking as local and hosted servers stream it. DeepSeek, llama.cpp and older vLLM
 * name it `reasoning_content`; OpenRouter, Ollama and newer vLLM `reasoning`. A server sending
 * both in one chunk sends the same words twice, so the first one present is taken. Neither is sent
 * back: DeepSeek refuses a request carrying `reasoning_content`.
 */
function reasoningOf(delta: ChatCompletionChunk.Choice.Delta | undefined): string {
  const fields = delta as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  if (typeof fields?.reasoning_content === 'string' && fields.reasoning_content !== '') return fields.reasoning_content;
  if (typeof fields?.reasoning === 'string') return fields.reasoning;
  return '';
}

/** Cached prompt tokens are part of `prompt_tokens`; they are priced apart, so they are counted apart. */
function usageEvent(usage: NonNullable<ChatCompletionChunk['usage']>, model: string): ModelStreamEvent {
  const prompt = usage.prompt_tokens ?? 0;
  const cached = Math.min(prompt, usage.prompt_tokens_details?.cached_tokens ?? 0);
  return { type: 'usage', inputTokens: prompt - cached, outputTokens: usage.completion_tokens ?? 0, ...(cached > 0 ? { cacheRead: cached } : {}), model };
}

/**
 * How the OpenAI SDK's errors read; the mapping itself is the shared table (provider-errors.ts).
 * `rawBodyOf` gives the body the SDK dropped (see #errorBodies).
 */
export function openAIErrorDialect(rawBodyOf: (headers: Headers) => string | undefined = () => undefined): SdkErrorDialect {
  return {
    APIUserAbortError,
    APIConnectionTimeoutError,
    APIConnectionError,
    APIError,
    detail: (error) => {
      const raw = error.headers ? rawBodyOf(error.headers) : undefined;
      return apiErrorDetail(raw === undefined ? error.error : (safeJson(raw) ?? raw), stripStatusPrefix(error.message));
    },
    streamErrorType: (error) => apiErrorType(error.error),
    transientStreamTypes: new Set(['server_error', 'rate_limit_error']),
    streamUnit: 'chunk',
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiErrorType(body: unknown): string | null {
  if (body && typeof body === 'object' && 'type' in body && typeof body.type === 'string') return body.type;
  return null;
}
