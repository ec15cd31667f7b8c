/**
 * R1: whatever crosses the boundary, in either direction, is validated; a bad frame gets a typed
 * error (server) or is dropped with a warning (client), and both sides keep working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError } from '../../../shared/protocol/client.ts';
import { createInMemoryTransportPair } from '../../../shared/protocol/in-memory-transport.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import { Recorder } from '../../support/recorder.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** A raw connection to the real server: send anything, read the frames that come back. */
async function rawConnection(h: ServiceHarness): Promise<{ send: (frame: unknown) => void; frames: Recorder<Record<string, unknown>> }> {
  const transport = await h.connect();
  const frames = new Recorder<Record<string, unknown>>();
  transport.onFrame((frame) => frames.push(frame as Record<string, unknown>));
  return { send: (frame) => transport.send(frame), frames };
}

const response = (id: number | null) => (frame: Record<string, unknown>) => frame.type === 'response' && frame.id === id;

describe('R1: the server answers bad frames with typed errors and keeps serving', () => {
  it('non-JSON text, wrong shapes, unknown methods and invalid params each get their error code', async () => {
    harness = await ServiceHarness.start();
    const { send, frames } = await rawConnection(harness);

    send('{"type": "request", "id": 1, "method": "lanes.list"'); // what a WebSocket delivers for broken JSON
    expect(await frames.next(response(null))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });

    send({ hello: 'world' });
    expect(await frames.next(response(null))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });

    send({ type: 'request', id: 7, method: 42, params: {} });
    expect(await frames.next(response(7))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });

    send({ type: 'request', id: 8, method: 'lanes.destroyAll', params: {} });
    expect(await frames.next(response(8))).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD', message: expect.stringContaining('lanes.destroyAll') } });

    send({ type: 'request', id: 9, method: 'toString', params: {} });
    expect(await frames.next(response(9))).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });

    send({ type: 'request', id: 10, method: 'message.send', params: { laneKey: 'a', text: '' } });
    expect(await frames.next(response(10))).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS', message: expect.stringContaining('text') } });

    send({ type: 'request', id: 11, method: 'message.send', params: 'hello' });
    expect(await frames.next(response(11))).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });

    // L32: a client message id is short and URL-safe; anything else is refused before the gateway.
    send({ type: 'request', id: 13, method: 'message.send', params: { laneKey: 'a', text: 'hi', clientMessageId: 'x'.repeat(65) } });
    expect(await frames.next(response(13))).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS', message: expect.stringContaining('client message id') } });
    send({ type: 'request', id: 14, method: 'message.send', params: { laneKey: 'a', text: 'hi', clientMessageId: '../../etc' } });
    expect(await frames.next(response(14))).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });

    send({ type: 'request', id: 12, method: 'transcript.get', params: { laneKey: 'a', afterSeq: -1 } });
    expect(await frames.next(response(12))).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });

    // Valid by the schema, refused by the gateway: whitespace is not a message.
    send({ type: 'request', id: 100, method: 'lanes.create', params: {} });
    const created = (await frames.next(response(100))) as { value: { laneKey: string } };
    send({ type: 'request', id: 13, method: 'message.send', params: { laneKey: created.value.laneKey, text: '   ' } });
    expect(await frames.next(response(13))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'A message cannot be empty.' } });

    send(null);
    expect(await frames.next(response(null))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });

    // Still serving, on the same connection.
    send({ type: 'request', id: 14, method: 'lanes.list', params: {} });
    expect(await frames.next(response(14))).toEqual({ type: 'response', id: 14, ok: true, value: [created.value] });
    // The contract requires params, even empty ones; the id is still echoed so the caller can match it.
    send({ type: 'request', id: 15, method: 'app.status' });
    expect(await frames.next(response(15))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME', message: expect.stringContaining('params') } });
    send({ type: 'request', id: 16, method: 'app.status', params: {} });
    expect(await frames.next(response(16))).toMatchObject({ ok: true, value: { instanceId: harness.hub.instanceId } });
  });

  it('a store closed under a request (the process is exiting) answers UNAVAILABLE, not a crash', async () => {
    harness = await ServiceHarness.start();
    const { send, frames } = await rawConnection(harness);
    harness.core.store.close();
    send({ type: 'request', id: 1, method: 'lanes.list', params: {} });
    expect(await frames.next(response(1))).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

/** A fake host: the test plays the server's side of one transport by hand. */
function fakeHost(): { connect: () => Promise<Transport>; server: Recorder<Transport> } {
  const server = new Recorder<Transport>();
  return {
    connect: async () => {
      const [client, end] = createInMemoryTransportPair();
      server.push(end);
      return client;
    },
    server,
  };
}

/** Answers requests on `end` with `answer(frame)`; returns the requests seen. */
function serve(end: Transport, answer: (request: { id: number; method: string; params: unknown }) => unknown): Recorder<{ id: number; method: string; params: unknown }> {
  const requests = new Recorder<{ id: number; method: string; params: unknown }>();
  end.onFrame((frame) => {
    const request = frame as { id: number; method: string; params: unknown };
    requests.push(request);
    const reply = answer(request);
    if (reply !== undefined) end.send(reply);
  });
  return requests;
}

const subscribed = (id: number) => ({ type: 'response', id, ok: true, value: { instanceId: 'i-1', resync: false, lastSeq: 0 } });

describe('R1: the client drops invalid frames and reports them, never throws', () => {
  it('drops non-frames, rejects a malformed response with BAD_FRAME and keeps working', async () => {
    const host = fakeHost();
    const warnings = new Recorder<string>();
    const client = new GatewayClient({ connect: host.connect, log: warnings.push });
    const starting = client.start();
    const end = await host.server.waitFor(() => true);
    const requests = serve(end, (request) => {
      if (request.method === 'events.subscribe') return subscribed(request.id);
      if (request.method === 'lanes.list') return { type: 'response', id: request.id, ok: true, value: [{ laneKey: 42 }] };
      if (request.method === 'turn.stop') return { type: 'response', id: request.id, ok: true, value: { stopped: true } };
      return undefined;
    });
    await starting;
    const events = new Recorder<unknown>();
    client.onEvent((event) => events.push(event));

    end.send('not json at all');
    end.send({ type: 'event', instanceId: 'i-1', seq: 1, event: { channel: 'gateway', event: { type: 'nonsense' } } });
    end.send({ type: 'response', id: 'x', ok: true });
    await warnings.waitFor((w) => w.includes('"id":"x"'));
    expect(warnings.items.filter((w) => w.startsWith('Dropped an invalid frame'))).toHaveLength(3);

    const bad = await client.call('lanes.list', {}).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GatewayError);
    expect(bad).toMatchObject({ code: 'BAD_FRAME' });

    expect(await client.call('turn.stop', { laneKey: 'a' })).toEqual({ stopped: true });
    expect(events.items).toEqual([]);
    expect(client.state).toBe('open');
    expect(requests.items.map((r) => r.method)).toEqual(['events.subscribe', 'lanes.list', 'turn.stop']);
    client.close();
  });

  it('refuses invalid params before sending, passes server errors through with their code', async () => {
    const host = fakeHost();
    const client = new GatewayClient({ connect: host.connect, log: () => {} });
    const starting = client.start();
    const end = await host.server.waitFor(() => true);
    const requests = serve(end, (request) =>
      request.method === 'events.subscribe'
        ? subscribed(request.id)
        : { type: 'response', id: request.id, ok: false, error: { code: 'NOT_FOUND', message: 'No conversation x.' } },
    );
    await starting;

    const invalid = await client.call('message.send', { laneKey: '', text: 'hi' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'INVALID_PARAMS' });
    // @ts-expect-error: a JavaScript caller may pass any name
    expect(await client.call('no.such.method', {}).catch((e: unknown) => e)).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(requests.items.map((r) => r.method)).toEqual(['events.subscribe']);

    const notFound = await client.call('transcript.get', { laneKey: 'x' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(GatewayError);
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: 'No conversation x.' });
    client.close();
  });

  it('UNAVAILABLE while disconnected and for calls in flight when the connection drops', async () => {
    const host = fakeHost();
    const client = new GatewayClient({ connect: host.connect, log: () => {}, reconnect: { baseDelayMs: 60_000 } });
    expect(await client.call('lanes.list', {}).catch((e: unknown) => e)).toMatchObject({ code: 'UNAVAILABLE' });
    const starting = client.start();
    const end = await host.server.waitFor(() => true);
    serve(end, (request) => (request.method === 'events.subscribe' ? subscribed(request.id) : undefined));
    await starting;

    const inFlight = client.call('lanes.list', {});
    end.close();
    expect(await inFlight.catch((e: unknown) => e)).toMatchObject({ code: 'UNAVAILABLE' });
    expect(client.state).toBe('reconnecting');
    expect(await client.call('lanes.list', {}).catch((e: unknown) => e)).toMatchObject({ code: 'UNAVAILABLE' });
    client.close();
    expect(client.state).toBe('closed');
  });
});
