/**
 * Numbers everything the host pushes, per launch, and keeps the latest events for catch-up. It is
 * the core's GatewayEventSink: gateway events and update states come in, numbered event frames go
 * out to every subscribed connection. A front end that reconnects to the same launch gets exactly
 * the events it missed; one that reconnects to a new launch, or fell further behind than the
 * buffer reaches, is told to resync (reload its state) instead.
 */
import { randomUUID } from 'node:crypto';
import type { Banner, GatewayEvent } from '../../../shared/gateway-events.ts';
import { pushEventSchema, type PushEvent, type UpdateState } from '../../../shared/protocol/contract.ts';
import type { GatewayEventSink } from '../ports.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

export interface EventFrame {
  type: 'event';
  instanceId: string;
  seq: number;
  event: PushEvent;
}

export interface EventHubOptions {
  /** Random per launch unless given (tests). */
  instanceId?: string;
  /** How many recent events a reconnecting front end can catch up on. */
  capacity?: number;
  /**
   * How much those events may weigh together (their JSON length). Count alone does not bound
   * memory: one event can carry a 200,000-character message, and 5,000 of them are a gigabyte.
   */
  maxBytes?: number;
  log?: Log;
}

export interface Subscription {
  instanceId: string;
  resync: boolean;
  lastSeq: number;
  /** Events the subscriber missed, oldest first; send them right after the subscription's answer. */
  replay: EventFrame[];
  /** Stops the live delivery. */
  detach: () => void;
}

export const DEFAULT_EVENT_BUFFER = 5_000;
/**
 * Half of what the WebSocket transport lets a front end fall behind before cutting it off
 * (ws-transport.ts, 16 MB): a full replay after a reconnect must fit, or the window would be cut
 * off while catching up, reconnect and ask for the same replay again.
 */
export const DEFAULT_EVENT_BUFFER_BYTES = 8 * 1024 * 1024;

export const IDLE_UPDATE_STATE: UpdateState = { state: 'idle', version: null, progress: null, error: null };

type StreamedText = Extract<GatewayEvent, { type: 'text-delta' | 'text-checkpoint' }>;

function isStreamedText(event: PushEvent): event is { channel: 'gateway'; event: StreamedText } {
  return event.channel === 'gateway' && (event.event.type === 'text-delta' || event.event.type === 'text-checkpoint');
}

/** A streamed-text event's JSON length, near enough for the replay budget, without serialising it. */
function streamedTextBytes(event: PushEvent): number {
  const text = (event as { event: StreamedText }).event;
  return STREAMED_TEXT_FIELDS_BYTES + text.laneKey.length + text.turnId.length + (text.type === 'text-delta' ? text.delta.length : 0);
}

/** `{"channel":"gateway","event":{"type":"text-delta","laneKey":"","turnId":"","seq":…,"offset":…,"delta":""}}` without its strings. */
const STREAMED_TEXT_FIELDS_BYTES = 120;

function bannerKey(banner: Banner): string {
  const scope = banner.kind === 'drain' ? banner.scope : '';
  const lane = 'laneKey' in banner ? banner.laneKey : '';
  return `${banner.kind}\u0000${scope}\u0000${lane}`;
}

export class EventHub implements GatewayEventSink {
  readonly instanceId: string;
  private readonly capacity: number;
  private readonly maxBytes: number;
  /** The replay buffer, oldest first from `head`: frames with their JSON length. */
  private readonly buffer: Array<{ frame: EventFrame; bytes: number } | undefined> = [];
  private head = 0;
  private bufferedBytes = 0;
  private seq = 0;
  private readonly listeners = new Set<(frame: EventFrame) => void>();
  private readonly latestBanners = new Map<string, Banner>();
  private updateState: UpdateState = IDLE_UPDATE_STATE;
  private readonly log: Log;

  constructor(options: EventHubOptions = {}) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.capacity = Math.max(1, Math.trunc(options.capacity ?? DEFAULT_EVENT_BUFFER));
    this.maxBytes = Math.max(1, Math.trunc(options.maxBytes ?? DEFAULT_EVENT_BUFFER_BYTES));
    this.log = options.log ?? defaultLog;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The update state a late front end should show. */
  get update(): UpdateState {
    return this.updateState;
  }

