/**
 * Issue 10 (reasoning and cost), L26: both providers stream a model's thinking and its token usage
 * from real HTTP servers speaking each wire protocol, and Anthropic's signed thinking goes back in
 * the turn's next request as that API requires.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import os from 'node:os';
import { AgentLoop } from '../../../../electron/core/agent/agent-loop.ts';
import { MemorySecretStore } from '../../../../electron/core/agent/memory-secret-store.ts';
import { ModelAgentFactory } from '../../../../electron/core/agent/model-agent-factory.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../../shared/settings.ts';
import type { ReasoningEnd, TurnContext, Usage } from '../../../../electron/core/agent/agent.ts';
import { AnthropicProvider, toAnthropicRequest } from '../../../../electron/core/agent/providers/anthropic.ts';
import { OpenAICompatibleProvider } from '../../../../electron/core/agent/providers/openai-compatible.ts';
import { defineTool, ToolRegistry } from '../../../../electron/core/agent/tools/tool.ts';
import { repairForResume } from '../../../../electron/core/agent/transcript-repair.ts';
import type { StoredEvent, TurnEvent } from '../../../../shared/transcript.ts';
import { startScriptedAnthropicServer, type ScriptedAnthropicServer } from '../../../fixtures/scripted-anthropic-server.ts';
import { reasoningReply, startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../../../fixtures/scripted-openai-server.ts';
import { collectStream as run, modelRequest as request, streamedText } from '../../../support/provider-stream.ts';

const signal = new AbortController().signal;
const quick = { retry: { retries: 0, baseDelayMs: 1 }, timeouts: { requestMs: 60_000, idleMs: 60_000 } };

const thinkingOf = (events: { type: string; delta?: string }[]) => events.flatMap((e) => (e.type === 'reasoning' ? [e.delta] : [])).join('');

describe('OpenAI-compatible reasoning and usage (issue 10)', () => {
  let server: ScriptedOpenAIServer;
  const provider = () => new OpenAICompatibleProvider({ name: 'Local', baseUrl: server.url, model: 'deepseek-reasoner', apiKey: null, ...quick });

  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const field of ['reasoning_content', 'reasoning', 'both'] as const) {
    it(`L26: thinking in \`${field}\` streams as reasoning, ends where the answer begins, and is never doubled`, async () => {
      server.enqueue(reasoningReply('First, compare both. ', 'Pick the left one.', { field }));
      const { events, error } = await run(provider().stream(request(), signal));
      expect(error).toBeNull();
      expect(thinkingOf(events)).toBe('First, compare both. ');
      expect(streamedText(events)).toBe('Pick the left one.');
      const end = events.findIndex((e) => e.type === 'reasoning_end');
      expect(events[end]).toEqual({ type: 'reasoning_end' });
      expect(events.findIndex((e) => e.type === 'text')).toBe(end + 1);
      expect(events.filter((e) => e.type === 'reasoning_end')).toHaveLength(1);
    });
  }

  it('issue 10: thinking a server leaves in the answer as `<think>…</think>` (llama.cpp, older Ollama) streams as reasoning, split anywhere', async () => {
    const content = '\n<think>\nCompare both.\nLeft is cheaper.\n</think>\n\nPick the left one. A <think> tag later is text.';
    for (const chunks of [1, 3, 7, content.length]) {
      server.enqueue(textReply(content, { chunks }));
      const { events, error } = await run(provider().stream(request(), signal));
      expect(error).toBeNull();
      expect(thinkingOf(events)).toBe('\nCompare both.\nLeft is cheaper.\n');
      expect(streamedText(events)).toBe('Pick the left one. A <think> tag later is text.');
      expect(events.filter((e) => e.type === 'reasoning_end')).toHaveLength(1);
      expect(events.findIndex((e) => e.type === 'text')).toBe(events.findIndex((e) => e.type === 'reasoning_end') + 1);
    }
  });

  it('an answer that does not open with `<think>` is left as it is, and an unclosed one stays thinking', async () => {
    server.enqueue(textReply('<thinking is fun> says the answer', { chunks: 9 }), textReply('<think>cut off mid-thought', { chunks: 4 }));
    const plain = await run(provider().stream(request(), signal));
    expect(streamedText(plain.events)).toBe('<thinking is fun> says the answer');
    expect(thinkingOf(plain.events)).toBe('');
    const unclosed = await run(provider().stream(request(), signal));
    expect(thinkingOf(unclosed.events)).toBe('cut off mid-thought');
    expect(streamedText(unclosed.events)).toBe('');
    expect(unclosed.events.filter((e) => e.type === 'reasoning_end')).toHaveLength(1);
  });

  it('counts cached prompt tokens apart, with the model, for the price table', async () => {
    server.enqueue(reasoningReply('hm', 'ok', { usage: { promptTokens: 1000, completionTokens: 40, cachedTokens: 800 } }));
    const { events } = await run(provider().stream(request(), signal));
    expect(events).toContainEqual({ type: 'usage', inputTokens: 200, outputTokens: 40, cacheRead: 800, model: 'deepseek-reasoner' });
  });

  it('reads usage a server puts on its last choice chunk (llama.cpp), and tolerates a server that sends none', async () => {
    server.enqueue(
      { kind: 'stream', steps: [{ type: 'text', text: 'a' }, { type: 'finish', reason: 'stop' }, { type: 'usage', promptTokens: 9, completionTokens: 2, onChoiceChunk: true }] },
      { kind: 'stream', steps: [{ type: 'text', text: 'b' }, { type: 'finish', reason: 'stop' }] },
    );
    const first = await run(provider().stream(request(), signal));
    expect(first.events).toContainEqual({ type: 'usage', inputTokens: 9, outputTokens: 2, model: 'deepseek-reasoner' });
    const second = await run(provider().stream(request(), signal));
    expect(second.error).toBeNull();
    expect(second.events.map((e) => e.type)).toEqual(['text', 'done']);
  });
});

/** A TurnContext that keeps what the loop reports, for driving the real AgentLoop without a gateway. */
function memoryContext() {
  const seen = { reasoning: '', ends: [] as ReasoningEnd[], usage: [] as Usage[], text: '' };
  const context: TurnContext = {
    signal,
    stopRequested: false,
    onStopRequested: () => () => {},
    text: (delta) => void (seen.text += delta),
    endAssistantMessage: () => {},
    reasoning: (delta) => void (seen.reasoning += delta),
    endReasoning: (end) => void seen.ends.push(end),
    toolCall: () => {},
    toolDispatched: () => {},
    toolResult: () => {},
    requestApproval: () => Promise.resolve('approved'),
    usage: (usage) => void seen.usage.push(usage),
  };
  return { context, seen };
}

