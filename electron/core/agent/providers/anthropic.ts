/**
 * Anthropic's Messages API over the official `@anthropic-ai/sdk`, streamed.
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { MISSING_IMAGE_TEXT, type ModelProvider, type ModelRequest, type ModelStreamEvent, type ToolSpec } from './provider.ts';
import type { ModelImage, ReasoningBlock, TranscriptEntry } from '../transcript-repair.ts';
import { isImageMimeType } from '../../../../shared/attachments.ts';
import { apiErrorDetail, providerError, type SdkErrorDialect } from './provider-errors.ts';
import { providerPolicy, streamWithPolicy, type AttemptContext, type PolicyOptions, type ProviderTimeouts, type RetryPolicy } from './stream-policy.ts';

export { ANTHROPIC_DEFAULT_BASE_URL } from './provider-env.ts';
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

export interface AnthropicOptions {
  name: string;
  /** Without the version path: the SDK appends `/v1/messages`. */
  baseUrl: string;
  model: string;
  apiKey: string | null;
  /** The Messages API requires an output limit on every request. */
  maxOutputTokens?: number;
  /** Issue 10: extended thinking's budget in tokens (at least 1024); 0 or absent: off. */
  thinkingBudgetTokens?: number;
  timeouts?: Partial<ProviderTimeouts>;
  retry?: Partial<RetryPolicy>;
}

export interface AnthropicRequestParts {
  system: TextBlockParam[] | undefined;
  messages: MessageParam[];
  tools: Tool[] | undefined;
}

function blocksOf(message: MessageParam): ContentBlockParam[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/**
 * L19: the note is a second block of the top-level `system`, after the agent's own prompt; it is
 * never user text. Tool results travel in user messages, and consecutive messages of one role are
 * merged because the API wants the roles to alternate.
 */
export function toAnthropicRequest(request: ModelRequest, options: { thinking?: boolean } = {}): AnthropicRequestParts {
  const system: TextBlockParam[] = [];
  if (request.system !== null) system.push({ type: 'text', text: request.system });
  if (request.note !== null) system.push({ type: 'text', text: request.note.text });

  const messages: MessageParam[] = [];
  const append = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return; // the API rejects a message without content
    const last = messages.at(-1);
    if (last && last.role === role) {
      last.content = [...blocksOf(last), ...blocks];
    } else {
      messages.push({ role, content: blocks });
    }
  };

  // Issue 10: with thinking on, the API wants the signed thinking of the turn's tool loop (the
  // assistant messages since the last user text) sent back first in each message, unchanged.
  const loopStart = request.history.findLastIndex((entry) => entry.role === 'user') + 1;
  request.history.forEach((entry, index) => {
    switch (entry.role) {
      case 'user':
        append('user', userBlocks(entry.text, entry.images));
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = options.thinking && index >= loopStart ? thinkingBlocks(entry.reasoning ?? []) : [];
        // The API rejects empty text blocks; a call-only answer has none.
        if (entry.text !== '') blocks.push({ type: 'text', text: entry.text });
        for (const call of entry.toolCalls) blocks.push({ type: 'tool_use', id: call.callId, name: call.name, input: call.args ?? {} });
        append('assistant', blocks);
        break;
      }
      case 'tool':
        append('user', [{ type: 'tool_result', tool_use_id: entry.callId, content: entry.output, ...(entry.isError ? { is_error: true } : {}) }]);
        break;
    }
  });
  if (request.userText !== null) append('user', userBlocks(request.userText, request.userImages));

  return {
    system: system.length > 0 ? system : undefined,
    messages,
    tools: request.tools.length > 0 ? toAnthropicTools(request.tools) : undefined,
  };
}

function thinkingBlocks(reasoning: readonly ReasoningBlock[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const block of reasoning) {
    if (block.redacted !== undefined) blocks.push({ type: 'redacted_thinking', data: block.redacted });
    else if (block.signature !== undefined) blocks.push({ type: 'thinking', thinking: block.text, signature: block.signature });
  }
  return blocks;
}

/**
 * Thinking can be asked for only when every assistant message of the turn's tool loop that called
 * a tool kept its signed thinking: the API refuses such a message that does not start with one
 * (after thinking was turned on mid-turn, or a crash lost the block). Then this request goes
 * without thinking rather than failing.
 */
