/**
 * Issue 10 over the protocol: `settings.set` of `mcpServers` reaches the McpManager at once (real
 * stdio servers), `mcp.status` / `mcp.restart` answer with live states and tools, `mcp` push events
 * follow every change, and R4 keeps env values in the secret store, masked for the window.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import type { McpServerView } from '../../../shared/mcp-status.ts';
import type { McpStdioServerConfig } from '../../../shared/settings.ts';
import { Recorder } from '../../support/recorder.ts';
import { rejection, ServiceHarness } from '../../fixtures/host-service-harness.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/mcp-test-server.ts');

function fixture(name: string, extra: Partial<McpStdioServerConfig> = {}): McpStdioServerConfig {
  return { name, command: process.execPath, args: [FIXTURE], ...extra };
}

let harness: ServiceHarness | null = null;
afterEach(async () => {
  await harness?.mcp?.stop();
  harness?.cleanup();
  harness = null;
});

type Servers = readonly McpServerView[];

function mcpEvents(recorder: Recorder<PushEvent>, match: (servers: Servers) => boolean): Promise<PushEvent> {
  return recorder.waitFor((event) => event.channel === 'mcp' && match(event.servers));
}

async function started(): Promise<{ harness: ServiceHarness; client: Awaited<ReturnType<ServiceHarness['client']>>; events: Recorder<PushEvent> }> {
  const h = await ServiceHarness.start({ withMcp: true });
  harness = h;
  const client = await h.client();
  const events = new Recorder<PushEvent>();
  client.onEvent((event) => events.push(event));
  return { harness: h, client, events };
}

describe('MCP servers over the protocol (issue 10)', () => {
  it('a server added with settings.set starts without a restart; mcp events and mcp.status show it ready with its tools', async () => {
    const { client, events } = await started();
    expect(await client.call('mcp.status', {})).toEqual({ servers: [] });

    await client.call('settings.set', { key: 'mcpServers', value: [fixture('notes')] });
    await mcpEvents(events, (servers) => servers[0]?.state === 'running');

    const { servers } = await client.call('mcp.status', {});
    expect(servers[0]).toMatchObject({ name: 'notes', transport: 'stdio', enabled: true, state: 'running', pid: expect.any(Number) });
    // Read-only tools default to running without asking; the others ask (L31).
    expect(servers[0]!.tools.slice(0, 2)).toEqual([
      { name: 'notes__echo', serverTool: 'echo', description: 'Returns the text it is given.', readOnly: true, approval: 'auto' },
      { name: 'notes__add_note', serverTool: 'add_note', description: 'Stores a note in the server memory.', readOnly: false, approval: 'ask' },
    ]);

    // A per-tool approval saved in the settings shows in the next event.
    await client.call('settings.set', { key: 'toolApproval', value: { notes__add_note: 'auto' } });
    await mcpEvents(events, (list) => list[0]?.tools.find((tool) => tool.name === 'notes__add_note')?.approval === 'auto');
  });

  it('disabling and removing a server through settings.set stops it at once', async () => {
    const { client, events, harness: h } = await started();
    await client.call('settings.set', { key: 'mcpServers', value: [fixture('a'), fixture('b')] });
    await mcpEvents(events, (servers) => servers.length === 2 && servers.every((s) => s.state === 'running'));

    await client.call('settings.set', { key: 'mcpServers', value: [{ ...fixture('a'), enabled: false }] });
    await mcpEvents(events, (servers) => servers.length === 1 && servers[0]!.state === 'stopped' && !servers[0]!.enabled);
    expect(h.mcp!.tools()).toEqual([]);
  });

  it('mcp.restart restarts one server with a new process; an unknown name is NOT_FOUND', async () => {
    const { client, events } = await started();
    await client.call('settings.set', { key: 'mcpServers', value: [fixture('notes')] });
    await mcpEvents(events, (servers) => servers[0]?.state === 'running');
    const before = (await client.call('mcp.status', {})).servers[0]!.pid;

    const { server } = await client.call('mcp.restart', { name: 'notes' });

    expect(server).toMatchObject({ name: 'notes', state: 'running' });
    expect(server.pid).not.toBe(before);
    expect((await rejection(client.call('mcp.restart', { name: 'nobody' }))).code).toBe('NOT_FOUND');
  });

  it('R4: env values set through the window go to the secret store, reach the server, and are masked for the window', async () => {
    const { client, events, harness: h } = await started();
    const token = 'ghp_window_typed_token';
    // The fixture refuses to start when MCP_TEST_FAIL_AT_STARTUP is "1": proof the value reached the process.
    await client.call('settings.set', { key: 'mcpServers', value: [fixture('gh', { env: { TOKEN: token, MCP_TEST_FAIL_AT_STARTUP: '1' } })] });
    const failed = await mcpEvents(events, (servers) => servers[0]?.state === 'failed');

    expect(fs.readFileSync(h.settings.path, 'utf8')).not.toContain(token);
    expect(JSON.stringify(failed)).not.toContain(token);
    expect(failed.channel === 'mcp' && failed.servers[0]!.stderrTail).toContain('refusing to start');
    const view = await client.call('settings.get', {});
    expect(JSON.stringify(view)).not.toContain(token);
    const shown = view.settings.mcpServers[0]!;
    expect('env' in shown && shown.env).toEqual({ TOKEN: '••••••••', MCP_TEST_FAIL_AT_STARTUP: '••••••••' });

    // Saved back masked but with the failing switch changed: TOKEN keeps its stored secret, the server starts.
    const storedBefore = h.settings.get().mcpServers[0]!;
    await client.call('settings.set', { key: 'mcpServers', value: [{ ...shown, env: { TOKEN: '••••••••', MCP_TEST_FAIL_AT_STARTUP: '0' } }] });
    await mcpEvents(events, (servers) => servers[0]?.state === 'running');
    const storedAfter = h.settings.get().mcpServers[0]!;
    const envBefore = 'env' in storedBefore ? storedBefore.env! : {};
    const envAfter = 'env' in storedAfter ? storedAfter.env! : {};
    expect(envAfter.TOKEN).toBe(envBefore.TOKEN);
    expect(await h.secrets.get(envAfter.TOKEN!.slice('baton-secret:'.length))).toBe(token);
    // The replaced value's secret is deleted; removing the server deletes the rest.
    expect(await h.secrets.get(envBefore.MCP_TEST_FAIL_AT_STARTUP!.slice('baton-secret:'.length))).toBeNull();
    await client.call('settings.set', { key: 'mcpServers', value: [] });
    expect(await h.secrets.get(envAfter.TOKEN!.slice('baton-secret:'.length))).toBeNull();
  });

  it('R4: a value sent that looks like a secret reference is stored as text, never followed to another secret', async () => {
    const { client, harness: h } = await started();
    await h.secrets.set('provider:Local', 'sk-provider-key');
    await client.call('settings.set', { key: 'mcpServers', value: [fixture('evil', { enabled: false, env: { STEAL: 'baton-secret:provider:Local' } })] });

    const stored = h.settings.get().mcpServers[0]!;
    const ref = ('env' in stored ? stored.env!.STEAL! : '').slice('baton-secret:'.length);
    expect(ref).toMatch(/^mcp:evil:env:STEAL:/);
    expect(await h.secrets.get(ref)).toBe('baton-secret:provider:Local');
  });

  it('R4: a provider base URL with user:password@ is shown without the password and saved back unchanged', async () => {
    const { client, harness: h } = await started();
    const baseUrl = 'https://me:hunter2@llm.example.test/v1';
    await client.call('settings.set', { key: 'providers', value: [{ name: 'Proxy', kind: 'openai-compatible', baseUrl, model: 'm' }] });
    await client.call('provider.setKey', { providerName: 'Proxy', apiKey: 'sk-x' });

    const view = await client.call('settings.get', {});
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(view.providers[0]!.baseUrl).toBe('https://me:••••••••@llm.example.test/v1');

    await client.call('settings.set', { key: 'providers', value: view.providers.map(({ hasKey: _hasKey, ...provider }) => provider) });
    expect(h.settings.get().providers[0]).toMatchObject({ baseUrl, keyRef: 'provider:Proxy' });
  });
});
