import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../electron/core/agent/memory-secret-store.ts';
import { SettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { GatewayRuntime } from '../../../electron/core/runtime/gateway-runtime.ts';
import { messagePortTransport, type MainPort } from '../../../electron/shell/ipc/message-port-transport.ts';
import type { ExitReason } from '../../../shared/lifecycle.ts';
import { GatewayClient } from '../../../shared/protocol/client.ts';
import { TransportListeners, type Transport } from '../../../shared/protocol/transport.ts';

/** A MessageChannelMain stand-in: the main end is a MainPort, the window end a plain Transport. */
function portPair(): { main: MainPort; window: Transport } {
  const main = new EventEmitter() as EventEmitter & MainPort;
  const windowSide = new TransportListeners(() => {});
  main.postMessage = (message: unknown) => queueMicrotask(() => (message && (message as { $transport?: string }).$transport === 'close' ? windowSide.close() : windowSide.deliver(structuredClone(message))));
  main.start = () => {};
  main.close = () => {};
  const window: Transport = {
    send: (frame) => queueMicrotask(() => main.emit('message', { data: structuredClone(frame) })),
    onFrame: (listener) => windowSide.onFrame(listener),
    onClose: (listener) => windowSide.onClose(listener),
    close: () => {
      windowSide.close();
      main.emit('close');
    },
  };
  return { main, window };
}

const dirs: string[] = [];
let runtime: GatewayRuntime | null = null;
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function startRuntime(requests: ExitReason[] = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-runtime-'));
  dirs.push(dataDir);
  const started: string[] = [];
  runtime = new GatewayRuntime({
    dataDir,
    settings: SettingsStore.open({ dir: dataDir }),
    secrets: new MemorySecretStore(),
    version: '1.2.3',
    app: { performExit: () => {}, forceExit: () => {} },
    requestExit: (reason) => requests.push(reason),
    updateState: () => ({ state: 'ready', version: '2.0.0', progress: null, error: null }),
    onStarted: ({ hub }) => started.push(hub.instanceId),
    env: {},
    log: () => {},
  });
  await runtime.start();
  return { runtime, started, dataDir };
}

function connect(r: GatewayRuntime): GatewayClient {
  const client = new GatewayClient({
    connect: async () => {
      const { main, window } = portPair();
      r.accept(messagePortTransport(main));
      return window;
    },
    reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
    log: () => {},
  });
  return client;
}

describe('GatewayRuntime: the desktop gateway over a MessagePort transport', () => {
  it('serves the contract, with the update state and the version of this launch', async () => {
    const { runtime: r } = await startRuntime();
    const client = connect(r);
    await client.start();
    const status = await client.call('app.status', {});
    expect(status).toMatchObject({ version: '1.2.3', update: { state: 'ready', version: '2.0.0' }, draining: false });
    const lane = await client.call('lanes.create', { title: 'From the tray' });
    expect((await client.call('lanes.list', {})).map((l) => l.laneKey)).toContain(lane.laneKey);
    client.close();
  });

  it("the window's restart goes to the shell's requestExit (which may turn it into an update)", async () => {
    const requests: ExitReason[] = [];
    const { runtime: r } = await startRuntime(requests);
    const client = connect(r);
    await client.start();
    expect(await client.call('app.restart', {})).toEqual({ accepted: true });
    expect(requests).toEqual(['restart']);
    client.close();
  });

  it('L37: /restart typed in a conversation goes to the shell as well, not straight to a core drain', async () => {
    const requests: ExitReason[] = [];
    const { runtime: r } = await startRuntime(requests);
    await r.core.gateway.send('a', '/restart');
    expect(requests).toEqual(['restart']);
    expect(r.core.drain.draining).toBe(false);
  });

  it('a gateway restart (after a failed install) opens a fresh core and hub; windows reconnect and resync', async () => {
    const { runtime: r, started } = await startRuntime();
    const client = connect(r);
    const states: string[] = [];
    client.onConnection((state, info) => states.push(`${state}${info.resync ? ':resync' : ''}`));
    await client.start();
    await r.restart();
    expect(started).toHaveLength(2);
    expect(started[0]).not.toBe(started[1]);
    await expect.poll(() => states.includes('open:resync')).toBe(true);
    expect((await client.call('app.status', {})).instanceId).toBe(started[1]);
    client.close();
  });

  it('stop closes the store: running turns and backups need a started gateway', async () => {
    const { runtime: r } = await startRuntime();
    expect(r.runningTurns()).toBe(0);
    expect(fs.existsSync(await r.backupNow('pre-update'))).toBe(true);
    await r.stop();
    expect(r.started).toBe(false);
    expect(r.runningTurns()).toBe(0);
    expect(() => r.drain('quit')).toThrow(/not running/);
  });
});
