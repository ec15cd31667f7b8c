/**
 * Issue 13: the MCP manager loads the MCP SDK only when a server is configured, so a stop() can
 * arrive while it loads. Its own file: the SDK module is loaded once per process, and this test
 * needs the first start() of the process.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { McpManager } from '../../../../electron/core/agent/mcp/mcp-manager.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/mcp-test-server.ts');

it('issue 13/R3: with no server configured nothing loads or starts; a stop() while the SDK loads wins: the server is never spawned', async () => {
  const manager = new McpManager({ log: () => {} });
  expect(await manager.start([])).toEqual({ servers: [], errors: [] });

  const started = manager.start([{ name: 'late', command: process.execPath, args: [FIXTURE] }]);
  await manager.stop();
  const report = await started;

  // A stopped manager applies nothing (as for a settings change after stop()): never spawned.
  expect(report).toEqual({ servers: [], errors: [] });
  expect(manager.status()).toEqual([]);
  expect(manager.tools()).toEqual([]);
});
