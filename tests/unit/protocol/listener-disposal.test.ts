/**
 * Explicit disposal (issue 9 item 7): every listener the protocol's ends add — on a transport, on
 * the event hub, on an Electron MessagePortMain — is removed when the connection closes, from
 * either side, and nothing is delivered after the close.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../../../electron/core/protocol/event-hub.ts';
import { messagePortTransport, type MainPort } from '../../../electron/shell/ipc/message-port-transport.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import { GatewayClient, type ConnectionState } from '../../../shared/protocol/client.ts';
import { createInMemoryTransportPair } from '../../../shared/protocol/in-memory-transport.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import { Recorder } from '../../support/recorder.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** A transport that counts the listeners its user added and has not removed yet. */
function counting(inner: Transport): Transport & { readonly live: number } {
  let live = 0;
  const track = (off: () => void) => {
    live += 1;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      live -= 1;
      off();
    };
  };
  return {
    send: (frame) => inner.send(frame),
    onFrame: (listener) => track(inner.onFrame(listener)),
    onClose: (listener) => track(inner.onClose(listener)),
    close: () => inner.close(),
    get live() {
      return live;
    },
  };
}

/** Counts the hub subscriptions that are live (made and not yet detached). */
function countHubSubscriptions(h: ServiceHarness): { readonly live: number } {
  let live = 0;
  const subscribe = h.hub.subscribe.bind(h.hub);
  h.hub.subscribe = (params, deliver): Subscription => {
    const subscription = subscribe(params, deliver);
    live += 1;
    let detached = false;
    return {
      ...subscription,
      detach: () => {
        if (!detached) live -= 1;
        detached = true;
        subscription.detach();
      },
    };
  };
  return {
    get live() {
      return live;
    },
  };
}

const banner = (text: string): GatewayEvent => ({ type: 'banner', banner: { kind: 'session-reset', laneKey: 'x', previousSessionId: 's0', text } });

/** Resolves once the transport has closed (close listeners run after frames already sent). */
function closed(transport: Transport): Promise<void> {
  return new Promise((resolve) => transport.onClose(resolve));
}

describe('protocol server: a connection undoes its subscriptions when it closes', () => {
  for (const [side, close] of [
    ['the front end closes', (_h: ServiceHarness, client: Transport) => client.close()],
    ['the server closes every connection', (h: ServiceHarness) => h.server.closeAll()],
  ] as const) {
    it(`${side}: no transport or hub listener is left, nothing is delivered after`, async () => {
      harness = await ServiceHarness.start();
      const hub = countHubSubscriptions(harness);
      const [client, serverEnd] = createInMemoryTransportPair();
      const server = counting(serverEnd);
      harness.server.accept(server);
      const frames = new Recorder<Record<string, unknown>>();
      client.onFrame((frame) => frames.push(frame as Record<string, unknown>));

      client.send({ type: 'request', id: 1, method: 'events.subscribe', params: {} });
      await frames.next((frame) => frame.type === 'response' && frame.id === 1);
      expect(server.live).toBe(2); // its frames and its close
      expect(hub.live).toBe(1);
      expect(harness.server.connectionCount).toBe(1);

      const gone = closed(client);
      close(harness, client);
      await gone;
      expect(server.live).toBe(0);
      expect(hub.live).toBe(0);
      expect(harness.server.connectionCount).toBe(0);
      const before = frames.size;
      harness.hub.emit(banner('after the close'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(frames.size).toBe(before);
    });
  }

  it('a second events.subscribe replaces the first subscription instead of adding one', async () => {
    harness = await ServiceHarness.start();
    const hub = countHubSubscriptions(harness);
    const [client, server] = createInMemoryTransportPair();
    harness.server.accept(server);
    const frames = new Recorder<Record<string, unknown>>();
    client.onFrame((frame) => frames.push(frame as Record<string, unknown>));
    for (const id of [1, 2]) {
      client.send({ type: 'request', id, method: 'events.subscribe', params: {} });
      await frames.next((frame) => frame.type === 'response' && frame.id === id);
    }
    expect(hub.live).toBe(1);
    harness.server.closeAll();
    expect(hub.live).toBe(0);
  });
});

describe('GatewayClient: close undoes every subscription it made', () => {
  it('its transport listeners go with each dropped transport and with close; nothing is delivered after close', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    const transports: Array<ReturnType<typeof counting>> = [];
    const client = new GatewayClient({
      connect: async () => {
        const transport = counting(await h.connect());
        transports.push(transport);
        return transport;
      },
      reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
      log: (m) => h.logs.push(m),
    });
    const states = new Recorder<ConnectionState>();
    const events = new Recorder<unknown>();
    client.onConnection((state) => states.push(state));
    client.onEvent((event) => events.push(event));
    await client.start();
    expect(transports.map((t) => t.live)).toEqual([2]);

    // The network drops: the old transport is let go, a new one is taken.
    h.dropConnections();
    await states.next((state) => state === 'open');
    expect(transports.map((t) => t.live)).toEqual([0, 2]);

    client.close();
    expect(transports.map((t) => t.live)).toEqual([0, 0]);
    expect(states.items.at(-1)).toBe('closed');
    const seen = { states: states.size, events: events.size };
    let late = 0;
    client.onEvent(() => (late += 1));
    client.onConnection(() => (late += 1));
    h.hub.emit(banner('after the close'));
    client.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect({ states: states.size, events: events.size, late }).toEqual({ ...seen, late: 0 });
  });
});

class FakeMainPort extends EventEmitter implements MainPort {
  closed = false;
  postMessage(): void {}
  start(): void {}
  close(): void {
    this.closed = true;
  }
}

describe('MessagePortMain transport (the desktop gateway end): the port keeps no listener after close', () => {
  it.each([
    ['the gateway closes it', (_port: FakeMainPort, transport: Transport) => transport.close()],
    ['the window goes away', (port: FakeMainPort) => port.emit('close')],
    ['the window sends the close sentinel', (port: FakeMainPort) => port.emit('message', { data: { $transport: 'close' } })],
  ] as const)('%s', (_name, end) => {
    const port = new FakeMainPort();
    const transport = messagePortTransport(port);
    const frames: unknown[] = [];
    transport.onFrame((frame) => frames.push(frame));
    expect(port.listenerCount('message') + port.listenerCount('close')).toBe(2);
    end(port, transport);
    expect(port.listenerCount('message')).toBe(0);
    expect(port.listenerCount('close')).toBe(0);
    port.emit('message', { data: { type: 'request', id: 1, method: 'app.status', params: {} } });
    expect(frames).toEqual([]);
  });
});