export function thinkingFits(history: readonly TranscriptEntry[]): boolean {
  const loopStart = history.findLastIndex((entry) => entry.role === 'user') + 1;
  return history.slice(loopStart).every((entry) => entry.role !== 'assistant' || entry.toolCalls.length === 0 || (entry.reasoning?.length ?? 0) > 0);
}

/** Anthropic's documented limit per image is 5 MB (of the base64 data it receives). */
export const ANTHROPIC_MAX_IMAGE_BASE64 = 5 * 1024 * 1024;
const TOO_LARGE_IMAGE_TEXT = '[An image attached here is larger than the 5 MB Anthropic accepts per image, so it was not sent.]';

/** Issue 11: images first (Anthropic's advice), each a base64 `image` block, then the text. */
function userBlocks(text: string, images: readonly ModelImage[] | undefined): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const image of images ?? []) {
    if (image.data === null) blocks.push({ type: 'text', text: MISSING_IMAGE_TEXT });
    // The Messages API refuses the whole request for one image over its limit; leave that one out, and say so.
    else if (image.data.length > ANTHROPIC_MAX_IMAGE_BASE64) blocks.push({ type: 'text', text: TOO_LARGE_IMAGE_TEXT });
    else if (isImageMimeType(image.mimeType)) blocks.push({ type: 'image', source: { type: 'base64', media_type: image.mimeType, data: image.data } });
  }
  blocks.push({ type: 'text', text });
  return blocks;
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters },
  }));
}

/** A thinking or redacted_thinking block being streamed. */
interface OpenThinking {
  signature: string;
  redacted?: string;
}

interface OpenToolUse {
  id: string;
  name: string;
  json: string;
  /** The input given in the start event; the API streams it instead and leaves this `{}`. */
  initial: unknown;
}

/** How the Anthropic SDK's errors read; the mapping itself is the shared table (provider-errors.ts). */
export const ANTHROPIC_ERRORS: SdkErrorDialect = {
  APIUserAbortError,
  APIConnectionTimeoutError,
  APIConnectionError,
  APIError,
  detail: (error) => (error as APIError).apiMessage ?? apiErrorDetail(error.error, error.message.replace(/^\d{3}\s+/, '')),
  streamErrorType: (error) => (error as APIError).type,
  // Error types Anthropic sends inside an open stream that a later attempt may not meet.
  transientStreamTypes: new Set(['overloaded_error', 'api_error', 'rate_limit_error']),
  streamUnit: 'event',
};

