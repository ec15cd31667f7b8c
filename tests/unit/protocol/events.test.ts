/**
 * Push events: numbered per launch, delivered in order, caught up exactly once after a reconnect
 * to the same launch, and replaced by a resync when the host restarted or its buffer moved on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TurnRecorder } from '../../../electron/core/gateway/turn-recorder.ts';
import { LiveTurn } from '../../../electron/core/gateway/turn-registry.ts';
import type { AppState } from '../../../renderer/src/state/app-state.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import type { AssistantItem } from '../../../renderer/src/state/transcript-model.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import { GatewayClient, type ConnectionState, type EventMeta } from '../../../shared/protocol/client.ts';
import { createInMemoryTransportPair } from '../../../shared/protocol/in-memory-transport.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import { EventHub } from '../../../electron/core/protocol/event-hub.ts';
import { Recorder } from '../../support/recorder.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: ServiceHarness | null = null;
let core: CoreHarness | null = null;
afterEach(() => {
  vi.useRealTimers();
  harness?.cleanup();
  harness = null;
  core?.cleanup();
  core = null;
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

  it('R1: an event that breaks the contract is dropped before it gets a number; streamed text is taken as typed', () => {
    const logs: string[] = [];
    const hub = new EventHub({ log: (m) => logs.push(m) });
    hub.emit({ type: 'banner', banner: { kind: 'suspended', laneKey: 'x', failures: 'three' } } as unknown as GatewayEvent);
    expect(hub.lastSeq).toBe(0);
    expect(logs[0]).toContain('breaks the protocol contract');
    hub.emit({ type: 'text-delta', laneKey: 'x', turnId: 't', seq: 7, offset: 3, delta: 'lo' });
    hub.emit({ type: 'text-checkpoint', laneKey: 'x', turnId: 't', seq: 7, length: 5 });
    expect(hub.since(0)!.map((f) => f.seq)).toEqual([1, 2]);
  });

  it('streamed text counts against the replay budget by its size', () => {
    const hub = new EventHub({ capacity: 1_000, maxBytes: 4_000, log: () => {} });
    for (let i = 0; i < 100; i++) hub.emit({ type: 'text-delta', laneKey: 'x', turnId: 't', seq: 7, offset: i * 100, delta: 'x'.repeat(100) });
    expect(hub.since(0)).toBeNull(); // the oldest pieces left the buffer
    expect(hub.since(hub.lastSeq - 10)).toHaveLength(10);
    let oldest = hub.lastSeq;
    while (oldest > 0 && hub.since(oldest - 1) !== null) oldest -= 1;
    // What the kept pieces really weigh as JSON: about the budget, estimated without serialising them.
    const bytes = (hub.lastSeq - oldest) * JSON.stringify({ channel: 'gateway', event: { type: 'text-delta', laneKey: 'x', turnId: 't', seq: 7, offset: 9900, delta: 'x'.repeat(100) } }).length;
    expect(bytes).toBeLessThanOrEqual(4_000 + 300);
    expect(bytes).toBeGreaterThan(4_000 - 600);
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

describe('streamed text over the protocol (issue 9 item 9)', () => {
  /** The renderer's store over the real client, as a window runs it. */
  async function windowOn(h: ServiceHarness, options: { dropDelta?: (event: Extract<GatewayEvent, { type: 'text-delta' }>) => boolean } = {}) {
    const client = await h.client();
    const calls = new Recorder<string>();
    const port = {
      call: ((method, params) => {
        calls.push(method);
        return client.call(method, params);
      }) as typeof client.call,
      onConnection: client.onConnection.bind(client),
      get state() {
        return client.state;
      },
      // A frame lost where no sequence number can tell (the test's stand-in for any way a piece goes missing).
      onEvent: (listener: Parameters<typeof client.onEvent>[0]) =>
        client.onEvent((event, meta) => {
          if (event.channel === 'gateway' && event.event.type === 'text-delta' && options.dropDelta?.(event.event)) return;
          listener(event, meta);
        }),
    };
    const store = new AppStore(port);
    store.start();
    const until = (done: (state: AppState) => boolean): Promise<AppState> =>
      new Promise((resolve) => {
        if (done(store.getState())) return resolve(store.getState());
        const off = store.subscribe(() => {
          if (!done(store.getState())) return;
          off();
          resolve(store.getState());
        });
      });
    const answer = (state: AppState): AssistantItem | undefined => {
      const slot = state.transcript;
      if (slot.status !== 'ready') return undefined;
      return slot.model.items.findLast((item): item is AssistantItem => item.type === 'assistant');
    };
    await until((state) => state.connection.state === 'open' && state.app !== null);
    return { client, store, until, answer, calls };
  }

  function storedAnswer(h: ServiceHarness, laneKey: string): string {
    const events = h.core.store.listEvents(h.core.store.getLane(laneKey)!.sessionId);
    return events.findLast((e) => e.kind === 'assistant_text')!.payload.text as string;
  }

  it('a window opened mid-answer gets every piece sent before it looked exactly once, and goes on streaming without a fetch', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    const w = await windowOn(h);
    const { laneKey } = await w.client.call('lanes.create', {});
    h.agents.script(laneKey, { steps: [{ text: 'Alpha beta gamma', chunks: 3 }, { gate: 'opened' }, { text: ' delta epsilon', chunks: 2 }, { gate: 'more' }] });
    await w.client.call('message.send', { laneKey, text: 'go' });
    await h.agents.reached.waitFor(1, (gate) => gate === 'opened');

    // Two of the three pieces went out as deltas nobody showed; the store has only the first (no flush yet).
    w.store.openLane(laneKey);
    await w.until((state) => w.answer(state)?.text === 'Alpha beta gamma');
    h.agents.release('opened');
    await h.agents.reached.waitFor(1, (gate) => gate === 'more');
    const streaming = await w.until((state) => w.answer(state)?.text === 'Alpha beta gamma delta epsilon');
    expect(streaming.transcript.status === 'ready' && streaming.transcript.model.missingText).toBeNull();
    expect(w.answer(streaming)?.streaming).toBe(true);
    expect(w.calls.items.filter((m) => m === 'transcript.get')).toHaveLength(1);
    h.agents.release('more');
    await w.until((state) => w.answer(state)?.final === true);
    expect(w.answer(w.store.getState())?.text).toBe(storedAnswer(h, laneKey));
  });

  it('a window that reconnects mid-answer catches up from the replay and ends with the exact text', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    const w = await windowOn(h);
    const { laneKey } = await w.client.call('lanes.create', {});
    w.store.openLane(laneKey);
    await w.until((state) => state.transcript.status === 'ready');
    h.agents.script(laneKey, { steps: [{ text: 'One two three ', chunks: 3 }, { gate: 'dropped' }, { text: 'four five six', chunks: 3 }, { gate: 'back' }] });
    await w.client.call('message.send', { laneKey, text: 'go' });
    await h.agents.reached.waitFor(1, (gate) => gate === 'dropped');
    await w.until((state) => w.answer(state)?.text === 'One two three ');

    const seen = new Recorder<string>();
    w.client.onConnection((state) => seen.push(state));
    h.dropConnections();
    await seen.waitFor((state) => state === 'reconnecting');
    h.agents.release('dropped'); // these pieces stream while the window is away
    await h.agents.reached.waitFor(1, (gate) => gate === 'back');
    const back = await w.until((state) => w.answer(state)?.text === 'One two three four five six');
    expect(back.transcript.status === 'ready' && back.transcript.model.missingText).toBeNull();
    expect(w.calls.items.filter((m) => m === 'transcript.get')).toHaveLength(1); // the replay, not a fetch
    h.agents.release('back');
    await w.until((state) => w.answer(state)?.final === true);
    expect(w.answer(w.store.getState())?.text).toBe(storedAnswer(h, laneKey));
  });

  for (const { lost, by } of [
    { lost: 'wo th', by: 'the next delta' },
    { lost: 'ree', by: 'the next checkpoint' },
  ]) {
    it(`a missed piece ("${lost}") is detected by ${by}, and the row is fetched again instead of shown with a hole`, async () => {
      harness = await ServiceHarness.start();
      const h = harness;
      let dropped = 0;
      const w = await windowOn(h, { dropDelta: (event) => event.delta === lost && ++dropped > 0 });
      const { laneKey } = await w.client.call('lanes.create', {});
      w.store.openLane(laneKey);
      await w.until((state) => state.transcript.status === 'ready');
      const loadsBefore = w.calls.items.filter((m) => m === 'transcript.get').length;
      // Pieces, a read apart: "one t" (the row), "wo th" (offset 5), "ree" (offset 10).
      h.agents.script(laneKey, { steps: [{ text: 'one two three', chunks: 3, chunkDelayMs: 1 }, { gate: 'streamed' }] });
      await w.client.call('message.send', { laneKey, text: 'go' });
      await h.agents.reached.waitFor(1, (gate) => gate === 'streamed');

      const mended = await w.until((state) => w.answer(state)?.text === 'one two three');
      expect(dropped).toBe(1);
      expect(mended.transcript.status === 'ready' && mended.transcript.model.missingText).toBeNull();
      expect(w.answer(mended)?.final).toBe(false); // mended while streaming, not by the final row
      expect(w.calls.items.filter((m) => m === 'transcript.get').length - loadsBefore).toBe(1);
      h.agents.release('streamed');
      await w.until((state) => w.answer(state)?.final === true);
      expect(w.answer(w.store.getState())?.text).toBe('one two three');
    });
  }
});

