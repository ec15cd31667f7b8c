/**
 * The MCP manager against real stdio servers: the fixture server (built with the official SDK) runs
 * as a child process, so spawning, the handshake, cancellation and process death are all real.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpManager } from '../../../../electron/core/agent/mcp/mcp-manager.ts';
import type { McpManagerOptions, McpServerStatus } from '../../../../electron/core/agent/mcp/mcp-manager.ts';
import type { McpServerConfig } from '../../../../electron/core/agent/mcp/mcp-config.ts';
import type { ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';
import { runContext, toolNamed } from './mcp-test-support.ts';
import { isProcessRunning, waitForFile } from '../tools/process-probe.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/mcp-test-server.ts');

function fixture(name: string, ...args: string[]): McpServerConfig {
  return { name, command: process.execPath, args: [FIXTURE, ...args] };
}

const managers: McpManager[] = [];
let logs: string[];
let markerDir: string;

function createManager(options: McpManagerOptions = {}): McpManager {
  const manager = new McpManager({ log: (message) => logs.push(message), ...options });
  managers.push(manager);
  return manager;
}

beforeEach(async () => {
  logs = [];
  markerDir = await mkdtemp(path.join(os.tmpdir(), 'baton-mcp-'));
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
  await rm(markerDir, { recursive: true, force: true });
});

const context = (signal?: AbortSignal): ToolRunContext => runContext(markerDir, signal);

function serverStatus(manager: McpManager, name: string): McpServerStatus {
  const status = manager.status().find((candidate) => candidate.name === name);
  if (!status) throw new Error(`no server ${name}`);
  return status;
}

function pidOf(manager: McpManager, name: string): number {
  const { pid } = serverStatus(manager, name);
  if (pid === undefined) throw new Error(`server ${name} has no pid`);
  return pid;
}

function nextStatus(manager: McpManager, matches: (status: McpServerStatus) => boolean): Promise<McpServerStatus> {
  return new Promise((resolve) => {
    const unsubscribe = manager.onStatusChange((status) => {
      if (!matches(status)) return;
      unsubscribe();
      resolve(status);
    });
  });
}

describe('McpManager: starting servers and offering their tools', () => {
  it('starts a configured server and lists its tools with prefixed names, schemas and effects', async () => {
    const manager = createManager();
    const report = await manager.start([fixture('notes')]);

    expect(report.errors).toEqual([]);
    expect(report.servers).toEqual([{ name: 'notes', state: 'running', toolCount: 6, pid: expect.any(Number) }]);
    expect(manager.tools().map((tool) => tool.name)).toEqual([
      'notes__echo',
      'notes__add_note',
      'notes__fail',
      'notes__slow',
      'notes__crash',
      'notes__enable_extra',
    ]);

    const echo = toolNamed(manager, 'notes__echo');
    expect(echo.description).toBe('Returns the text it is given.');
    // The MCP input schema goes to the model as it is, minus the `$schema` dialect marker.
    expect(echo.parameters).toEqual({
      type: 'object',
      properties: { text: { type: 'string', description: 'Text to echo back' } },
      required: ['text'],
    });
    expect(echo.effect).toBe('read-only');
    expect(echo.defaultApproval).toBe('auto');

    // A tool without arguments still gets an object schema with (empty) properties.
    expect(toolNamed(manager, 'notes__crash').parameters).toEqual({ type: 'object', properties: {} });
  });

  it('marks a tool without a readOnlyHint as side-effecting, asking for approval', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);

    const addNote = toolNamed(manager, 'notes__add_note');
    expect(addNote.effect).toBe('side-effecting');
    expect(addNote.defaultApproval).toBe('ask');
    expect(addNote.parameters).toMatchObject({ required: ['note'], properties: { tags: { type: 'array' } } });
  });

  it('calls a tool and returns its text parts joined', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);

    expect(await toolNamed(manager, 'notes__echo').run({ text: 'hello, MCP' }, context())).toEqual({
      isError: false,
      output: 'hello, MCP',
    });
    expect(await toolNamed(manager, 'notes__add_note').run({ note: 'buy milk' }, context())).toEqual({
      isError: false,
      output: 'Saved note #1\nbuy milk',
    });
  });

  it('passes a tool-level error result on as an error outcome', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);

    expect(await toolNamed(manager, 'notes__fail').run({}, context())).toEqual({ isError: true, output: 'fail: it failed, as asked' });
  });

  it('answers bad arguments with an error outcome the model can read, not a throw', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);
    const echo = toolNamed(manager, 'notes__echo');

    const wrongType = await echo.run({ text: 42 }, context());
    expect(wrongType.isError).toBe(true);
    expect(wrongType.output).toMatch(/text/);

    expect(await echo.run(['not', 'an', 'object'], context())).toEqual({
      isError: true,
      output: 'Invalid arguments for notes__echo: expected a JSON object',
    });
  });

  it('treats missing arguments as an empty object for tools without parameters', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);

    expect(await toolNamed(manager, 'notes__fail').run(undefined, context())).toMatchObject({ isError: true, output: 'fail: it failed, as asked' });
  });

  it('picks up a tool the server adds later (tools/list_changed)', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);

    const grown = nextStatus(manager, (status) => status.toolCount === 7);
    expect(await toolNamed(manager, 'notes__enable_extra').run({}, context())).toEqual({ isError: false, output: 'extra enabled' });
    await grown;

    expect(await toolNamed(manager, 'notes__extra').run({}, context())).toEqual({ isError: false, output: 'extra ran' });
  });

  it('does not start a disabled server and reports a duplicated name', async () => {
    const manager = createManager();
    const report = await manager.start([fixture('notes'), { ...fixture('off'), enabled: false }, fixture('notes', '--fail-at-startup')]);

    expect(report.errors).toEqual(['MCP server "notes" is configured more than once; only the first entry is used']);
    expect(report.servers).toEqual([
      { name: 'notes', state: 'running', toolCount: 6, pid: expect.any(Number) },
      { name: 'off', state: 'stopped', toolCount: 0 },
    ]);
    expect(manager.tools().every((tool) => tool.name.startsWith('notes__'))).toBe(true);
  });
});

describe('McpManager: servers that fail (R3)', () => {
  it('R3: a server whose command does not exist is failed with a readable error; the others still work', async () => {
    const manager = createManager();
    const report = await manager.start([{ name: 'ghost', command: 'baton-no-such-mcp-server' }, fixture('notes')]);

    const expected = 'MCP server "ghost" failed to start: command not found: "baton-no-such-mcp-server"';
    expect(report.errors).toEqual([expected]);
    expect(serverStatus(manager, 'ghost')).toEqual({ name: 'ghost', state: 'failed', error: expected, toolCount: 0 });
    expect(serverStatus(manager, 'notes').state).toBe('running');
    expect(manager.tools().some((tool) => tool.name.startsWith('ghost'))).toBe(false);
    expect(await toolNamed(manager, 'notes__echo').run({ text: 'still here' }, context())).toEqual({ isError: false, output: 'still here' });
  });

  it('R3: a server in a missing working folder says that the folder is missing', async () => {
    const manager = createManager();
    const missing = path.join(markerDir, 'nowhere');
    const report = await manager.start([{ ...fixture('lost'), cwd: missing }]);

    expect(report.errors).toEqual([`MCP server "lost" failed to start: working folder not found: "${missing}"`]);
  });

  it('R3: a server that exits at startup is failed, with what it wrote to stderr', async () => {
    const manager = createManager();
    const report = await manager.start([
      fixture('by-arg', '--fail-at-startup'),
      { ...fixture('by-env'), env: { MCP_TEST_FAIL_AT_STARTUP: '1' } },
    ]);

    const why = 'it exited during startup (stderr: "mcp-test-server: refusing to start because it was asked to fail")';
    expect(report.errors).toEqual([`MCP server "by-arg" failed to start: ${why}`, `MCP server "by-env" failed to start: ${why}`]);
    expect(manager.status().map((status) => status.state)).toEqual(['failed', 'failed']);
    expect(manager.tools()).toEqual([]);
  });

  it('R3: a server that never answers the handshake fails when its startup time is up, and is stopped', async () => {
    const manager = createManager({ startupTimeoutMs: 300 });
    const starting = nextStatus(manager, (status) => status.state === 'starting');
    // Alone: with so short a budget, a healthy server on a busy machine could miss it too.
    const report = await manager.start([fixture('mute', '--hang-at-startup')]);
    const { pid } = await starting;

    expect(report.errors).toEqual(['MCP server "mute" failed to start: it did not answer within 0.3 s']);
    await manager.stop();
    expect(isProcessRunning(pid ?? -1)).toBe(false);
  });

  it('R3: a server that dies mid-session turns the call into an error outcome and is marked failed', async () => {
    const manager = createManager();
    await manager.start([fixture('notes'), fixture('other')]);
    const pid = pidOf(manager, 'notes');
    const echo = toolNamed(manager, 'notes__echo');
    const failed = nextStatus(manager, (status) => status.name === 'notes' && status.state === 'failed');

    const reason = 'it exited unexpectedly (stderr: "mcp-test-server: crashing on request")';
    expect(await toolNamed(manager, 'notes__crash').run({}, context())).toEqual({
      isError: true,
      output: `MCP server "notes" is not running: ${reason}`,
    });
    expect(await failed).toEqual({ name: 'notes', state: 'failed', error: `MCP server "notes" failed: ${reason}`, toolCount: 0 });

    // A turn holding the old tool list gets the same clear error, not a throw.
    expect(await echo.run({ text: 'anyone?' }, context())).toEqual({ isError: true, output: `MCP server "notes" is not running: ${reason}` });
    expect(manager.tools().some((tool) => tool.name.startsWith('notes__'))).toBe(false);
    expect(await toolNamed(manager, 'other__echo').run({ text: 'fine' }, context())).toEqual({ isError: false, output: 'fine' });
    expect(isProcessRunning(pid)).toBe(false);
  });
});

describe('McpManager: interrupting and stopping', () => {
  it('L11: an abort signal cancels a slow tool call at once and the server learns of it', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);
    const turn = new AbortController();

    const call = toolNamed(manager, 'notes__slow').run({ markerDir }, context(turn.signal));
    await waitForFile(markerDir, 'slow-started');
    turn.abort(new Error('drain deadline'));

    expect(await call).toEqual({ isError: true, output: 'MCP tool "slow" of server "notes" was cancelled: the turn was interrupted' });
    // notifications/cancelled reached the server, which gave up its timer.
    await waitForFile(markerDir, 'slow-cancelled');
    // The connection survives a cancelled call.
    expect(await toolNamed(manager, 'notes__echo').run({ text: 'after' }, context())).toEqual({ isError: false, output: 'after' });
  });

  it('does not call the server when the turn is already interrupted', async () => {
    const manager = createManager();
    await manager.start([fixture('notes')]);
    const turn = new AbortController();
    turn.abort();

    expect(await toolNamed(manager, 'notes__add_note').run({ note: 'x' }, context(turn.signal))).toEqual({
      isError: true,
      output: 'MCP tool "add_note" of server "notes" was not run: the turn was interrupted',
    });
    // Had the call gone through, this would be note #2.
    expect((await toolNamed(manager, 'notes__add_note').run({ note: 'y' }, context())).output).toBe('Saved note #1\ny');
  });

  it('reports a call that outlives its time limit as an error outcome', async () => {
    const manager = createManager({ callTimeoutMs: 200 });
    await manager.start([fixture('notes')]);

    expect(await toolNamed(manager, 'notes__slow').run({}, context())).toEqual({
      isError: true,
      output: 'MCP tool "slow" of server "notes" timed out after 0.2 s',
    });
  });

  it('stop() closes every server and leaves no server process alive', async () => {
    const manager = createManager();
    await manager.start([fixture('a'), fixture('b')]);
    const pids = [pidOf(manager, 'a'), pidOf(manager, 'b')];
    expect(pids.map(isProcessRunning)).toEqual([true, true]);
    const echo = toolNamed(manager, 'a__echo');

    await manager.stop();

    expect(pids.map(isProcessRunning)).toEqual([false, false]);
    expect(manager.status()).toEqual([
      { name: 'a', state: 'stopped', toolCount: 0 },
      { name: 'b', state: 'stopped', toolCount: 0 },
    ]);
    expect(manager.tools()).toEqual([]);
    expect(await echo.run({ text: 'late' }, context())).toEqual({ isError: true, output: 'MCP server "a" is not running: it was stopped' });
  });

  it('stop() during startup stops the server that is still starting', async () => {
    const manager = createManager();
    const starting = nextStatus(manager, (status) => status.state === 'starting');
    const started = manager.start([fixture('mute', '--hang-at-startup')]);
    const { pid } = await starting;

    await manager.stop();
    const report = await started;

    expect(report).toEqual({ servers: [{ name: 'mute', state: 'stopped', toolCount: 0 }], errors: [] });
    expect(isProcessRunning(pid ?? -1)).toBe(false);
  });

  it('start() again replaces the running servers', async () => {
    const manager = createManager();
    await manager.start([fixture('first')]);
    const firstPid = pidOf(manager, 'first');

    await manager.start([fixture('second')]);

    expect(isProcessRunning(firstPid)).toBe(false);
    expect(manager.status().map((status) => [status.name, status.state])).toEqual([['second', 'running']]);
    expect(manager.tools().map((tool) => tool.name)[0]).toBe('second__echo');
  });
});
