/**
 * The windows layer of the fake `electron` against Electron's documented contract, with a probe
 * app instead of Baton (fixtures/contract-probe, run by the same register.mjs): if the harness
 * drifted from Electron here, every Baton window scenario would prove less than it claims.
 *
 * - BrowserWindow needs `ready`; registerSchemesAsPrivileged refuses to run after it
 *   (docs/api/browser-window.md, protocol.md).
 * - A prevented 'close' keeps the window; destroy() emits 'closed' without 'close' (base-window.md).
 * - The sandboxed preload's require knows electron and events, not fs (docs/tutorial/sandbox.md).
 * - contextBridge (docs/api/context-bridge.md): cloneable values copied (Date, Map), objects copied
 *   without their prototype, functions and promises proxied both ways, errors keep their message,
 *   the exposed key stays put, and nothing of the preload's world leaks to the page.
 * - ipcRenderer.invoke reaches ipcMain.handle with sender and senderFrame (=== mainFrame); an
 *   unhandled channel rejects (ipc-main.md).
 * - MessageChannelMain ports reach the page as real MessagePorts, structured clone both ways; a
 *   reload closes the main end (message-ports.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../launcher.ts';
import { expect, test } from '../scenario-kit.ts';

const PROBE = path.join(REPO, 'tests/electron-harness/fixtures/contract-probe');

function readProbe(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

test('R1, R4: windows, preload, contextBridge, IPC and MessagePorts keep Electron\'s contract', async ({ launch, windowOf }, testInfo) => {
  const out = testInfo.outputPath('probe.json');
  const harness = await launch({ env: { BATON_HARNESS_APP: PROBE, BATON_PROBE_OUT: out } });
  const app = await harness.start();
  await app.ready();
  await expect.poll(() => readProbe(out).portEcho !== undefined && readProbe(out).page !== undefined, { timeout: 30_000 }).toBe(true);
  const probe = readProbe(out);

  expect(probe.windowBeforeReady).toBe('threw: Cannot create BrowserWindow before app is ready');
  expect(probe.registerAfterReady).toMatch(/^threw: .*before app is ready/);
  expect(probe.closeOrder).toEqual(['close', 'alive-after-prevented-close', 'closed']);

  const page = probe.page as Record<string, unknown>;
  expect(page.keys).toEqual(['add', 'callBack', 'date', 'eventsIsEmitter', 'fail', 'invoke', 'invokeMissing', 'later', 'map', 'nested', 'number', 'openPort', 'report', 'requireFs', 'text', 'thing']);
  expect(page).toMatchObject({
    text: 'hello',
    number: 42,
    nested: { list: [1, 'two', { three: 3 }] },
    dateIsDate: true,
    mapIsMap: true,
    thing: { a: 1, method: 'undefined', plainPrototype: true },
    requireFs: 'module not found: fs',
    eventsIsEmitter: true,
    add: 5,
    fail: 'preload says no',
    later: { doubled: 42, again: 2 },
    callBack: 'FROM PRELOAD',
    invoke: { got: { n: 1 }, senderIsMainFrame: true, senderUrl: 'probe://probe/index.html', mapArrived: true },
    globals: [],
    keptExposed: true,
    port: { message: { hello: true }, portIsMessagePort: '[object MessagePort]' },
  });
  expect(String(page.invokeMissing)).toContain("No handler registered for 'probe:nobody'");
  expect(probe.portEcho).toEqual({ isMap: true, k: 'v', isDate: true });

  // A reload is a new document: the old port's main end hears 'close'.
  const window = await windowOf(app);
  expect(probe.portClosed).toBeUndefined();
  await window.reload();
  await expect.poll(() => readProbe(out).portClosed, { timeout: 15_000 }).toBe(true);
});
