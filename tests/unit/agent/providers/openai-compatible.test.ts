import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAICompatibleProvider, toChatMessages, type OpenAICompatibleOptions } from '../../../../electron/core/agent/providers/openai-compatible.ts';
import { resumeNoteText, TOOL_TAIL_NOTE } from '../../../../electron/core/agent/notes.ts';
import {
  createGate,
  errorReply,
  startScriptedOpenAIServer,
  textReply,
  toolCallReply,
  type ScriptedOpenAIServer,
} from '../../../fixtures/scripted-openai-server.ts';
import type { ModelStreamEvent } from '../../../../electron/core/agent/providers/provider.ts';
import { collectStream as run, modelRequest as request, streamedText as texts } from '../../../support/provider-stream.ts';

const KEY = 'sk-test-0123456789abcdefSECRET';

describe('OpenAI-compatible provider (scripted Chat Completions server)', () => {
  let server: ScriptedOpenAIServer;
  const signal = new AbortController().signal;

  const provider = (options: Partial<OpenAICompatibleOptions> = {}) =>
    new OpenAICompatibleProvider({
      name: 'Scripted',
      baseUrl: server.url,
      model: 'test-model',
      apiKey: KEY,
      retry: { retries: 2, baseDelayMs: 1 },
      // Long enough never to fire unless a test means it to; the suite's own timeout is shorter.
      timeouts: { requestMs: 60_000, idleMs: 60_000 },
      ...options,
    });

  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams the answer as text deltas, then usage and done', async () => {
    server.enqueue(textReply('Hello there, person.', { chunks: 4, usage: { promptTokens: 42, completionTokens: 5 } }));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(texts(events)).toBe('Hello there, person.');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 42, outputTokens: 5, model: 'test-model' },
      { type: 'done', finishReason: 'stop' },
    ]);
  });

  it('reports token usage because it asks for it with stream_options.include_usage', async () => {
    server.enqueue(textReply('ok', { usage: { promptTokens: 1234, completionTokens: 56 } }));

    const { events } = await run(provider().stream(request(), signal));

    expect(server.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(events).toContainEqual({ type: 'usage', inputTokens: 1234, outputTokens: 56, model: 'test-model' });
  });

  it('assembles tool calls streamed as id and name, then argument fragments', async () => {
    server.enqueue(
      toolCallReply(
        [
          { id: 'call_a', name: 'read_file', args: { path: 'notes/todo.md', lines: [1, 20] } },
          { id: 'call_b', name: 'shell', args: { command: 'ls -la "my dir"' } },
        ],
        { text: 'Let me look.', fragments: 5 },
      ),
    );

    const { events, error } = await run(provider().stream(request({ tools: [{ name: 'read_file', description: 'Read', parameters: { type: 'object' } }] }), signal));

    expect(error).toBeNull();
    expect(events.filter((e) => e.type !== 'usage')).toEqual([
      { type: 'text', delta: 'Let me look.' },
      { type: 'tool_call', callId: 'call_a', name: 'read_file', args: { path: 'notes/todo.md', lines: [1, 20] } },
      { type: 'tool_call', callId: 'call_b', name: 'shell', args: { command: 'ls -la "my dir"' } },
      { type: 'done', finishReason: 'tool_calls' },
    ]);
  });

  it('L19: sends the system prompt first, the converted history, one note as a system message before the user text, and the user text verbatim', async () => {
    server.enqueue(textReply('ok'));
    const note = { kind: 'resume' as const, reason: 'restart_timeout', minutesAgo: 3, text: resumeNoteText('restart_timeout', 3) };
    const userText = '  and then?\n\n(keep my spacing)  ';

    await run(
      provider().stream(
        request({
          history: [
            { role: 'user', text: 'List the files' },
            { role: 'assistant', text: '', interrupted: false, toolCalls: [{ callId: 'call_1', name: 'ls', args: { path: '.' } }] },
            { role: 'tool', callId: 'call_1', name: 'ls', output: 'a.txt\nb.txt', isError: false, synthetic: false },
            { role: 'assistant', text: 'Checking both', interrupted: false, toolCalls: [{ callId: 'call_2', name: 'cat', args: { path: 'a.txt' } }] },
            { role: 'tool', callId: 'call_2', name: 'cat', output: 'Interrupted: unknown outcome', isError: true, synthetic: true },
            { role: 'assistant', text: 'There are two fi', interrupted: true, toolCalls: [] },
          ],
          note,
          userText,
          tools: [{ name: 'ls', description: 'List a directory', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
        }),
        signal,
      ),
    );

    const body = server.requests[0]?.body;
    expect(body?.model).toBe('test-model');
    expect(body?.stream).toBe(true);
    expect(body?.messages).toEqual([
      { role: 'system', content: 'You are Baton.' },
      { role: 'user', content: 'List the files' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{"path":"."}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a.txt\nb.txt' },
      { role: 'assistant', content: 'Checking both', tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'cat', arguments: '{"path":"a.txt"}' } }] },
      { role: 'tool', tool_call_id: 'call_2', content: 'Interrupted: unknown outcome' },
      // An interrupted answer is kept as it was.
      { role: 'assistant', content: 'There are two fi' },
      { role: 'system', content: note.text },
      { role: 'user', content: userText },
    ]);
    const noteMessages = body?.messages.filter((m) => m.content === note.text) ?? [];
    expect(noteMessages).toHaveLength(1);
    expect(noteMessages[0]?.role).toBe('system');
    expect(body?.tools).toEqual([
      { type: 'function', function: { name: 'ls', description: 'List a directory', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
    ]);
  });

  it('L19: with no user text the note is the last message; without a note nothing is added', () => {
    const history = [{ role: 'tool' as const, callId: 'c', name: 't', output: 'done', isError: false, synthetic: false }];
    const withNote = toChatMessages(request({ system: null, history, note: { kind: 'tool-tail', text: TOOL_TAIL_NOTE }, userText: null }));
    expect(withNote.at(-1)).toEqual({ role: 'system', content: TOOL_TAIL_NOTE });
    expect(withNote.filter((m) => m.role === 'system')).toHaveLength(1);

    const plain = toChatMessages(request({ system: null, history: [], note: null, userText: 'hi' }));
    expect(plain).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('R3: aborting mid-stream rejects at once and the server sees the connection close', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Partial ' }, { type: 'hang' }] });
    const controller = new AbortController();

    const { events, error } = await run(provider().stream(request(), controller.signal), (event) => {
      if (event.type === 'text') controller.abort();
    });

    expect(texts(events)).toBe('Partial ');
    expect(error?.kind).toBe('aborted');
    expect(error?.retryable).toBe(false);
    const aborted = await server.waitForAbort();
    expect(aborted.index).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('R3: aborting before the response headers rejects and closes the connection', async () => {
    server.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const outcome = run(provider().stream(request(), controller.signal));
    await server.waitForRequest(1);

    controller.abort();

    expect((await outcome).error?.kind).toBe('aborted');
    await server.waitForAbort();
  });

  it('stopping the iteration early closes the connection', async () => {
    const gate = createGate();
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'one' }, { type: 'wait', until: gate.promise }, { type: 'text', text: 'two' }] });

    for await (const event of provider().stream(request(), signal)) {
      expect(event).toEqual({ type: 'text', delta: 'one' });
      break;
    }

    await server.waitForAbort();
    gate.open();
  });

  it('R3: a 429 before any output is retried with backoff, then the answer streams', async () => {
    server.enqueue(errorReply(429, 'Rate limit reached for requests', { headers: { 'retry-after-ms': '5' } }), textReply('after the wait'));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(texts(events)).toBe('after the wait');
    expect(server.requests).toHaveLength(2);
  });

  it('R3: aborting around a pending retry (Retry-After 60 s) rejects at once without another request', async () => {
    server.enqueue(errorReply(429, 'Slow down', { headers: { 'retry-after': '60' } }), textReply('never sent'));
    const controller = new AbortController();
    const outcome = run(provider({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 60_000 } }).stream(request(), controller.signal));
    const first = await server.waitForRequest(1);
    await first.settled;

    controller.abort();

    expect((await outcome).error?.kind).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('R3: 5xx before any output is retried up to the configured count, then fails readably', async () => {
    server.enqueue(errorReply(500, 'The server had an error'), errorReply(502, 'Bad gateway'), errorReply(503, 'Overloaded'), textReply('never sent'));

    const { error } = await run(provider({ retry: { retries: 2, baseDelayMs: 1 } }).stream(request(), signal));

    expect(error?.kind).toBe('http');
    expect(error?.status).toBe(503);
    expect(error?.retryable).toBe(true);
    expect(error?.message).toBe('Scripted had a server error (503): Overloaded');
    expect(server.requests).toHaveLength(3);
    expect(server.pendingScripts).toBe(1);
  });

  it('R3: a server error after the first token is never retried', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'The answer is' }, { type: 'error_event', message: 'The server had an error while processing your request.' }] }, textReply('a retry would say this'));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(texts(events)).toBe('The answer is');
    expect(error?.kind).toBe('http');
    expect(error?.message).toContain('The server had an error while processing your request.');
    expect(server.requests).toHaveLength(1);
    expect(server.pendingScripts).toBe(1);
  });

  it('R3: a connection dropped after the first token is never retried', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'Half an ans' }, { type: 'drop' }] }, textReply('a retry would say this'));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(texts(events)).toBe('Half an ans');
    expect(error?.kind).toBe('connection');
    expect(server.requests).toHaveLength(1);
  });

  it('R3: a connection dropped before any output is retried', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'drop' }] }, textReply('second time lucky'));

    const { events, error } = await run(provider().stream(request(), signal));

    expect(error).toBeNull();
    expect(texts(events)).toBe('second time lucky');
    expect(server.requests).toHaveLength(2);
  });

  it('R3: a stream that ends without a finish reason is an error, not a silent success', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'cut sh' }] });

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('connection');
    expect(error?.message).toBe('The connection to Scripted closed before the answer was complete.');
  });

  it('R3/R4: 401 is refused with a readable message that never contains the API key', async () => {
    server.enqueue(errorReply(401, `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, { code: 'invalid_api_key' }));

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('refused');
    expect(error?.status).toBe(401);
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(/^Scripted refused the request \(401\): Incorrect API key provided: \[redacted\]\./);
    expect(error?.message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
    // The key did go to the server, as a bearer token.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('R3: a 4xx in a non-OpenAI body shape (vLLM) still reads well', async () => {
    server.enqueue({
      kind: 'error',
      status: 400,
      message: '',
      body: { object: 'error', message: "This model's maximum context length is 4096 tokens.", type: 'BadRequestError', param: null, code: 400 },
    });

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('refused');
    expect(error?.message).toBe("Scripted refused the request (400): This model's maximum context length is 4096 tokens.");
  });

  it('R3: no response headers within the request time limit is a timeout, and the connection is closed', async () => {
    server.enqueue({ kind: 'hang' }, textReply('not retried'));

    const { error } = await run(provider({ timeouts: { requestMs: 150, idleMs: 60_000 } }).stream(request(), signal));

    expect(error?.kind).toBe('timeout');
    expect(error?.message).toBe('Scripted did not respond within 150 ms.');
    await server.waitForAbort();
    expect(server.requests).toHaveLength(1);
  });

  it('R3: a stream that stalls mid-answer is an idle timeout, and the connection is closed', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'I was saying' }, { type: 'hang' }] });

    const { events, error } = await run(provider({ timeouts: { requestMs: 60_000, idleMs: 150 } }).stream(request(), signal));

    expect(texts(events)).toBe('I was saying');
    expect(error?.kind).toBe('idle-timeout');
    expect(error?.message).toBe('Scripted stopped sending data for 150 ms; the answer was cut off.');
    await server.waitForAbort();
  });

  it('the idle limit applies to the provider, not to a slow consumer', async () => {
    server.enqueue(textReply('slow reader', { chunks: 3 }));
    const slowConsumer = provider({ timeouts: { requestMs: 60_000, idleMs: 100 } });

    const events: ModelStreamEvent[] = [];
    for await (const event of slowConsumer.stream(request(), signal)) {
      events.push(event);
      // The scenario itself: the consumer holds the first event for three idle limits.
      if (events.length === 1) await new Promise((resolve) => setTimeout(resolve, 300));
    }

    expect(texts(events)).toBe('slow reader');
  });

  it('R3: a chunk that is not JSON is reported as malformed', async () => {
    server.enqueue({ kind: 'stream', steps: [{ type: 'text', text: 'fine so far' }, { type: 'raw', data: '{"choices": [ {"delta": ' }] });

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('malformed');
    expect(error?.message).toBe('Scripted sent a malformed response: a stream chunk is not valid JSON');
  });

  it('R3: tool arguments that are not JSON are reported as malformed', async () => {
    server.enqueue(toolCallReply([{ id: 'call_x', name: 'shell', args: '{"command": "ls' }]));

    const { error } = await run(provider().stream(request(), signal));

    expect(error?.kind).toBe('malformed');
    expect(error?.message).toContain('tool call "shell"');
  });

  it('R3: an unreachable server is retried, then reported as a connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const { error } = await run(provider({ baseUrl: `http://127.0.0.1:${port}/v1`, retry: { retries: 1, baseDelayMs: 1 } }).stream(request(), signal));

    expect(error?.kind).toBe('connection');
    expect(error?.retryable).toBe(true);
    expect(error?.message).toBe(`Could not reach Scripted at http://127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });

  it('a keyless local server (Ollama, llama.cpp) gets no Authorization header', async () => {
    server.enqueue(textReply('local'));

    const { error } = await run(provider({ apiKey: null }).stream(request(), signal));

    expect(error).toBeNull();
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});
