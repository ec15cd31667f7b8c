/**
 * Issue 10, R4: an address's `user:password@` is never shown in clear — provider base URLs and MCP
 * HTTP server URLs alike, in the window and in the logs — through the one shared masking function.
 * The runtime test runs the real GatewayRuntime with a real settings file; Node's fetch refuses a
 * URL with credentials and quotes it in its error, which is what reached the logs and the window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../electron/core/agent/memory-secret-store.ts';
import { GatewayRuntime } from '../../../electron/core/runtime/gateway-runtime.ts';
import { SettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { maskMcpServer, restoreMaskedMcpValues } from '../../../electron/core/settings/mcp-secrets.ts';
import { createInMemoryTransportPair } from '../../../shared/protocol/in-memory-transport.ts';
import { GatewayClient } from '../../../shared/protocol/client.ts';
import { maskingLog, maskUrlCredentials } from '../../../shared/url-credentials.ts';


describe('R4: credentials in addresses are masked (issue 10)', () => {
  it('R4: one function masks the password of every address in a text, keeps the user name, and leaves other text alone', () => {
    expect(maskUrlCredentials('https://me:hunter2@llm.example/v1')).toBe('https://me:••••••••@llm.example/v1');
    expect(maskUrlCredentials('failed: http://a:b@h1/x and https://c:d@h2:8443/y?q=1')).toBe('failed: http://a:••••••••@h1/x and https://c:••••••••@h2:8443/y?q=1');
    expect(maskUrlCredentials('https://me@llm.example/v1 http://127.0.0.1:8080/v1?x=a:b@c')).toBe('https://me@llm.example/v1 http://127.0.0.1:8080/v1?x=a:b@c');
    const lines: string[] = [];
    maskingLog((line) => lines.push(line))('connecting to http://u:p@host/');
    expect(lines).toEqual(['connecting to http://u:••••••••@host/']);
  });

  it('R4: an MCP HTTP server URL is shown without its password, and saved back unchanged it keeps the real one', () => {
    const real = { name: 'remote', url: 'https://me:hunter2@mcp.example/mcp', headers: { Authorization: 'baton-secret:x' } };
    const shown = maskMcpServer(real);
    expect(shown).toEqual({ name: 'remote', url: 'https://me:••••••••@mcp.example/mcp', headers: { Authorization: '••••••••' } });
    expect(restoreMaskedMcpValues([shown], [real])).toEqual([real]);
    // A URL the person changed is taken as typed.
    expect(restoreMaskedMcpValues([{ ...shown, url: 'https://me:new@mcp.example/mcp' }], [real])).toEqual([{ ...real, url: 'https://me:new@mcp.example/mcp' }]);
  });

  it('R4: the runtime logs an MCP server that quotes its URL without the password, and the window sees neither the password in the settings nor in the error', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-url-mask-'));
    await using cleanup = new AsyncDisposableStack();
    cleanup.defer(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const settings = SettingsStore.open({ dir: dataDir });
    settings.set('mcpServers', [{ name: 'remote', url: 'http://me:hunter2@127.0.0.1:9/mcp' }]);
    const logs: string[] = [];
    const runtime = new GatewayRuntime({
      dataDir,
      settings,
      secrets: new MemorySecretStore(),
      version: '1.0.0',
      app: { performExit: () => {}, forceExit: () => {} },
      requestExit: () => {},
      updateState: () => ({ state: 'idle', version: null, progress: null, error: null }),
      env: {},
      log: (line) => logs.push(line),
    });
    await runtime.start();
    cleanup.defer(() => runtime.stop());
    const [windowEnd, gatewayEnd] = createInMemoryTransportPair();
    runtime.accept(gatewayEnd);
    const client = new GatewayClient({ connect: async () => windowEnd, log: () => {} });
    await client.start();

    expect(logs.some((line) => line.includes('http://me:••••••••@127.0.0.1:9/mcp'))).toBe(true);
    expect(logs.filter((line) => line.includes('hunter2'))).toEqual([]);
    const { servers } = await client.call('mcp.status', {});
    expect(servers[0]).toMatchObject({ name: 'remote', state: 'failed' });
    expect(servers[0]!.error).toContain('me:••••••••@');
    const view = await client.call('settings.get', {});
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(view.settings.mcpServers[0]).toMatchObject({ url: 'http://me:••••••••@127.0.0.1:9/mcp' });
    // Saved back from the window as shown, the real address stays.
    await client.call('settings.set', { key: 'mcpServers', value: view.settings.mcpServers });
    expect(settings.get().mcpServers[0]).toMatchObject({ url: 'http://me:hunter2@127.0.0.1:9/mcp' });
    client.close();
  });
});
