import { describe, expect, it } from 'vitest';
import { isMcpHttpServer, isMcpServerEnabled, mcpServerConfigSchema, mcpServerConfigsSchema, sameMcpServerConfig } from '../../../../electron/core/agent/mcp/mcp-config.ts';
import { maskMcpServer, maskUrlPassword } from '../../../../electron/core/settings/mcp-secrets.ts';

describe('MCP server settings', () => {
  it('accepts a full entry and a minimal one', () => {
    const full = { name: 'fs', command: 'npx', args: ['-y', 'server'], env: { TOKEN: 'x' }, cwd: '/tmp', enabled: false };
    expect(mcpServerConfigSchema.parse(full)).toEqual(full);
    expect(mcpServerConfigSchema.parse({ name: 'fs', command: 'fs-server' })).toEqual({ name: 'fs', command: 'fs-server' });
  });

  it('R1: rejects a blank name or command and non-string env values', () => {
    expect(mcpServerConfigSchema.safeParse({ name: '  ', command: 'x' }).success).toBe(false);
    expect(mcpServerConfigSchema.safeParse({ name: 'x', command: '' }).success).toBe(false);
    expect(mcpServerConfigSchema.safeParse({ name: 'x', command: 'y', env: { PORT: 1 } }).success).toBe(false);
  });

  it('R1: rejects two servers with one name, pointing at the second', () => {
    const result = mcpServerConfigsSchema.safeParse([
      { name: 'fs', command: 'a' },
      { name: 'fs', command: 'b' },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([1, 'name']);
  });

  it('treats a server without `enabled` as enabled', () => {
    expect(isMcpServerEnabled({ name: 'a', command: 'b' })).toBe(true);
    expect(isMcpServerEnabled({ name: 'a', command: 'b', enabled: false })).toBe(false);
  });
});

describe('MCP server configs: stdio or HTTP (issue 10)', () => {
  it('accepts an HTTP server with headers and refuses one with both a command and a url, or a non-http url', () => {
    const http = { name: 'remote', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' }, enabled: false };
    expect(mcpServerConfigSchema.parse(http)).toEqual(http);
    expect(isMcpHttpServer(mcpServerConfigSchema.parse(http))).toBe(true);
    expect(mcpServerConfigSchema.safeParse({ name: 'x', command: 'y', url: 'https://h/' }).success).toBe(false);
    expect(mcpServerConfigSchema.safeParse({ name: 'x', url: 'file:///etc/passwd' }).success).toBe(false);
    expect(mcpServerConfigSchema.safeParse({ name: 'x' }).success).toBe(false);
  });

  it('sameMcpServerConfig ignores key order and an explicit enabled: true, but not a changed value', () => {
    const a = { name: 'n', command: 'c', args: ['1'], env: { A: '1', B: '2' } };
    expect(sameMcpServerConfig(a, { env: { B: '2', A: '1' }, args: ['1'], command: 'c', name: 'n', enabled: true })).toBe(true);
    expect(sameMcpServerConfig(a, { ...a, args: ['2'] })).toBe(false);
    expect(sameMcpServerConfig(a, { ...a, enabled: false })).toBe(false);
    expect(sameMcpServerConfig(a, { name: 'n', url: 'http://h/' })).toBe(false);
  });
});

describe('R4: masking for the window', () => {
  it('hides a base URL password and nothing else', () => {
    expect(maskUrlPassword('https://me:hunter2@llm.example/v1')).toBe('https://me:••••••••@llm.example/v1');
    expect(maskUrlPassword('https://me@llm.example/v1')).toBe('https://me@llm.example/v1');
    expect(maskUrlPassword('http://127.0.0.1:8080/v1?x=a:b@c')).toBe('http://127.0.0.1:8080/v1?x=a:b@c');
  });

  it('masks every env value of a stdio server and every header value of an HTTP one', () => {
    expect(maskMcpServer({ name: 's', command: 'c', env: { T: 'x' } })).toEqual({ name: 's', command: 'c', env: { T: '••••••••' } });
    expect(maskMcpServer({ name: 'h', url: 'http://h/', headers: { Authorization: 'Bearer x' } })).toEqual({
      name: 'h',
      url: 'http://h/',
      headers: { Authorization: '••••••••' },
    });
  });
});