  /** The latest banner of each kind per lane (and the global drain banner), as last emitted. */
  recordedBanners(): Banner[] {
    return [...this.latestBanners.values()];
  }

  // GatewayEventSink: the core calls this for every gateway event.
  emit(event: GatewayEvent): void {
    if (event.type === 'banner') this.latestBanners.set(bannerKey(event.banner), event.banner);
    this.publish({ channel: 'gateway', event });
  }

  setUpdateState(state: UpdateState): void {
    this.updateState = state;
    this.publish({ channel: 'update', state });
  }

  /**
   * Numbers and fans out one event. An event that breaks the contract is logged and dropped before
   * it gets a number: every client would reject it, see a gap, and ask for it again forever (R1).
   * Streamed text is the exception: its events are built from a few typed numbers and strings
   * (turn-recorder.ts) and come hundreds a second, so checking each again here only costs time;
   * events carrying stored rows, lanes and banners are still checked.
   */
  publish(event: PushEvent): EventFrame | null {
    const streamed = isStreamedText(event);
    const checked = streamed ? null : pushEventSchema.safeParse(event);
    if (checked && !checked.success) {
      this.log(`Dropped an event that breaks the protocol contract: ${checked.error.message}`);
      return null;
    }
    this.seq += 1;
    const frame: EventFrame = { type: 'event', instanceId: this.instanceId, seq: this.seq, event };
    this.remember(frame, streamed);
    for (const listener of [...this.listeners]) {
      // One broken connection must not keep the others (or the turn that emitted) from going on.
      try {
        listener(frame);
      } catch (error) {
        this.log(`Could not deliver event ${frame.seq}: ${describeError(error)}`);
      }
    }
    return frame;
  }

  /** Keeps a frame for catch-up, dropping the oldest beyond the count or the byte budget (the newest always stays). */
  private remember(frame: EventFrame, streamed: boolean): void {
    const bytes = streamed ? streamedTextBytes(frame.event) : JSON.stringify(frame.event).length;
    this.buffer.push({ frame, bytes });
    this.bufferedBytes += bytes;
    while (this.buffer.length - this.head > 1 && (this.buffer.length - this.head > this.capacity || this.bufferedBytes > this.maxBytes)) {
      this.bufferedBytes -= this.buffer[this.head]!.bytes;
      this.buffer[this.head] = undefined;
      this.head += 1;
    }
    // Compact now and then instead of shifting on every event.
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Seq of the oldest event still buffered (seq + 1 when none is). */
  private get oldestBuffered(): number {
    return this.buffer[this.head]?.frame.seq ?? this.seq + 1;
  }

  /** Events after `afterSeq`, oldest first; null when the buffer no longer holds all of them. */
  since(afterSeq: number): EventFrame[] | null {
    if (!Number.isInteger(afterSeq) || afterSeq < 0 || afterSeq > this.seq) return null;
    if (afterSeq + 1 < this.oldestBuffered) return null;
    const frames: EventFrame[] = [];
    const start = this.head + (afterSeq + 1 - this.oldestBuffered);
    for (let index = start; index < this.buffer.length; index++) frames.push(this.buffer[index]!.frame);
    return frames;
  }

  /** Live delivery of every new event; returns the unsubscribe function. */
  listen(listener: (frame: EventFrame) => void): () => void {
    const entry = (frame: EventFrame) => listener(frame);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /**
   * `events.subscribe`: same launch and still buffered → replay what was missed; a different
   * launch or a gap the buffer cannot fill → resync. A first subscription (no instance id) starts
   * from now. Synchronous, so no event can fall between the replay and the live delivery.
   */
  subscribe(params: { instanceId?: string; afterSeq?: number }, deliver: (frame: EventFrame) => void): Subscription {
    let replay: EventFrame[] = [];
    let resync = false;
    if (params.instanceId !== undefined) {
      const missed = params.instanceId === this.instanceId ? this.since(params.afterSeq ?? 0) : null;
      if (missed) replay = missed;
      else resync = true;
    }
    const detach = this.listen(deliver);
    return { instanceId: this.instanceId, resync, lastSeq: this.seq, replay, detach };
  }
}