export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  readonly #client: Anthropic;
  readonly #model: string;
  readonly #maxTokens: number;
  readonly #thinkingBudget: number;
  readonly #policy: PolicyOptions;

  constructor(options: AnthropicOptions) {
    this.name = options.name;
    this.#model = options.model;
    this.#maxTokens = options.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
    this.#thinkingBudget = options.thinkingBudgetTokens ?? 0;
    this.#policy = providerPolicy(options, () => ANTHROPIC_ERRORS);
    this.#client = new Anthropic({
      // Always a string: without one the SDK would go looking for credentials in the
      // environment and profile files. A keyless proxy gets no Authorization header.
      apiKey: options.apiKey ?? 'no-key',
      defaultHeaders: options.apiKey === null ? { Authorization: null } : undefined,
      baseURL: options.baseUrl,
      webhookKey: null,
      maxRetries: 0,
      timeout: Math.ceil(this.#policy.timeouts.requestMs) + 5_000,
      logLevel: 'off',
      openTelemetry: false,
    });
  }

  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent> {
    return streamWithPolicy(this.#policy, signal, (attempt) => this.#attempt(request, attempt));
  }

  async *#attempt(request: ModelRequest, attempt: AttemptContext): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const thinking = this.#thinkingBudget > 0 && thinkingFits(request.history);
    const parts = toAnthropicRequest(request, { thinking });
    const body: MessageCreateParamsStreaming = {
      model: this.#model,
      // The budget is part of max_tokens, which must exceed it: the answer keeps its own room.
      max_tokens: thinking ? this.#maxTokens + this.#thinkingBudget : this.#maxTokens,
      messages: parts.messages,
      stream: true,
    };
    if (thinking) body.thinking = { type: 'enabled', budget_tokens: this.#thinkingBudget };
    if (parts.system) body.system = parts.system;
    if (parts.tools) body.tools = parts.tools;

    const stream = await this.#client.messages.create(body, { signal: attempt.signal });
    attempt.responded();

    const context = this.#policy.context;
    const toolUses = new Map<number, OpenToolUse>();
    const thoughts = new Map<number, OpenThinking>();
    let inputTokens = 0;
    let outputTokens = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    let sawUsage = false;
    let stopReason: string | null = null;
    let stopped = false;
    for await (const event of attempt.chunks(stream)) {
      switch (event.type) {
        case 'message_start': {
          const usage = event.message.usage;
          if (usage) {
            sawUsage = true;
            // Cache reads and writes are priced apart from plain input, so they are counted apart.
            inputTokens = usage.input_tokens ?? 0;
            cacheWrite = usage.cache_creation_input_tokens ?? 0;
            cacheRead = usage.cache_read_input_tokens ?? 0;
            outputTokens = usage.output_tokens ?? 0;
          }
          break;
        }
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') {
            toolUses.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '', initial: event.content_block.input });
          } else if (event.content_block.type === 'text' && event.content_block.text) {
            yield { type: 'text', delta: event.content_block.text };
          } else if (event.content_block.type === 'thinking') {
            thoughts.set(event.index, { signature: event.content_block.signature ?? '' });
            if (event.content_block.thinking) yield { type: 'reasoning', delta: event.content_block.thinking };
          } else if (event.content_block.type === 'redacted_thinking') {
            thoughts.set(event.index, { signature: '', redacted: event.content_block.data });
          }
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') {
            if (event.delta.text) yield { type: 'text', delta: event.delta.text };
          } else if (event.delta.type === 'input_json_delta') {
            const open = toolUses.get(event.index);
            if (open) open.json += event.delta.partial_json;
          } else if (event.delta.type === 'thinking_delta') {
            if (event.delta.thinking) yield { type: 'reasoning', delta: event.delta.thinking };
          } else if (event.delta.type === 'signature_delta') {
            const thought = thoughts.get(event.index);
            if (thought) thought.signature += event.delta.signature;
          }
          break;
        case 'content_block_stop': {
          const thought = thoughts.get(event.index);
          if (thought) {
            thoughts.delete(event.index);
            if (thought.redacted !== undefined) yield { type: 'reasoning_end', redacted: thought.redacted };
            else yield { type: 'reasoning_end', ...(thought.signature !== '' ? { signature: thought.signature } : {}) };
            break;
          }
          const open = toolUses.get(event.index);
          if (!open) break;
          toolUses.delete(event.index);
          let args: unknown;
          try {
            args = open.json.trim() === '' ? (open.initial ?? {}) : JSON.parse(open.json);
          } catch (error) {
            throw providerError(context, 'malformed', { detail: `the input of tool call "${open.name}" is not valid JSON`, cause: error });
          }
          yield { type: 'tool_call', callId: open.id, name: open.name, args };
          break;
        }
        case 'message_delta':
          if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
          if (event.usage) {
            sawUsage = true;
            // message_delta counts are cumulative for the whole message.
            if (typeof event.usage.input_tokens === 'number') inputTokens = event.usage.input_tokens;
            if (typeof event.usage.cache_creation_input_tokens === 'number') cacheWrite = event.usage.cache_creation_input_tokens;
            if (typeof event.usage.cache_read_input_tokens === 'number') cacheRead = event.usage.cache_read_input_tokens;
            outputTokens = event.usage.output_tokens;
          }
          break;
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    if (!stopped) throw providerError(context, 'stream-cut');
    if (sawUsage) {
      yield { type: 'usage', inputTokens, outputTokens, ...(cacheRead > 0 ? { cacheRead } : {}), ...(cacheWrite > 0 ? { cacheWrite } : {}), model: this.#model };
    }
    yield { type: 'done', finishReason: stopReason ?? 'end_turn' };
  }
}
