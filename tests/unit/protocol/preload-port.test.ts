/**
 * Explicit disposal (issue 9 item 7), the window's end: the preload's transport over a real
 * MessagePort (Node's, which has the same API and a `close` event) removes its port listeners when
 * it closes, whichever side closes it. Only the `electron` module is faked: contextBridge hands
 * the exposed API to the test, ipcRenderer answers the connect request with a real port.
 */
import type { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { CLOSE_SENTINEL, CONNECT_CHANNEL, PORT_CHANNEL } from '../../../electron/preload/channels.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  return { exposed, ipc: { current: null as null | (EventEmitter & { send(channel: string, request: unknown): void }) } };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const ipcRenderer = Object.assign(new Emitter(), {
    /** The main process: answers a connect request with one end of a fresh MessageChannel. */
    send(channel: string, request: { nonce: string }) {
      if (channel !== 'baton:connect') return;
      const { port1, port2 } = new MessageChannel();
      (ipcRenderer as unknown as { mainEnd: MessagePort }).mainEnd = port1;
      queueMicrotask(() => ipcRenderer.emit('baton:port', { ports: [port2] }, { nonce: request.nonce }));
    },
  });
  electron.ipc.current = ipcRenderer;
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (electron.exposed[key] = api) },
    ipcRenderer,
  };
});

async function connectThroughPreload(): Promise<{ transport: Transport; windowEnd: MessagePort; mainEnd: MessagePort }> {
  await import('../../../electron/preload/index.ts');
  const api = electron.exposed['baton'] as { connect(): Promise<Transport> };
  const ipc = electron.ipc.current!;
  let windowEnd: MessagePort | null = null;
  const capture = (event: { ports: MessagePort[] }) => (windowEnd = event.ports[0]!);
  ipc.prependListener(PORT_CHANNEL, capture);
  const transport = await api.connect();
  ipc.off(PORT_CHANNEL, capture);
  return { transport, windowEnd: windowEnd!, mainEnd: (ipc as unknown as { mainEnd: MessagePort }).mainEnd };
}

const portListeners = (port: MessagePort) => port.listenerCount('message') + port.listenerCount('close');

function closedOnce(transport: Transport): Promise<void> {
  return new Promise((resolve) => transport.onClose(resolve));
}

describe('preload port transport: no listener left on the port after close (issue 9 item 7)', () => {
  it('the window closes it: the port listeners are removed and the main end hears the sentinel', async () => {
    const { transport, windowEnd, mainEnd } = await connectThroughPreload();
    expect(electron.ipc.current!.listenerCount(CONNECT_CHANNEL)).toBe(0);
    expect(portListeners(windowEnd)).toBe(2);
    const heard = new Promise<unknown>((resolve) => mainEnd.once('message', (data: unknown) => resolve(data)));
    transport.close();
    expect(await heard).toEqual(CLOSE_SENTINEL);
    expect(portListeners(windowEnd)).toBe(0);
    mainEnd.close();
  });

  it('the main process sends the close sentinel: the transport closes and the port keeps no listener', async () => {
    const { transport, windowEnd, mainEnd } = await connectThroughPreload();
    const frames: unknown[] = [];
    transport.onFrame((frame) => frames.push(frame));
    const gone = closedOnce(transport);
    mainEnd.postMessage({ type: 'event', seq: 1 });
    mainEnd.postMessage(CLOSE_SENTINEL);
    await gone;
    expect(frames).toEqual([{ type: 'event', seq: 1 }]);
    expect(portListeners(windowEnd)).toBe(0);
    mainEnd.close();
  });

  it('the main end goes away: the port’s close event closes the transport and its listeners go', async () => {
    const { transport, windowEnd, mainEnd } = await connectThroughPreload();
    const gone = closedOnce(transport);
    mainEnd.close();
    await gone;
    expect(portListeners(windowEnd)).toBe(0);
    expect(electron.ipc.current!.listenerCount(PORT_CHANNEL)).toBe(0);
  });
});
