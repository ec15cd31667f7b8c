import { describe, expect, it } from 'vitest';
import { MAX_TOOL_NAME_LENGTH, mcpToolName, uniqueMcpToolName } from '../../../../electron/core/agent/mcp/mcp-tool-name.ts';

const PROVIDER_SAFE = /^[a-zA-Z0-9_-]{1,64}$/;

describe('MCP tool names for the model', () => {
  it('prefixes the tool with its server: <server>__<tool>', () => {
    expect(mcpToolName('github', 'create_issue')).toBe('github__create_issue');
  });

  it('replaces characters providers reject with underscores', () => {
    const name = mcpToolName('my notes', 'fs/read.file');
    expect(name).toBe('my_notes__fs_read_file');
    expect(name).toMatch(PROVIDER_SAFE);
  });

  it('cuts names to 64 characters', () => {
    const name = mcpToolName('a-server-with-a-rather-long-name', 'and_a_tool_whose_name_goes_on_and_on_and_on');
    expect(name).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(name).toMatch(PROVIDER_SAFE);
  });

  it('keeps two tools apart when sanitizing maps them to one name, with a stable suffix', () => {
    const taken = new Set([uniqueMcpToolName('fs', 'read.file', new Set())]);
    const second = uniqueMcpToolName('fs', 'read_file', taken);

    expect([...taken]).toEqual(['fs__read_file']);
    expect(second).toMatch(/^fs__read_file_[0-9a-f]{8}$/);
    expect(uniqueMcpToolName('fs', 'read_file', taken)).toBe(second);
  });

  it('keeps two long names with a common start apart and within 64 characters', () => {
    const stem = 'x'.repeat(70);
    const first = uniqueMcpToolName('srv', `${stem}_one`, new Set());
    const second = uniqueMcpToolName('srv', `${stem}_two`, new Set([first]));

    expect(second).not.toBe(first);
    expect([first, second].every((name) => PROVIDER_SAFE.test(name))).toBe(true);
  });

  it('still finds a free name when a server lists one tool twice', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 3; i += 1) taken.add(uniqueMcpToolName('srv', 'dup', taken));
    expect(taken.size).toBe(3);
    expect([...taken].every((name) => PROVIDER_SAFE.test(name))).toBe(true);
  });
});