const lookTool = defineTool({
  name: 'look',
  description: 'Looks.',
  schema: z.object({ at: z.string() }),
  effect: 'read-only',
  run: async ({ at }) => ({ output: `saw ${at}`, isError: false }),
});

describe('Anthropic extended thinking (issue 10)', () => {
  let server: ScriptedAnthropicServer;
  const provider = (thinkingBudgetTokens = 2048) =>
    new AnthropicProvider({ name: 'Anthropic', baseUrl: server.url, model: 'claude-haiku-4-5', apiKey: 'sk-ant-test', thinkingBudgetTokens, ...quick });

  beforeEach(async () => {
    server = await startScriptedAnthropicServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams thinking_delta as reasoning and ends the block with its signature; redacted blocks keep their data; cache tokens apart', async () => {
    server.enqueue({
      kind: 'stream',
      usage: { inputTokens: 12, outputTokens: 30, cacheRead: 500, cacheWrite: 70 },
      steps: [
        { type: 'thinking', thinking: 'Is 7 prime? Yes.', signature: 'sig-7' },
        { type: 'redacted_thinking', data: 'EncryptedBlob==' },
        { type: 'text', text: 'It is prime.' },
        { type: 'stop', reason: 'end_turn' },
      ],
    });
    const { events, error } = await run(provider().stream(request(), signal));
    expect(error).toBeNull();
    expect(thinkingOf(events)).toBe('Is 7 prime? Yes.');
    expect(events.filter((e) => e.type === 'reasoning_end')).toEqual([
      { type: 'reasoning_end', signature: 'sig-7' },
      { type: 'reasoning_end', redacted: 'EncryptedBlob==' },
    ]);
    expect(streamedText(events)).toBe('It is prime.');
    expect(events).toContainEqual({ type: 'usage', inputTokens: 12, outputTokens: 30, cacheRead: 500, cacheWrite: 70, model: 'claude-haiku-4-5' });
    const body = server.requests[0]!.body;
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body.max_tokens).toBeGreaterThan(2048);
  });

  it('L26: the signed thinking of a tool step goes back, unchanged and first, in the next request of the turn', async () => {
    server.enqueue(
      {
        kind: 'stream',
        steps: [
          { type: 'thinking', thinking: 'I should look at the door.', signature: 'sig-door' },
          { type: 'redacted_thinking', data: 'Redacted==' },
          { type: 'tool_use', id: 'toolu_look', name: 'look', input: { at: 'door' } },
          { type: 'stop', reason: 'tool_use' },
        ],
      },
      { kind: 'stream', steps: [{ type: 'text', text: 'The door is shut.' }, { type: 'stop', reason: 'end_turn' }] },
    );
    const loop = new AgentLoop({ provider: provider(), tools: new ToolRegistry([lookTool]), workspaceDir: '/tmp', systemPrompt: 'sys', maxSteps: 4, approvalFor: () => 'auto' });
    const { context, seen } = memoryContext();
    const result = await loop.runTurn({ laneKey: 'a', sessionId: 's', turnId: 't', history: [], userText: 'Is the door open?', note: null, pendingCalls: [] }, context);

    expect(result).toEqual({ outcome: 'completed' });
    expect(seen.reasoning).toBe('I should look at the door.');
    expect(seen.ends).toEqual([{ signature: 'sig-door' }, { redacted: 'Redacted==' }]);
    expect(seen.usage[0]).toMatchObject({ model: 'claude-haiku-4-5', provider: 'Anthropic' });
    const second = server.requests[1]!.body;
    expect(second.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(second.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Is the door open?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should look at the door.', signature: 'sig-door' },
          { type: 'redacted_thinking', data: 'Redacted==' },
          { type: 'tool_use', id: 'toolu_look', name: 'look', input: { at: 'door' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_look', content: 'saw door' }] },
    ]);
  });

  it('after a crash: a signed block is sent again with its tool call; a partial unsigned one is dropped, and thinking goes off when the tool loop lost its block', async () => {
    let seq = 0;
    const stored = (events: TurnEvent[]): StoredEvent[] => events.map((e) => ({ ...e, seq: ++seq, sessionId: 's', turnId: 't', createdAt: 0 }) as StoredEvent);
    // Killed after a signed thinking block and its recorded (never started) call.
    const signed = repairForResume(
      stored([
        { kind: 'user_message', payload: { text: 'Look at the door' } },
        { kind: 'reasoning', payload: { text: 'Door first.', final: true, signature: 'sig-1' } },
        { kind: 'tool_call', payload: { callId: 'toolu_1', name: 'look', args: { at: 'door' }, effect: 'read-only' } },
        { kind: 'tool_result', payload: { callId: 'toolu_1', output: 'saw door', isError: false } },
      ]),
    );
    const resent = toAnthropicRequest(request({ history: signed.history, userText: null }), { thinking: true });
    expect(resent.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Door first.', signature: 'sig-1' },
        { type: 'tool_use', id: 'toolu_1', name: 'look', input: { at: 'door' } },
      ],
    });

    // Killed mid-thought, then a tool step whose block was lost: nothing unsigned is sent, and
    // the request asks for no thinking (the API would refuse a tool step without its block).
    const partial = repairForResume(
      stored([
        { kind: 'user_message', payload: { text: 'Look again' } },
        { kind: 'reasoning', payload: { text: 'Half a thou', final: false } },
        { kind: 'tool_call', payload: { callId: 'toolu_2', name: 'look', args: { at: 'window' }, effect: 'read-only' } },
        { kind: 'tool_result', payload: { callId: 'toolu_2', output: 'saw window', isError: false } },
      ]),
    );
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Done.' }, { type: 'stop', reason: 'end_turn' }] });
    await run(provider().stream(request({ history: partial.history, userText: null }), signal));
    const body = server.requests[0]!.body;
    expect(JSON.stringify(body.messages)).not.toContain('Half a thou');
    expect(body.thinking).toBeUndefined();
  });

  it('the anthropicThinkingBudget setting reaches the next turn’s request; 0 (the default) leaves thinking off', async () => {
    const secrets = new MemorySecretStore();
    const providers: Settings['providers'] = [{ name: 'Claude', kind: 'anthropic', baseUrl: server.url, model: 'claude-haiku-4-5', keyRef: null }];
    let budget = 4096;
    const factory = new ModelAgentFactory({ settings: () => ({ ...DEFAULT_SETTINGS, providers, anthropicThinkingBudget: budget }), secrets, env: {}, dataDir: os.tmpdir() });
    const turn = { laneKey: 'a', sessionId: 's', turnId: 't', history: [], userText: 'hi', note: null, pendingCalls: [] };
    server.enqueue(
      { kind: 'stream', steps: [{ type: 'text', text: 'a' }, { type: 'stop', reason: 'end_turn' }] },
      { kind: 'stream', steps: [{ type: 'text', text: 'b' }, { type: 'stop', reason: 'end_turn' }] },
    );
    await (await factory.create()).runTurn(turn, memoryContext().context);
    budget = 0;
    await (await factory.create()).runTurn(turn, memoryContext().context);
    expect(server.requests[0]!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(server.requests[1]!.body.thinking).toBeUndefined();
  });

  it('thinking off (budget 0) sends no thinking parameter and no thinking blocks', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Hi.' }, { type: 'stop', reason: 'end_turn' }] });
    const history = [
      { role: 'user' as const, text: 'q' },
      { role: 'assistant' as const, text: '', interrupted: false, toolCalls: [{ callId: 'toolu_9', name: 'look', args: { at: 'x' } }], reasoning: [{ text: 't', signature: 's' }] },
      { role: 'tool' as const, callId: 'toolu_9', name: 'look', output: 'saw x', isError: false, synthetic: false },
    ];
    await run(provider(0).stream(request({ history, userText: null }), signal));
    const body = server.requests[0]!.body;
    expect(body.thinking).toBeUndefined();
    expect(JSON.stringify(body.messages)).not.toContain('"thinking"');
  });
});
