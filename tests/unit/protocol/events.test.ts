/**
 * Push events: numbered per launch, delivered in order, caught up exactly once after a reconnect
 * to the same launch, and replaced by a resync when the host restarted or its buffer moved on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import { GatewayClient, type ConnectionState, type EventMeta } from '../../../shared/protocol/client.ts';
import { createInMemoryTransportPair } from '../../../shared/protocol/in-memory-transport.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import { EventHub } from '../../../electron/core/protocol/event-hub.ts';
import { Recorder, ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

type Seen = { event: PushEvent; meta: EventMeta };
type Conn = { state: ConnectionState; resync: boolean };

function watch(client: GatewayClient): { events: Recorder<Seen>; connection: Recorder<Conn> } {
  const events = new Recorder<Seen>();
  const connection = new Recorder<Conn>();
  client.onEvent((event, meta) => events.push({ event, meta }));
  client.onConnection((state, info) => connection.push({ state, resync: info.resync }));
  return { events, connection };
}

const banner = (text: string): GatewayEvent => ({ type: 'banner', banner: { kind: 'session-reset', laneKey: 'x', previousSessionId: 'old', text } });
const texts = (seen: readonly Seen[]) => seen.map((s) => (s.event.channel === 'gateway' && s.event.event.type === 'banner' ? s.event.event.banner.text : '?'));

describe('event hub', () => {
  it('numbers events from 1 and replays exactly the buffered ones', () => {
    const hub = new EventHub({ capacity: 3, instanceId: 'launch-1' });
    expect(hub.since(0)).toEqual([]);
    for (const text of ['a', 'b', 'c', 'd']) hub.emit(banner(text));
    expect(hub.lastSeq).toBe(4);
    expect(hub.since(1)!.map((f) => f.seq)).toEqual([2, 3, 4]);
    expect(hub.since(3)!.map((f) => f.seq)).toEqual([4]);
    expect(hub.since(4)).toEqual([]);
    expect(hub.since(0)).toBeNull(); // event 1 has left the buffer
    expect(hub.since(5)).toBeNull(); // ahead of this launch: not ours
    expect(hub.subscribe({ instanceId: 'launch-1', afterSeq: 2 }, () => {})).toMatchObject({ resync: false, lastSeq: 4, replay: [{ seq: 3 }, { seq: 4 }] });
    expect(hub.subscribe({ instanceId: 'launch-0', afterSeq: 2 }, () => {})).toMatchObject({ resync: true, lastSeq: 4, replay: [] });
    expect(hub.subscribe({}, () => {})).toMatchObject({ resync: false, lastSeq: 4, replay: [] });
  });

  it('a failing listener does not stop delivery to the others', () => {
    const logs: string[] = [];
    const hub = new EventHub({ log: (m) => logs.push(m) });
    const got: number[] = [];
    hub.listen(() => {
      throw new Error('socket gone');
    });
    hub.listen((frame) => got.push(frame.seq));
    hub.emit(banner('a'));
    expect(got).toEqual([1]);
    expect(logs[0]).toContain('socket gone');
  });
});

describe('events over the protocol', () => {
  it('events arrive numbered, in order, with the instance id of the launch', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { events } = watch(client);
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ text: 'one two three', chunks: 3 }] });
    await client.call('message.send', { laneKey, text: 'go' });
    await harness.core.gateway.whenIdle();
    const last = await events.waitFor((s) => s.meta.seq === harness!.hub.lastSeq);
    expect(last.meta.instanceId).toBe(harness.hub.instanceId);
    expect(events.items.map((s) => s.meta.seq)).toEqual(Array.from({ length: harness.hub.lastSeq }, (_, i) => i + 1));
  });

  it('after a reconnect to the same launch, missed events are delivered exactly once and without a resync', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { events, connection } = watch(client);
    harness.hub.emit(banner('before'));
    await events.waitFor((s) => s.meta.seq === 1);

    const reconnecting = connection.next((c) => c.state === 'reconnecting');
    harness.dropConnections();
    await reconnecting;
    harness.hub.emit(banner('missed 1'));
    harness.hub.emit(banner('missed 2'));
    const open = await connection.next((c) => c.state === 'open');
    expect(open.resync).toBe(false);
    harness.hub.emit(banner('after'));
    await events.waitFor((s) => s.meta.seq === 4);
    expect(texts(events.items)).toEqual(['before', 'missed 1', 'missed 2', 'after']);
    expect(events.items.map((s) => s.meta.seq)).toEqual([1, 2, 3, 4]);
  });

  it('after the host restarts (a new launch), the client reopens with resync: true and takes the new numbering', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const { events, connection } = watch(client);
    harness.hub.emit(banner('old launch'));
    await events.waitFor((s) => s.meta.seq === 1);
    const oldInstance = harness.hub.instanceId;

    const reopened = connection.next((c) => c.state === 'open');
    await harness.relaunch();
    expect(await reopened).toEqual({ state: 'open', resync: true });
    expect(harness.hub.instanceId).not.toBe(oldInstance);
    harness.hub.emit(banner('new launch'));
    const fresh = await events.waitFor((s) => s.meta.instanceId === harness!.hub.instanceId);
    expect(fresh.meta.seq).toBe(harness.hub.lastSeq);
    expect((await client.call('app.status', {})).instanceId).toBe(harness.hub.instanceId);
  });

  it('when the buffer no longer covers the gap, the client resyncs instead of skipping events silently', async () => {
    harness = await ServiceHarness.start({ bufferCapacity: 2 });
    const client = await harness.client();
    const { events, connection } = watch(client);
    harness.hub.emit(banner('seen'));
    await events.waitFor((s) => s.meta.seq === 1);
    const reconnecting = connection.next((c) => c.state === 'reconnecting');
    harness.dropConnections();
    await reconnecting;
    for (const text of ['lost 1', 'lost 2', 'lost 3']) harness.hub.emit(banner(text));
    expect(await connection.next((c) => c.state === 'open')).toEqual({ state: 'open', resync: true });
    harness.hub.emit(banner('live'));
    await events.waitFor((s) => s.meta.seq === 5);
    expect(texts(events.items)).toEqual(['seen', 'live']);
  });

  it('two clients each get every event once', async () => {
    harness = await ServiceHarness.start();
    const a = watch(await harness.client());
    const b = watch(await harness.client());
    for (const text of ['x', 'y']) harness.hub.emit(banner(text));
    await a.events.waitFor((s) => s.meta.seq === 2);
    await b.events.waitFor((s) => s.meta.seq === 2);
    expect(texts(a.events.items)).toEqual(['x', 'y']);
    expect(texts(b.events.items)).toEqual(['x', 'y']);
  });
});

describe('client sequencing against a hand-played host', () => {
  function host(): { connect: () => Promise<Transport>; ends: Recorder<Transport> } {
    const ends = new Recorder<Transport>();
    return {
      connect: async () => {
        const [client, end] = createInMemoryTransportPair();
        ends.push(end);
        return client;
      },
      ends,
    };
  }
  const event = (seq: number, text: string) => ({ type: 'event', instanceId: 'i-1', seq, event: { channel: 'gateway', event: banner(text) } });

  it('drops duplicates and stale-instance events; a gap makes it ask for a replay from the last delivered event', async () => {
    const h = host();
    const client = new GatewayClient({ connect: h.connect, log: () => {} });
    const { events } = watch(client);
    const starting = client.start();
    const end = await h.ends.waitFor(() => true);
    const subscriptions = new Recorder<{ id: number; params: unknown }>();
    end.onFrame((frame) => {
      const request = frame as { id: number; method: string; params: unknown };
      if (request.method !== 'events.subscribe') return;
      subscriptions.push(request);
      end.send({ type: 'response', id: request.id, ok: true, value: { instanceId: 'i-1', resync: false, lastSeq: 0 } });
    });
    await starting;

    end.send(event(1, 'one'));
    end.send(event(1, 'one again'));
    end.send({ ...event(2, 'other launch'), instanceId: 'i-0' });
    end.send(event(3, 'three, after a gap'));
    await subscriptions.waitFor(() => subscriptions.size >= 2);
    expect(subscriptions.items[1]!.params).toEqual({ instanceId: 'i-1', afterSeq: 1 });
    end.send(event(2, 'two'));
    end.send(event(3, 'three'));
    await events.waitFor((s) => s.meta.seq === 3);
    expect(texts(events.items)).toEqual(['one', 'two', 'three']);
    client.close();
  });

  it('retries a host that is not there yet, with backoff, and resolves start() once connected', async () => {
    let attempts = 0;
    const h = host();
    const client = new GatewayClient({
      connect: async () => {
        attempts += 1;
        if (attempts < 3) throw new Error('connection refused');
        return h.connect();
      },
      reconnect: { baseDelayMs: 1, maxDelayMs: 4 },
      log: () => {},
    });
    const { connection } = watch(client);
    expect(client.state).toBe('connecting');
    const starting = client.start();
    const end = await h.ends.waitFor(() => true);
    end.onFrame((frame) => {
      const request = frame as { id: number };
      end.send({ type: 'response', id: request.id, ok: true, value: { instanceId: 'i-1', resync: false, lastSeq: 7 } });
    });
    await starting;
    expect(attempts).toBe(3);
    expect(connection.items.map((c) => c.state)).toEqual(['reconnecting', 'open']);
    client.close();
    expect(connection.items.at(-1)).toEqual({ state: 'closed', resync: false });
  });
});
