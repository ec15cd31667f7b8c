/**
 * Provider setup that checks itself (issue 11), end to end over the protocol: GatewayClient →
 * ProtocolServer → GatewayService → ProviderSetup → the real openai / @anthropic-ai/sdk clients →
 * real HTTP servers on 127.0.0.1 (the scripted model servers, and plain ones playing a wrong
 * address, a hanging server and the local model servers). Keys never come back (R4).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { localServerCandidates, type LocalServerCandidate } from '../../../electron/core/agent/providers/local-servers.ts';
import { ServiceHarness, rejection, type ServiceHarnessOptions } from '../../fixtures/host-service-harness.ts';
import { startScriptedAnthropicServer, type ScriptedAnthropicServer } from '../../fixtures/scripted-anthropic-server.ts';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../../fixtures/scripted-openai-server.ts';

const KEY = 'sk-setup-test-0123456789-SECRET';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harnessWith(options: ServiceHarnessOptions = {}): Promise<ServiceHarness> {
  const harness = await ServiceHarness.start(options);
  cleanups.push(() => harness.cleanup());
  return harness;
}

async function openai(): Promise<ScriptedOpenAIServer> {
  const server = await startScriptedOpenAIServer();
  cleanups.push(() => server.close());
  return server;
}

async function anthropic(): Promise<ScriptedAnthropicServer> {
  const server = await startScriptedAnthropicServer();
  cleanups.push(() => server.close());
  return server;
}

/** A plain HTTP server on an ephemeral loopback port, answering with `handler`. */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { server, port, origin: `http://127.0.0.1:${port}`, hits };
}

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('provider.models: the list comes from the server (issue 11)', () => {
  it('lists the models of a saved OpenAI-compatible provider through the SDK, sending its stored key', async () => {
    const model = await openai();
    model.models.ids = ['gpt-a', 'gpt-b', 'gpt-c'];
    model.models.key = KEY;
    const harness = await harnessWith();
    const client = await harness.client();
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Scripted', kind: 'openai-compatible', baseUrl: model.url, model: 'gpt-b' }] });
    await client.call('provider.setKey', { providerName: 'Scripted', apiKey: KEY });

    const listed = await client.call('provider.models', { providerName: 'Scripted' });
    expect(listed).toEqual({ ok: true, models: [{ id: 'gpt-a' }, { id: 'gpt-b' }, { id: 'gpt-c' }], latencyMs: expect.any(Number) });
    expect(model.models.seenKeys).toEqual([KEY]);
    expect(JSON.stringify(listed)).not.toContain(KEY);
  });

  it("lists Anthropic's models with their display names, for a draft with its key", async () => {
    const model = await anthropic();
    model.models.key = KEY;
    const harness = await harnessWith();
    const client = await harness.client();
    const listed = await client.call('provider.models', { kind: 'anthropic', baseUrl: model.url, apiKey: KEY });
    expect(listed).toEqual({
      ok: true,
      models: [
        { id: 'claude-scripted-1', label: 'Scripted claude-scripted-1' },
        { id: 'claude-scripted-2', label: 'Scripted claude-scripted-2' },
      ],
      latencyMs: expect.any(Number),
    });
    expect(model.models.seenKeys).toEqual([KEY]);
  });

  it('R3: a wrong key reads as refused with the hint to check the key, never echoing the key', async () => {
    const model = await openai();
    model.models.key = 'sk-the-right-one';
    const harness = await harnessWith();
    const client = await harness.client();
    const wrong = 'sk-wrong-key-0123456789-SECRET';
    const listed = await client.call('provider.models', { kind: 'openai-compatible', name: 'Scripted', baseUrl: model.url, apiKey: wrong });
    expect(listed).toMatchObject({ ok: false, code: 'PROVIDER_AUTH' });
    expect(listed.ok === false && listed.message).toBe('Scripted refused the request (401): Incorrect API key provided: sk-wr***ng. Check the API key configured for Scripted.');
    expect(JSON.stringify(listed)).not.toContain(wrong);
  });

  it('R3: nothing listening reads as unreachable, naming the address', async () => {
    const port = await closedPort();
    const harness = await harnessWith();
    const client = await harness.client();
    const listed = await client.call('provider.models', { kind: 'openai-compatible', name: 'Local', baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(listed).toMatchObject({ ok: false, code: 'PROVIDER_UNREACHABLE' });
    expect(listed.ok === false && listed.message).toBe(`Could not reach Local at http://127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });

  it('R3: a web server that is not a model API reads as "not an OpenAI-compatible server" (404, or a page instead of a list)', async () => {
    const notFound = await httpServer((_req, res) => json(res, 404, { detail: 'Not Found' }));
    const page = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to my router</body></html>');
    });
    const harness = await harnessWith();
    const client = await harness.client();

    const missing = await client.call('provider.models', { kind: 'openai-compatible', baseUrl: `${notFound.origin}/v1` });
    expect(missing).toMatchObject({ ok: false, code: 'PROVIDER_NOT_COMPATIBLE' });
    expect(missing.ok === false && missing.message).toBe(
      `${notFound.origin} does not answer like an OpenAI-compatible server (it answered 404 for the models list). Check the base URL (an OpenAI-compatible one usually ends in /v1).`,
    );
    expect(notFound.hits).toEqual(['GET /v1/models']);

    const html = await client.call('provider.models', { kind: 'openai-compatible', baseUrl: page.origin });
    expect(html).toMatchObject({ ok: false, code: 'PROVIDER_NOT_COMPATIBLE' });
    expect(html.ok === false && html.message).toContain('does not answer like an OpenAI-compatible server.');
  });

  it('R3: a server that never answers is given up on after the check timeout', async () => {
    const hang = await httpServer(() => undefined);
    const harness = await harnessWith({ providerCheckTimeoutMs: 300 });
    const client = await harness.client();
    const listed = await client.call('provider.models', { kind: 'openai-compatible', name: 'Slow', baseUrl: `${hang.origin}/v1` });
    expect(listed).toEqual({ ok: false, code: 'PROVIDER_TIMEOUT', message: 'Slow did not respond within 300 ms.', latencyMs: expect.any(Number) });
  });

  it('R1, R4: a bad address or an unknown provider is refused; a stored key goes only to the address it was stored for', async () => {
    const model = await openai();
    const other = await openai();
    const harness = await harnessWith();
    const client = await harness.client();
    expect((await rejection(client.call('provider.models', { kind: 'openai-compatible', baseUrl: 'file:///etc/passwd' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('provider.models', { providerName: 'Nobody' }))).code).toBe('NOT_FOUND');

    await client.call('settings.set', { key: 'providers', value: [{ name: 'Scripted', kind: 'openai-compatible', baseUrl: model.url, model: 'm' }] });
    await client.call('provider.setKey', { providerName: 'Scripted', apiKey: KEY });
    // Editing the saved provider: same address, its key is borrowed.
    await client.call('provider.models', { kind: 'openai-compatible', baseUrl: model.url, keyFrom: 'Scripted' });
    expect(model.models.seenKeys).toEqual([KEY]);
    // Pointed elsewhere, the stored key stays home.
    await client.call('provider.models', { kind: 'openai-compatible', baseUrl: other.url, keyFrom: 'Scripted' });
    expect(other.models.seenKeys).toEqual(['']);
  });
});

describe('provider.test: Test connection (issue 11)', () => {
  it('answers ok with the model count and latency, and says when the chosen model is not offered', async () => {
    const model = await openai();
    model.models.ids = ['scripted-model', 'scripted-other'];
    const harness = await harnessWith();
    const client = await harness.client();
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Scripted', kind: 'openai-compatible', baseUrl: model.url, model: 'scripted-model' }] });

    const ok = await client.call('provider.test', { providerName: 'Scripted' });
    expect(ok).toEqual({ ok: true, modelCount: 2, latencyMs: expect.any(Number), modelListed: true, message: expect.stringMatching(/^Connected to Scripted in \d+ ms: 2 models offered\.$/) });

    const typo = await client.call('provider.test', { kind: 'openai-compatible', name: 'Draft', baseUrl: model.url, model: 'scripted-modle' });
    expect(typo).toMatchObject({ ok: true, modelListed: false });
    expect(typo.ok && typo.message).toMatch(/2 models offered\. The model "scripted-modle" is not among them; check its name\.$/);
  });

  it('answers the failure in the table\'s words (Anthropic, wrong key)', async () => {
    const model = await anthropic();
    model.models.key = KEY;
    const harness = await harnessWith();
    const client = await harness.client();
    const failed = await client.call('provider.test', { kind: 'anthropic', name: 'Claude', baseUrl: model.url, apiKey: 'sk-ant-wrong-0000000000' });
    expect(failed).toEqual({
      ok: false,
      code: 'PROVIDER_AUTH',
      message: 'Claude refused the request (401): invalid x-api-key Check the API key configured for Claude.',
      latencyMs: expect.any(Number),
    });
  });
});

describe('From environment (issue 11)', () => {
  it('R4: a provider configured through OPENAI_BASE_URL / OPENAI_API_KEY is shown with source "environment", never its key, and can be tested by name', async () => {
    const model = await openai();
    model.models.key = KEY;
    const harness = await harnessWith({ env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: KEY, OPENAI_MODEL: 'scripted-model' } });
    const client = await harness.client();
    const view = await client.call('settings.get', {});
    const name = `OpenAI-compatible server (${new URL(model.url).host})`;
    expect(view.providers).toEqual([{ name, kind: 'openai-compatible', baseUrl: model.url, model: 'scripted-model', hasKey: true, source: 'environment' }]);
    // The stored list a window edits and sends back does not include it.
    expect(view.settings.providers).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(KEY);

    expect(await client.call('provider.test', { providerName: name })).toMatchObject({ ok: true, modelCount: 2, modelListed: true });
    expect(model.models.seenKeys).toEqual([KEY]);
  });

  it('ANTHROPIC_API_KEY alone shows Anthropic from the environment; a saved provider comes first', async () => {
    const harness = await harnessWith({ env: { ANTHROPIC_API_KEY: 'sk-ant-env-0123456789' } });
    const client = await harness.client();
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Mine', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' }] });
    const view = await client.call('settings.get', {});
    expect(view.providers.map((p) => [p.name, p.source])).toEqual([
      ['Mine', 'settings'],
      ['Anthropic', 'environment'],
    ]);
  });
});

describe('provider.detectLocal: local servers on their usual ports, only on request (issue 11)', () => {
  it('finds an OpenAI-compatible server (/v1/models) and an Ollama that only has /api/tags; ignores a closed port and a web server that is not one', async () => {
    const lmStudio = await httpServer((req, res) =>
      req.url === '/v1/models' ? json(res, 200, { object: 'list', data: [{ id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' }] }) : json(res, 404, {}),
    );
    const oldOllama = await httpServer((req, res) => (req.url === '/api/tags' ? json(res, 200, { models: [{ name: 'llama3.2:latest' }, { name: 'qwen3:8b' }] }) : json(res, 404, {})));
    const webServer = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>router admin</html>');
    });
    const nothing = await closedPort();
    const candidates: LocalServerCandidate[] = [
      { id: 'ollama', label: 'Ollama', port: oldOllama.port, ollamaTags: true },
      { id: 'lmstudio', label: 'LM Studio', port: lmStudio.port },
      { id: 'llamacpp', label: 'llama.cpp', port: webServer.port },
      { id: 'vllm', label: 'vLLM', port: nothing },
    ];
    const harness = await harnessWith({ localServers: candidates });
    const client = await harness.client();
    // Nothing is probed until asked.
    expect([...lmStudio.hits, ...oldOllama.hits, ...webServer.hits]).toEqual([]);

    const { servers } = await client.call('provider.detectLocal', {});
    expect(servers).toEqual([
      { id: 'ollama', label: 'Ollama', baseUrl: `${oldOllama.origin}/v1`, models: ['llama3.2:latest', 'qwen3:8b'] },
      { id: 'lmstudio', label: 'LM Studio', baseUrl: `${lmStudio.origin}/v1`, models: ['qwen2.5-7b-instruct'] },
    ]);
    expect(oldOllama.hits).toEqual(['GET /v1/models', 'GET /api/tags']);
    expect(webServer.hits).toEqual(['GET /v1/models']);
  });

  it('the default ports are the usual ones: Ollama 11434 (or the loopback port OLLAMA_HOST names), LM Studio 1234, llama.cpp 8080, vLLM 8000', () => {
    const ports = (env: NodeJS.ProcessEnv) => localServerCandidates(env).map((c) => [c.label, c.port]);
    expect(ports({})).toEqual([
      ['Ollama', 11434],
      ['LM Studio', 1234],
      ['llama.cpp', 8080],
      ['vLLM', 8000],
    ]);
    for (const value of ['127.0.0.1:11500', 'http://localhost:11500', ':11500', '0.0.0.0:11500']) expect(ports({ OLLAMA_HOST: value })[0]).toEqual(['Ollama', 11500]);
    // Only this machine is probed: another host, or no port, leaves the usual one.
    for (const value of ['10.0.0.5:11500', 'http://models.example:11500', '0.0.0.0', 'not a host']) expect(ports({ OLLAMA_HOST: value })[0]).toEqual(['Ollama', 11434]);
  });
});

describe('editing and removing providers (issue 11, R4)', () => {
  it('provider.rename moves the stored key and the choice of the provider in use with the name; the old key reference is gone', async () => {
    const harness = await harnessWith();
    const client = await harness.client();
    await client.call('settings.set', {
      key: 'providers',
      value: [
        { name: 'Old', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
        { name: 'Other', kind: 'anthropic', model: 'c' },
      ],
    });
    await client.call('settings.set', { key: 'activeProvider', value: 'Old' });
    await client.call('provider.setKey', { providerName: 'Old', apiKey: KEY });

    expect((await rejection(client.call('provider.rename', { from: 'Old', to: 'Other' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(client.call('provider.rename', { from: 'Nobody', to: 'X' }))).code).toBe('NOT_FOUND');
    expect(await client.call('provider.rename', { from: 'Old', to: 'New' })).toEqual({ renamed: true });

    const view = await client.call('settings.get', {});
    expect(view.providers.map((p) => [p.name, p.hasKey])).toEqual([
      ['New', true],
      ['Other', false],
    ]);
    expect(view.settings.activeProvider).toBe('New');
    expect(await harness.secrets.get('provider:New')).toBe(KEY);
    expect(await harness.secrets.get('provider:Old')).toBeNull();
  });

  it('R4: removing a provider, or pointing it at another address, deletes its stored key', async () => {
    const harness = await harnessWith();
    const client = await harness.client();
    const a = { name: 'A', kind: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:9/v1', model: 'm' };
    const b = { name: 'B', kind: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:8/v1', model: 'm' };
    await client.call('settings.set', { key: 'providers', value: [a, b] });
    await client.call('provider.setKey', { providerName: 'A', apiKey: 'sk-a-0123456789' });
    await client.call('provider.setKey', { providerName: 'B', apiKey: 'sk-b-0123456789' });

    // A's model edited: same address, the key stays.
    await client.call('settings.set', { key: 'providers', value: [{ ...a, model: 'm2' }, b] });
    expect(await harness.secrets.get('provider:A')).toBe('sk-a-0123456789');
    // A pointed elsewhere: its key is not carried there, and not kept either.
    await client.call('settings.set', { key: 'providers', value: [{ ...a, baseUrl: 'http://127.0.0.1:7/v1' }, b] });
    expect(await harness.secrets.get('provider:A')).toBeNull();
    // B removed: its key goes with it.
    await client.call('settings.set', { key: 'providers', value: [{ ...a, baseUrl: 'http://127.0.0.1:7/v1' }] });
    expect(await harness.secrets.get('provider:B')).toBeNull();
    expect((await client.call('settings.get', {})).providers.map((p) => [p.name, p.hasKey])).toEqual([['A', false]]);
  });
});
