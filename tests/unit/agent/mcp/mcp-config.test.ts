import { describe, expect, it } from 'vitest';
import { isMcpServerEnabled, mcpServerConfigSchema, mcpServerConfigsSchema } from '../../../../electron/core/agent/mcp/mcp-config.ts';

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