describe('bytes per answer (issue 9 item 9, issue 13)', () => {
  /** Streams `tokens` pieces at 200 a second (a fast real model) through the recorder into the hub; counts what goes on the wire. */
  function streamAnswer(h: CoreHarness, laneKey: string, tokens: number) {
    const store = h.core.store;
    const { sessionId } = store.ensureLane(laneKey);
    const turnId = `turn_01JBYTES${laneKey.slice(-8).padStart(18, '0')}`;
    store.beginTurn({ laneKey, turnId, trigger: 'message', userText: 'write a long answer' });
    const hub = new EventHub({ instanceId: '4b1f0c2e-7d1a-4c55-9a43-2f0e6b9d8c11' });
    let bytes = 0;
    let textChars = 0;
    hub.listen((frame) => {
      bytes += JSON.stringify(frame).length; // what the WebSocket transport sends
      const event = frame.event.channel === 'gateway' ? frame.event.event : null;
      if (event?.type === 'text-delta') textChars += event.delta.length;
      if (event?.type === 'transcript' && event.event.kind === 'assistant_text') textChars += event.event.payload.text.length;
    });
    const recorder = new TurnRecorder({ store, live: new LiveTurn(laneKey), sessionId, turnId, emit: (event) => hub.emit(event), log: () => {} });
    let length = 0;
    for (let i = 0; i < tokens; i++) {
      const token = ` w${i % 1000}`;
      recorder.text(token);
      length += token.length;
      vi.advanceTimersByTime(5);
    }
    recorder.close(true);
    return { bytes, textChars, length };
  }

  it('L26: a 20,000-token answer carries its text about twice (pieces, then the row once), and its bytes grow linearly', async () => {
    core = await CoreHarness.start();
    vi.useFakeTimers();
    const half = streamAnswer(core, 'lane_01JBYTES0000000000000HALF', 10_000);
    const full = streamAnswer(core, 'lane_01JBYTES0000000000000FULL', 20_000);
    // Before: every 250 ms flush re-sent the whole text so far, 400 times for this answer.
    expect(full.textChars).toBeLessThanOrEqual(2 * full.length + 10);
    // A frame's envelope (instance id, lane, turn, row, offset: about 270 bytes here) is the same for every piece.
    expect(full.bytes).toBeLessThanOrEqual(2 * full.length + 20_000 * 300);
    expect(full.bytes / half.bytes).toBeLessThan(2.1);
  });
});
