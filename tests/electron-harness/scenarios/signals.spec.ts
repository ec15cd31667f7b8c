/**
 * Real signals to the app process (SPEC L27, D9, D11): SIGTERM, SIGINT and SIGHUP go through the
 * drain, are recorded as exit reason 'signal', and a signal that arrives while the gateway is still
 * starting is drained once it is up — never a forced exit.
 */
import { expect, readCleanExit, test } from '../scenario-kit.ts';

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`L27, D11: ${signal} drains and exits cleanly with exit reason 'signal'`, async ({ launch }) => {
    const harness = await launch();
    const app = await harness.start();
    const { userData } = await app.ready();
    await app.waitForEvent('tray.menu');
    app.kill(signal);
    const exit = await app.waitForExit(15_000);
    expect(exit.code, 'a drained exit is a clean exit').toBe(0);
    expect(readCleanExit(userData)?.reason, 'the clean-exit marker names the signal (SPEC §1 exit reasons)').toBe('signal');
  });
}

test('D9: SIGTERM while the gateway is still starting is drained once it is up, not force-exited', async ({ launch }) => {
  // An MCP server that takes a moment to come up keeps runtime.start() busy: a real startup window.
  const slowServer = { name: 'slow', command: '/bin/sh', args: ['-c', `sleep 1.5; exec '${process.execPath}' '${process.cwd()}/tests/fixtures/mcp-test-server.ts'`] };
  const harness = await launch({ settings: { mcpServers: [slowServer] } });
  const app = await harness.start();
  const { userData } = await app.ready();
  // The app's own SIGTERM handler is in place (it replaced Electron's), and the gateway is not up yet.
  await app.waitForEvent('process.listener', (data) => data.event === 'SIGTERM' && data.from === 'app');
  app.kill('SIGTERM');
  const exit = await app.waitForExit(20_000);
  expect(exit.code, 'not the forced-exit code 70').toBe(0);
  expect(readCleanExit(userData), 'the queued drain ran and ended cleanly').not.toBeNull();
  expect(harness.appLog()).not.toMatch(/forcing the exit/i);
});
