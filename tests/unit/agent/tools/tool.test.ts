import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinTools, createBuiltinToolRegistry } from '../../../../electron/core/agent/tools/builtin-tools.ts';
import { defaultApprovalFor, defineTool, ToolRegistry, toolSpecs, type ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';

let workspaceDir: string;

beforeEach(async () => {
  workspaceDir = await mkdtemp(path.join(os.tmpdir(), 'baton-tool-'));
});

afterEach(async () => {
  await rm(workspaceDir, { recursive: true, force: true });
});

function context(): ToolRunContext {
  return { signal: new AbortController().signal, workspaceDir };
}

const echo = defineTool({
  name: 'echo',
  description: 'Echoes its text.',
  schema: z.object({ text: z.string().describe('What to echo.') }),
  effect: 'read-only',
  run: async (args) => ({ isError: false, output: args.text }),
});

describe('built-in tools', () => {
  it('lists shell, read_file, write_file, list_dir and search_files with their effects', () => {
    expect(builtinTools().map((t) => [t.name, t.effect])).toEqual([
      ['shell', 'side-effecting'],
      ['read_file', 'read-only'],
      ['write_file', 'side-effecting'],
      ['list_dir', 'read-only'],
      ['search_files', 'read-only'],
    ]);
  });

  it('L20: side-effecting tools ask for approval by default, read-only ones run automatically', () => {
    for (const tool of builtinTools()) {
      expect(tool.defaultApproval).toBe(tool.effect === 'read-only' ? 'auto' : 'ask');
    }
    expect(defaultApprovalFor('lifecycle')).toBe('ask');
  });

  it('describes every tool to the model with an object JSON schema', () => {
    for (const spec of createBuiltinToolRegistry().specs()) {
      expect(Object.keys(spec)).toEqual(['name', 'description', 'parameters']);
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.parameters).toMatchObject({ type: 'object' });
      expect(spec.parameters).not.toHaveProperty('$schema');
    }
  });

  it('passes options through to the tools', () => {
    const registry = createBuiltinToolRegistry({ shell: { timeoutMs: 5_000 }, files: { maxReadBytes: 2048 } });
    expect(registry.get('shell')?.description).toContain('stopped after 5 s');
    expect(registry.get('read_file')?.description).toContain('at most 2 KiB');
  });
});

describe('defineTool', () => {
  it('derives the JSON schema from the zod schema', () => {
    expect(toolSpecs([echo])).toEqual([
      {
        name: 'echo',
        description: 'Echoes its text.',
        parameters: { type: 'object', properties: { text: { type: 'string', description: 'What to echo.' } }, required: ['text'] },
      },
    ]);
  });

  it('validates arguments and answers bad ones with a clear error outcome', async () => {
    expect(await echo.run({ text: 'hi' }, context())).toEqual({ isError: false, output: 'hi' });
    const outcome = await echo.run({ text: 3 }, context());
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toBe('Invalid arguments for echo:\n✖ Invalid input: expected string, received number\n  → at text');
  });

  it('turns a failure inside the tool into an error outcome instead of a throw', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'Always fails.',
      schema: z.object({}),
      effect: 'side-effecting',
      run: async () => {
        throw new Error('disk on fire');
      },
    });
    expect(await broken.run({}, context())).toEqual({ isError: true, output: 'broken failed: disk on fire' });
  });
});

describe('ToolRegistry', () => {
  it('runs a tool by name and answers an unknown name with an error outcome', async () => {
    const registry = new ToolRegistry([echo]);
    expect(await registry.run('echo', { text: 'x' }, context())).toEqual({ isError: false, output: 'x' });
    expect(await registry.run('rm_rf', {}, context())).toEqual({ isError: true, output: 'Unknown tool "rm_rf". Available tools: echo.' });
  });

  it('refuses two tools with the same name', () => {
    expect(() => new ToolRegistry([echo, echo])).toThrow('A tool named "echo" is already registered');
  });

  it('runs the built-in tools end to end in a workspace', async () => {
    const registry = createBuiltinToolRegistry();
    expect((await registry.run('write_file', { path: 'notes/todo.md', content: '- ship\n' }, context())).isError).toBe(false);
    expect(await registry.run('list_dir', { path: 'notes' }, context())).toEqual({ isError: false, output: 'todo.md' });
    expect(await registry.run('search_files', { pattern: 'ship' }, context())).toEqual({
      isError: false,
      output: 'notes/todo.md:1: - ship\n[1 match(es) in 1 file(s)]',
    });
    expect(await registry.run('shell', { command: 'cat notes/todo.md' }, context())).toMatchObject({ isError: false, output: '- ship\n[exit code 0]' });
  });
});
