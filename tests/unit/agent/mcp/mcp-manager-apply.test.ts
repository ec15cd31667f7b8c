/**
 * Issue 10 "MCP servers in the app": a changed server list is applied while Baton runs, against
 * real stdio servers (the SDK-built fixture as child processes). A call in flight on a server that
 * is restarted, edited, disabled or removed ends at once with a tool error that says why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { McpManager } from '../../../../electron/core/agent/mcp/mcp-manager.ts';
import type { McpServerStatus } from '../../../../electron/core/agent/mcp/mcp-manager.ts';
import type { McpStdioServerConfig } from '../../../../electron/core/agent/mcp/mcp-config.ts';
import type { ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';
import { runContext, TestManagers, toolNamed } from './mcp-test-support.ts';
import { isProcessRunning, waitForFile } from '../tools/process-probe.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/mcp-test-server.ts');

function fixture(name: string, ...args: string[]): McpStdioServerConfig {
  return { name, command: process.execPath, args: [FIXTURE, ...args] };
}

const managers = new TestManagers();
const createManager = managers.create.bind(managers);
let markerDir: string;

beforeEach(async () => {
  markerDir = await mkdtemp(path.join(os.tmpdir(), 'baton-mcp-apply-'));
});

afterEach(async () => {
  await managers.stopAll();
  await rm(markerDir, { recursive: true, force: true });
});

const context = (signal?: AbortSignal): ToolRunContext => runContext(markerDir, signal);

function statusOf(manager: McpManager, name: string): McpServerStatus | undefined {
  return manager.status().find((candidate) => candidate.name === name);
}

function pidOf(manager: McpManager, name: string): number {
  const pid = statusOf(manager, name)?.pid;
  if (pid === undefined) throw new Error(`server ${name} has no pid`);
  return pid;
}

describe('McpManager.apply: live changes without a restart (issue 10)', () => {
  it('adds a new server, leaves an unchanged one running and stops a removed one', async () => {
    const manager = createManager();
    await manager.apply([fixture('keep'), fixture('gone')]);
    const keepPid = pidOf(manager, 'keep');
    const gonePid = pidOf(manager, 'gone');

    // Same settings written in another key order and with enabled spelled out: not a change.
    const report = await manager.apply([{ enabled: true, args: fixture('keep').args, command: process.execPath, name: 'keep' }, fixture('new')]);

    expect(report.errors).toEqual([]);
    expect(manager.status().map((s) => [s.name, s.state])).toEqual([
      ['keep', 'running'],
      ['new', 'running'],
    ]);
    expect(pidOf(manager, 'keep')).toBe(keepPid);
    expect(isProcessRunning(gonePid)).toBe(false);
    expect(manager.tools().some((tool) => tool.name.startsWith('gone__'))).toBe(false);
    expect(await toolNamed(manager, 'new__echo').run({ text: 'hi' }, context())).toEqual({ isError: false, output: 'hi' });
  });

  it('restarts an edited server with its new settings and stops a disabled one', async () => {
    const manager = createManager();
    await manager.apply([fixture('edit'), fixture('off')]);
    const oldPid = pidOf(manager, 'edit');
    const offPid = pidOf(manager, 'off');

    await manager.apply([{ ...fixture('edit'), env: { MCP_TEST_FAIL_AT_STARTUP: '1' } }, { ...fixture('off'), enabled: false }]);

    expect(isProcessRunning(oldPid)).toBe(false);
    expect(isProcessRunning(offPid)).toBe(false);
    expect(statusOf(manager, 'edit')).toMatchObject({ state: 'failed', error: expect.stringContaining('it exited during startup') });
    expect(statusOf(manager, 'off')).toEqual({ name: 'off', state: 'stopped', toolCount: 0 });

    // Enabled again: it starts.
    await manager.apply([fixture('edit'), fixture('off')]);
    expect(manager.status().map((s) => s.state)).toEqual(['running', 'running']);
  });

  it('a call in flight on a server whose settings change ends at once with a clear tool error, never a hang', async () => {
    const manager = createManager();
    await manager.apply([fixture('notes')]);
    const oldPid = pidOf(manager, 'notes');
    const call = toolNamed(manager, 'notes__slow').run({ markerDir }, context());
    await waitForFile(markerDir, 'slow-started');

    const applied = manager.apply([{ ...fixture('notes'), env: { MODE: 'changed' } }]);

    expect(await call).toEqual({ isError: true, output: 'MCP tool "slow" of server "notes" did not finish: the server had its settings changed' });
    await applied;
    expect(isProcessRunning(oldPid)).toBe(false);
    expect(pidOf(manager, 'notes')).not.toBe(oldPid);
    expect(await toolNamed(manager, 'notes__echo').run({ text: 'new' }, context())).toEqual({ isError: false, output: 'new' });
  });

  it('a call in flight on a removed or disabled server says so; later calls from the old tool list too', async () => {
    const manager = createManager();
    await manager.apply([fixture('gone'), fixture('off')]);
    const goneSlow = toolNamed(manager, 'gone__slow');
    const offSlow = toolNamed(manager, 'off__slow');
    const calls = [goneSlow.run({}, context()), offSlow.run({}, context())];

    await manager.apply([{ ...fixture('off'), enabled: false }]);

    expect(await Promise.all(calls)).toEqual([
      { isError: true, output: 'MCP tool "slow" of server "gone" did not finish: the server was removed from the settings' },
      { isError: true, output: 'MCP tool "slow" of server "off" did not finish: the server was disabled' },
    ]);
    expect(await goneSlow.run({}, context())).toEqual({ isError: true, output: 'MCP server "gone" is not running: it was removed from the settings' });
    expect(await offSlow.run({}, context())).toEqual({ isError: true, output: 'MCP server "off" is not running: it is disabled in Settings' });
  });

  it('restart(name) ends the call in flight, starts a new process and routes the old tool list to it', async () => {
    const manager = createManager();
    await manager.apply([fixture('notes')]);
    const oldPid = pidOf(manager, 'notes');
    const echo = toolNamed(manager, 'notes__echo');
    const call = toolNamed(manager, 'notes__slow').run({}, context());

    const status = await manager.restart('notes');

    expect(await call).toEqual({ isError: true, output: 'MCP tool "slow" of server "notes" did not finish: the server was restarted' });
    expect(status).toMatchObject({ name: 'notes', state: 'running' });
    expect(isProcessRunning(oldPid)).toBe(false);
    expect(await echo.run({ text: 'same tool, new process' }, context())).toEqual({ isError: false, output: 'same tool, new process' });
    await expect(manager.restart('nobody')).rejects.toThrow('No MCP server is named "nobody".');
  });

  it('restart(name) brings back a server that failed', async () => {
    const manager = createManager();
    await manager.apply([fixture('notes')]);
    await toolNamed(manager, 'notes__crash').run({}, context());
    expect(statusOf(manager, 'notes')?.state).toBe('failed');

    expect(await manager.restart('notes')).toMatchObject({ state: 'running', toolCount: 6 });
  });

  it('snapshot() shows state, transport, stderr tail and tools with their read-only hint', async () => {
    const manager = createManager();
    await manager.apply([fixture('notes'), { ...fixture('broken'), env: { MCP_TEST_FAIL_AT_STARTUP: '1' } }]);

    const [notes, broken] = manager.snapshot();
    expect(notes).toMatchObject({ name: 'notes', transport: 'stdio', enabled: true, state: 'running', pid: expect.any(Number) });
    expect(notes?.tools.slice(0, 2)).toEqual([
      { name: 'notes__echo', serverTool: 'echo', description: 'Returns the text it is given.', readOnly: true },
      { name: 'notes__add_note', serverTool: 'add_note', description: 'Stores a note in the server memory.', readOnly: false },
    ]);
    expect(broken).toMatchObject({
      name: 'broken',
      state: 'failed',
      error: expect.stringContaining('failed to start'),
      stderrTail: 'mcp-test-server: refusing to start because it was asked to fail',
      tools: [],
    });
  });

  it('after stop() a late settings change starts nothing', async () => {
    const manager = createManager();
    await manager.apply([fixture('a')]);
    await manager.stop();

    await manager.apply([fixture('a'), fixture('b')]);

    expect(manager.status().map((s) => s.state)).toEqual(['stopped']);
  });

  it('R4: env values stored by reference are looked up in the secret store before the server starts', async () => {
    const secrets = new Map([['mcp:notes:env:MODE', 'from-keychain']]);
    const manager = createManager({ resolveSecret: async (ref) => secrets.get(ref) ?? null });

    await manager.apply([
      { ...fixture('ok'), env: { MCP_TEST_FAIL_AT_STARTUP: 'baton-secret:mcp:notes:env:MODE' } },
      { ...fixture('lost'), env: { TOKEN: 'baton-secret:mcp:lost:env:TOKEN' } },
    ]);

    // Resolved: the fixture only fails for the value "1", so the looked-up value let it start.
    expect(statusOf(manager, 'ok')?.state).toBe('running');
    expect(statusOf(manager, 'lost')).toMatchObject({
      state: 'failed',
      error: 'MCP server "lost" failed to start: the value of environment variable "TOKEN" is no longer in the secret store; enter it again in Settings',
    });
  });
});
