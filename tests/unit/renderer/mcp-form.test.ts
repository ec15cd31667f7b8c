/**
 * Issue 10: the MCP settings page's form and the import of Claude Desktop / Cursor `mcpServers` JSON.
 */
import { describe, expect, it } from 'vitest';
import { configFromForm, EMPTY_MCP_FORM, formFromConfig, parseMcpImport } from '../../../renderer/src/lib/mcp-form.ts';

describe('MCP import from Claude Desktop / Cursor JSON (issue 10)', () => {
  const claude = JSON.stringify({
    mcpServers: {
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
      github: { command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_x' } },
      remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer t' } },
      off: { command: 'x', disabled: true },
    },
  });

  it('reads stdio and HTTP entries, ignoring fields Baton does not use', () => {
    expect(parseMcpImport(claude, new Set())).toEqual({
      added: [
        { name: 'filesystem', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
        { name: 'github', command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_x' } },
        { name: 'remote', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer t' } },
        { name: 'off', command: 'x', enabled: false },
      ],
      skipped: [],
    });
  });

  it('never replaces a server that exists: the entry is skipped and said so', () => {
    const result = parseMcpImport(claude, new Set(['github']));
    expect('added' in result && result.added.map((s) => s.name)).toEqual(['filesystem', 'remote', 'off']);
    expect('skipped' in result && result.skipped).toEqual(['"github" already exists; it was not replaced.']);
  });

  it('gives a clear error for bad JSON or JSON without servers, and skips bad entries', () => {
    expect(parseMcpImport('{ "mcpServers": { ', new Set())).toEqual({ error: expect.stringMatching(/^That is not valid JSON \(/) });
    expect(parseMcpImport('[]', new Set())).toEqual({ error: 'Expected a JSON object with "mcpServers".' });
    expect(parseMcpImport('{ "mcpServers": {} }', new Set())).toEqual({ error: expect.stringMatching(/^No servers found/) });
    const result = parseMcpImport(JSON.stringify({ mcpServers: { both: { command: 'x', url: 'http://h/' }, bad: { url: 'ftp://h/' }, ok: { command: 'y' } } }), new Set());
    expect('added' in result && result.added).toEqual([{ name: 'ok', command: 'y' }]);
    expect('skipped' in result && result.skipped).toHaveLength(2);
  });

  it('accepts a bare map of servers too', () => {
    expect(parseMcpImport('{ "a": { "command": "x" } }', new Set())).toEqual({ added: [{ name: 'a', command: 'x' }], skipped: [] });
  });
});

describe('MCP server form (issue 10)', () => {
  it('round-trips a stdio server with args one per line and env as NAME=value', () => {
    const config = { name: 'fs', command: 'npx', args: ['-y', 'server', '/a b'], env: { TOKEN: 'a=b', MODE: '••••••••' }, cwd: '/w' };
    const form = formFromConfig(config);
    expect(form).toMatchObject({ transport: 'stdio', args: '-y\nserver\n/a b', secrets: 'TOKEN=a=b\nMODE=••••••••' });
    expect(configFromForm(form)).toEqual({ ok: true, config });
  });

  it('round-trips an HTTP server with headers as "Name: value", and a disabled one', () => {
    const config = { name: 'r', url: 'https://h.example/mcp', headers: { Authorization: 'Bearer a:b' }, enabled: false };
    expect(configFromForm(formFromConfig(config))).toEqual({ ok: true, config });
  });

  it('refuses a malformed env line or a missing command with words the user can act on', () => {
    expect(configFromForm({ ...EMPTY_MCP_FORM, name: 'x', command: 'y', secrets: 'JUSTTEXT' })).toEqual({ ok: false, message: 'Each environment line is NAME=value; "JUSTTEXT" is not.' });
    expect(configFromForm({ ...EMPTY_MCP_FORM, name: 'x' })).toMatchObject({ ok: false });
    expect(configFromForm({ ...EMPTY_MCP_FORM, name: 'x', transport: 'http', url: 'javascript:alert(1)' })).toMatchObject({ ok: false });
  });
});
