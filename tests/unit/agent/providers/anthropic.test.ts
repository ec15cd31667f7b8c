import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider, toAnthropicRequest, type AnthropicOptions } from '../../../../electron/core/agent/providers/anthropic.ts';
import { resumeNoteText, TOOL_TAIL_NOTE } from '../../../../electron/core/agent/notes.ts';
import {
  anthropicErrorReply,
  anthropicTextReply,
  anthropicToolUseReply,
  startScriptedAnthropicServer,
  type ScriptedAnthropicServer,
} from '../../../fixtures/scripted-anthropic-server.ts';
import { collectStream as run, modelRequest as request, streamedText as texts } from '../../../support/provider-stream.ts';

const KEY = 'sk-ant-test-0123456789SECRET';

describe('Anthropic provider (scripted Messages API server)', () => {
  let server: ScriptedAnthropicServer;
  const signal = new AbortController().signal;

  const provider = (options: Partial<AnthropicOptions> = {}) =>
    new AnthropicProvider({
      name: 'Anthropic',
      baseUrl: server.url,
      model: 'claude-test',
      apiKey: KEY,
      retry: { retries: 2, baseDelayMs: 1 },
      timeouts: { requestMs: 60_000, idleMs: 60_000 },
      ...options,
    });

  beforeEach(async () => {
    server = await startScriptedAnthropicServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams text deltas, then usage and done', async () => {
    server.enqueue(anthropicTextReply('Hello from Claude.', { inputTokens: 31, outputTokens: 9 }));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(texts(events)).toBe('Hello from Claude.');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 31, outputTokens: 9, model: 'claude-test' },
      { type: 'done', finishReason: 'end_turn' },
    ]);
  });

  it('assembles tool_use input from input_json_delta fragments', async () => {
    server.enqueue(anthropicToolUseReply([{ id: 'toolu_1', name: 'read_file', input: { path: 'a b/c.md', range: [1, 5] } }, { id: 'toolu_2', name: 'shell', input: { command: 'echo "hi"' } }], { text: 'Reading.' }));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(events.filter((e) => e.type !== 'usage')).toEqual([
      { type: 'text', delta: 'Reading.' },
      { type: 'tool_call', callId: 'toolu_1', name: 'read_file', args: { path: 'a b/c.md', range: [1, 5] } },
      { type: 'tool_call', callId: 'toolu_2', name: 'shell', args: { command: 'echo "hi"' } },
      { type: 'done', finishReason: 'tool_use' },
    ]);
  });

  it('L19: the note is a second block of the top-level system, never user text; history becomes Anthropic blocks', async () => {
    server.enqueue(anthropicTextReply('ok'));
    const note = { kind: 'resume' as const, reason: 'update_timeout', minutesAgo: 2, text: resumeNoteText('update_timeout', 2) };
    const userText = 'Go on  \n';

    await run(
      provider().stream(
        request({
          history: [
            { role: 'user', text: 'Check two files' },
            {
              role: 'assistant',
              text: 'Reading both.',
              interrupted: false,
              toolCalls: [
                { callId: 'toolu_a', name: 'cat', args: { path: 'a' } },
                { callId: 'toolu_b', name: 'cat', args: { path: 'b' } },
              ],
            },
            { role: 'tool', callId: 'toolu_a', name: 'cat', output: 'A', isError: false, synthetic: false },
            { role: 'tool', callId: 'toolu_b', name: 'cat', output: 'Interrupted: unknown outcome', isError: true, synthetic: true },
          ],
          note,
          userText,
          tools: [{ name: 'cat', description: 'Print a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
        }),
        signal,
      ),
    );

    const body = server.requests[0]?.body;
    expect(body?.model).toBe('claude-test');
    expect(body?.max_tokens).toBeGreaterThan(0);
    expect(body?.system).toEqual([
      { type: 'text', text: 'You are Baton.' },
      { type: 'text', text: note.text },
    ]);
    expect(body?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Check two files' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading both.' },
          { type: 'tool_use', id: 'toolu_a', name: 'cat', input: { path: 'a' } },
          { type: 'tool_use', id: 'toolu_b', name: 'cat', input: { path: 'b' } },
        ],
      },
      // Both results and the new message merge into one user message, results first.
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'A' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'Interrupted: unknown outcome', is_error: true },
          { type: 'text', text: userText },
        ],
      },
    ]);
    expect(JSON.stringify(body?.messages)).not.toContain(note.text);
    expect(body?.tools).toEqual([
      { name: 'cat', description: 'Print a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
    ]);
  });

  it('L19: without a system prompt the note is the only system block; without a note there is none', () => {
    const history = [
      { role: 'assistant' as const, text: '', interrupted: false, toolCalls: [{ callId: 't1', name: 'ls', args: {} }] },
      { role: 'tool' as const, callId: 't1', name: 'ls', output: 'x', isError: false, synthetic: false },
    ];
    const parts = toAnthropicRequest(request({ system: null, history, note: { kind: 'tool-tail', text: TOOL_TAIL_NOTE }, userText: null }));
    expect(parts.system).toEqual([{ type: 'text', text: TOOL_TAIL_NOTE }]);
    // A call-only answer has no empty text block (the API rejects those).
    expect(parts.messages).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ls', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'x' }] },
    ]);

    expect(toAnthropicRequest(request({ system: null })).system).toBeUndefined();
  });

  it('R3/R4: 401 is refused with a readable message that never contains the API key', async () => {
    server.enqueue(anthropicErrorReply(401, `invalid x-api-key: ${KEY}`));

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('refused');
    expect(error?.status).toBe(401);
    expect(error?.message).toBe('Anthropic refused the request (401): invalid x-api-key: [redacted] Check the API key configured for Anthropic.');
    expect(error?.message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
  });

  it('R3: 529 overloaded before any output is retried, then the answer streams', async () => {
    server.enqueue(anthropicErrorReply(529, 'Overloaded'), anthropicTextReply('second try'));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(texts(events)).toBe('second try');
    expect(server.requests).toHaveLength(2);
  });

  it('R3: an error event after the first token is never retried', async () => {
    server.enqueue(
      { kind: 'stream', steps: [{ type: 'text', text: 'Let me' }, { type: 'error_event', errorType: 'overloaded_error', message: 'Overloaded' }] },
      anthropicTextReply('a retry would say this'),
    );

    const { events, error } = await run(provider().stream(request(), signal));

    expect(texts(events)).toBe('Let me');
    expect(error?.kind).toBe('http');
    expect(error?.message).toBe('Anthropic reported an error while answering: Overloaded');
    expect(server.requests).toHaveLength(1);
  });

  it('R3: aborting mid-stream rejects at once and the server sees the connection close', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Partial' }, { type: 'hang' }] });
    const controller = new AbortController();

    const { events, error } = await run(provider().stream(request(), controller.signal), (event) => {
      if (event.type === 'text') controller.abort();
    });

    expect(texts(events)).toBe('Partial');
    expect(error?.kind).toBe('aborted');
    await server.waitForAbort();
  });

  it('R3: a stall mid-answer is an idle timeout', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'I was' }, { type: 'hang' }] });

    const { error } = await run(provider({ timeouts: { requestMs: 60_000, idleMs: 150 } }).stream(request(), signal));

    expect(error?.kind).toBe('idle-timeout');
    await server.waitForAbort();
  });

  it('R3: an event that is not JSON is reported as malformed', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'ok' }, { type: 'raw', event: 'content_block_delta', data: '{"type": "content_block_delta", "delta": {' }] });

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('malformed');
  });

  it('R3: a stream without message_stop is an error, not a silent success', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'cut' }] });

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('connection');
  });
});
