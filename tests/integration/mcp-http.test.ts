/**
 * Issue 10: MCP over HTTP against the SDK's own server, run by the test as a child process on
 * 127.0.0.1: Streamable HTTP, the HTTP+SSE fallback, auth headers, a server slow to start and one
 * that dies mid-call (the call ends with a tool error, never a hang).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolRunContext } from '../../electron/core/agent/tools/tool.ts';
import { serveMcpHttp } from '../fixtures/mcp-http-server-process.ts';
import { runContext, TestManagers, toolNamed } from '../unit/agent/mcp/mcp-test-support.ts';
import { waitForFile } from '../unit/agent/tools/process-probe.ts';

const children: ChildProcess[] = [];
const managers = new TestManagers();
const createManager = managers.create.bind(managers);
let markerDir: string;

const context = (signal?: AbortSignal): ToolRunContext => runContext(markerDir, signal);

async function serve(...args: string[]): Promise<{ base: string; child: ChildProcess }> {
  const served = await serveMcpHttp(...args);
  children.push(served.child);
  return served;
}

beforeEach(async () => {
  markerDir = await mkdtemp(path.join(os.tmpdir(), 'baton-mcp-http-'));
});

afterEach(async () => {
  await managers.stopAll();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(markerDir, { recursive: true, force: true });
});

describe('MCP over HTTP (issue 10)', () => {
  it('connects over Streamable HTTP, lists the tools and calls one', async () => {
    const { base } = await serve();
    const manager = createManager();

    const report = await manager.apply([{ name: 'remote', url: `${base}/mcp` }]);

    expect(report.errors).toEqual([]);
    expect(manager.snapshot()[0]).toMatchObject({ name: 'remote', transport: 'http', state: 'running' });
    expect(manager.tools().map((tool) => tool.name)).toEqual(['remote__echo', 'remote__slow', 'remote__crash']);
    expect(await toolNamed(manager, 'remote__echo').run({ text: 'over http' }, context())).toEqual({ isError: false, output: 'over http' });
  });

  it('falls back to HTTP+SSE for a server that refuses the Streamable HTTP POST', async () => {
    const { base } = await serve('--sse');
    const manager = createManager();

    await manager.apply([{ name: 'legacy', url: `${base}/sse` }]);

    expect(manager.status()[0]).toMatchObject({ state: 'running', toolCount: 3 });
    expect(await toolNamed(manager, 'legacy__echo').run({ text: 'over sse' }, context())).toEqual({ isError: false, output: 'over sse' });
  });

  it('R4: sends the configured headers (values from the secret store) and reports a refusal readably', async () => {
    const { base } = await serve('--require-header', 'authorization=Bearer s3cret');
    const manager = createManager({ resolveSecret: async (ref) => (ref === 'mcp:auth:header:authorization' ? 'Bearer s3cret' : null) });

    await manager.apply([
      { name: 'auth', url: `${base}/mcp`, headers: { authorization: 'baton-secret:mcp:auth:header:authorization' } },
      { name: 'anon', url: `${base}/mcp` },
    ]);

    expect(manager.status().map((s) => s.state)).toEqual(['running', 'failed']);
    expect(manager.status()[1]?.error).toMatch(/^MCP server "anon" failed to start: .*401/);
  });

  it('R3: a server slow to start is waited for within the startup budget, and failed beyond it', async () => {
    const { base } = await serve('--initialize-delay-ms', '800');
    const patient = createManager({ startupTimeoutMs: 10_000 });
    const hasty = createManager({ startupTimeoutMs: 200 });

    await patient.apply([{ name: 'slowstart', url: `${base}/mcp` }]);
    await hasty.apply([{ name: 'slowstart', url: `${base}/mcp` }]);

    expect(patient.status()[0]?.state).toBe('running');
    expect(hasty.status()[0]).toMatchObject({ state: 'failed', error: 'MCP server "slowstart" failed to start: it did not answer within 0.2 s' });
  });

  it('R3: a server nobody listens on fails with the network reason', async () => {
    const { base, child } = await serve();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const manager = createManager();

    await manager.apply([{ name: 'down', url: `${base}/mcp` }]);

    expect(manager.status()[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/^MCP server "down" failed to start: .*ECONNREFUSED/) });
  });

  it('R3: a server that dies mid-call ends the call with a tool error, never a hang', async () => {
    const { base, child } = await serve();
    const manager = createManager();
    await manager.apply([{ name: 'remote', url: `${base}/mcp` }]);
    const call = toolNamed(manager, 'remote__slow').run({ markerDir }, context());
    await waitForFile(markerDir, 'slow-started');

    child.kill('SIGKILL');
    const outcome = await call;

    expect(outcome.isError).toBe(true);
    // Which the SDK notices first — the open SSE stream breaking or its next request failing — is a race.
    expect(outcome.output).toMatch(/^MCP tool "slow" of server "remote" did not finish: the connection to the server broke \((SSE stream disconnected|fetch failed)/);
  });

  it('a call in flight when the HTTP server is removed from the settings ends at once', async () => {
    const { base } = await serve();
    const manager = createManager();
    await manager.apply([{ name: 'remote', url: `${base}/mcp` }]);
    const call = toolNamed(manager, 'remote__slow').run({ markerDir }, context());
    await waitForFile(markerDir, 'slow-started');

    await manager.apply([]);

    expect(await call).toEqual({ isError: true, output: 'MCP tool "slow" of server "remote" did not finish: the server was removed from the settings' });
  });
});
