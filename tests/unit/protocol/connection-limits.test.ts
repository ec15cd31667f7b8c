/**
 * Issue 14 item 5 at the protocol layer: one connection's backlog is bounded (reading pauses, then
 * BUSY), connections take turns instead of one draining its whole backlog first, and the replay
 * buffer is bounded by bytes as well as by count. The real ProtocolServer and GatewayService over
 * the real core (SQLite); the transport is a socket-like test double that hands over a burst of
 * frames in one synchronous read, as a WebSocket does with a chunk of pipelined frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_BUFFER_BYTES, EventHub } from '../../../electron/core/protocol/event-hub.ts';
import { DEFAULT_CONNECTION_LIMITS, ProtocolServer } from '../../../electron/core/protocol/protocol-server.ts';
import { TransportListeners, type Transport } from '../../../shared/protocol/transport.ts';
import { Recorder } from '../../support/recorder.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

interface Response {
  connection: string;
  id: number | null;
  ok: boolean;
  error?: { code: string; message: string };
}

/** The server's end of a socket: frames arrive in synchronous bursts; pause/resume are recorded. */
class SocketLikeTransport implements Transport {
  readonly flow: string[] = [];
  private readonly listeners = new TransportListeners(() => {});
  private readonly name: string;
  private readonly responses: Recorder<Response>;

  constructor(name: string, responses: Recorder<Response>) {
    this.name = name;
    this.responses = responses;
  }

  /** One read off the wire holding all these frames. */
  burst(frames: unknown[]): void {
    for (const frame of frames) this.listeners.deliver(JSON.parse(JSON.stringify(frame)) as unknown);
  }

  send(frame: unknown): void {
    const value = frame as Response & { type: string };
    if (value.type === 'response') this.responses.push({ connection: this.name, id: value.id, ok: value.ok, ...(value.error ? { error: value.error } : {}) });
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    return this.listeners.onFrame(listener);
  }

  onClose(listener: () => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): void {
    this.listeners.close();
  }

  pauseReading(): void {
    this.flow.push('pause');
  }

  resumeReading(): void {
    this.flow.push('resume');
  }
}

const request = (id: number, method: string, params: unknown = {}) => ({ type: 'request', id, method, params });

describe('issue 14 item 5: bounded work per connection (R1)', () => {
  it('a connection that pipelines past the limit stops being read, and what it had already sent beyond the bound is refused with BUSY', async () => {
    harness = await ServiceHarness.start();
    const server = new ProtocolServer({ service: harness.service, hub: harness.hub });
    const responses = new Recorder<Response>();
    const socket = new SocketLikeTransport('flood', responses);
    server.accept(socket);

    const { maxUnanswered, pauseReadingAt } = DEFAULT_CONNECTION_LIMITS;
    const count = maxUnanswered + 44;
    socket.burst(Array.from({ length: count }, (_, i) => request(i + 1, 'lanes.list')));
    await responses.waitFor(() => responses.size === count);

    const busy = responses.items.filter((r) => !r.ok);
    expect(busy.map((r) => r.id)).toEqual(Array.from({ length: count - maxUnanswered }, (_, i) => maxUnanswered + i + 1));
    expect(busy.every((r) => r.error?.code === 'BUSY' && /too many requests/i.test(r.error.message))).toBe(true);
    expect(responses.items.filter((r) => r.ok)).toHaveLength(maxUnanswered);
    // Reading paused once the backlog reached the limit and resumed once it had been worked off.
    expect(pauseReadingAt).toBeLessThan(maxUnanswered);
    expect(socket.flow).toEqual(['pause', 'resume']);

    // The connection keeps serving normally afterwards.
    socket.burst([request(9_999, 'app.status')]);
    expect(await responses.waitFor((r) => r.id === 9_999)).toMatchObject({ ok: true });
  });

  it('another connection is answered while a long backlog on the first is still being worked through', async () => {
    harness = await ServiceHarness.start();
    const server = new ProtocolServer({ service: harness.service, hub: harness.hub });
    const responses = new Recorder<Response>();
    const flood = new SocketLikeTransport('flood', responses);
    const other = new SocketLikeTransport('other', responses);
    server.accept(flood);
    server.accept(other);

    flood.burst(Array.from({ length: 200 }, (_, i) => request(i + 1, 'lanes.list')));
    other.burst([request(1, 'app.status')]);
    await responses.waitFor((r) => r.connection === 'flood' && r.id === 200);

    const position = responses.items.findIndex((r) => r.connection === 'other');
    expect(responses.items[position]).toMatchObject({ ok: true });
    // Turn-taking: the other window waits for a few of the flood's answers, never for all 200.
    expect(position).toBeLessThan(10);
  });
});

describe('issue 14 item 5: the replay buffer is bounded by bytes as well as count', () => {
  const bigBanner = (i: number) => ({
    type: 'banner' as const,
    banner: { kind: 'session-reset' as const, laneKey: `lane-${i}`, previousSessionId: 'old', text: `${i} ${'x'.repeat(200_000)}` },
  });

  it('events carrying 200,000 characters each are kept only up to the byte budget; a subscriber behind it is told to resync', () => {
    const hub = new EventHub({ log: () => {} });
    for (let i = 1; i <= 200; i++) hub.emit(bigBanner(i));

    expect(hub.since(0)).toBeNull();
    const kept = hub.since(hub.lastSeq - 10);
    expect(kept?.map((f) => f.seq)).toEqual(Array.from({ length: 10 }, (_, i) => hub.lastSeq - 9 + i));
    let oldest = hub.lastSeq;
    while (oldest > 1 && hub.since(oldest - 2) !== null) oldest -= 1;
    const bytes = hub.since(oldest - 1)!.reduce((sum, f) => sum + JSON.stringify(f.event).length, 0);
    expect(bytes).toBeLessThanOrEqual(DEFAULT_EVENT_BUFFER_BYTES);
    expect(bytes).toBeGreaterThan(DEFAULT_EVENT_BUFFER_BYTES / 2);

    const behind = hub.subscribe({ instanceId: hub.instanceId, afterSeq: 1 }, () => {});
    expect(behind).toMatchObject({ resync: true, replay: [] });
    behind.detach();
    const recent = hub.subscribe({ instanceId: hub.instanceId, afterSeq: hub.lastSeq - 3 }, () => {});
    expect(recent.resync).toBe(false);
    expect(recent.replay.map((f) => f.seq)).toEqual([hub.lastSeq - 2, hub.lastSeq - 1, hub.lastSeq]);
    recent.detach();
  });

  it('a single event larger than the budget is still kept as the newest, and the count limit still applies', () => {
    const hub = new EventHub({ capacity: 3, maxBytes: 1_000, log: () => {} });
    hub.emit(bigBanner(1));
    expect(hub.since(0)?.map((f) => f.seq)).toEqual([1]);
    for (let i = 0; i < 5; i++) hub.setUpdateState({ state: 'checking', version: null, progress: null, error: null });
    expect(hub.since(hub.lastSeq - 3)?.map((f) => f.seq)).toEqual([4, 5, 6]);
    expect(hub.since(2)).toBeNull();
  });
});
