/**
 * The front ends' side of the contract: typed calls and numbered push events over any Transport
 * (ENGINEERING.md §2). Every frame that arrives is validated (R1); a bad one is reported and
 * dropped, never thrown. When the transport drops, the client reconnects with backoff and asks
 * for the events it missed; when the host cannot replay them (it restarted, or its buffer moved
 * on) the connection reopens with `resync: true` and the UI reloads its state. Events are
 * delivered in sequence order, each at most once, and never with a silent gap.
 */
import { contract, isMethodName, serverFrameSchema, type ErrorCode, type MethodName, type Params, type PushEvent, type Result } from './contract.ts';
import type { Transport } from './transport.ts';
import { DisposableStore } from '../disposables.ts';
import { BatonError, describeError } from '../errors.ts';
import { defaultLog, type Log } from '../log.ts';

/** A request the gateway (or this client, for a request it could not send) refused, with its wire code. */
export class GatewayError extends BatonError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'GatewayError';
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventMeta {
  instanceId: string;
  seq: number;
}

export type EventListener = (event: PushEvent, meta: EventMeta) => void;
export type ConnectionListener = (state: ConnectionState, info: { resync: boolean }) => void;

export interface GatewayClientOptions {
  /** Opens a new transport; called again for every reconnect. */
  connect: () => Promise<Transport>;
  reconnect?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Where dropped frames and listener failures are reported; defaultLog by default. */
  log?: Log;
}

export const DEFAULT_RECONNECT = { baseDelayMs: 250, maxDelayMs: 5_000 } as const;

type SubscribeResult = Result<'events.subscribe'>;

interface Pending {
  method: MethodName;
  resolve: (value: unknown) => void;
  reject: (error: GatewayError) => void;
  /** Runs synchronously when the result arrives, before any later frame is handled. */
  onResult?: (value: unknown) => void;
}

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// shared/ compiles without DOM or Node types; both environments have these timers.
const timers = globalThis as unknown as Timers;

function responseIdOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const frame = raw as { type?: unknown; id?: unknown };
  return frame.type === 'response' && typeof frame.id === 'number' ? frame.id : null;
}

function preview(raw: unknown): string {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  } catch {
    text = String(raw);
  }
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

export class GatewayClient {
  private readonly options: GatewayClientOptions;
  private readonly log: Log;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private currentState: ConnectionState = 'connecting';
  private transport: Transport | null = null;
  /** What this client subscribed to on the current transport; undone when the transport is dropped. */
  private transportSubscriptions = new DisposableStore();
  /** Bumped for every connection attempt and on close; callbacks of older attempts do nothing. */
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private instanceId: string | null = null;
  private lastSeq = 0;
  /** Events are accepted only once this transport's subscription is answered. */
  private subscribed = false;
  private resubscribing = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private closedByUser = false;
  private startPromise: Promise<void> | null = null;
  private startWaiter: { resolve: () => void; reject: (error: GatewayError) => void } | null = null;
  private readonly eventListeners = new Set<EventListener>();
  private readonly connectionListeners = new Set<ConnectionListener>();

  constructor(options: GatewayClientOptions) {
    this.options = options;
    this.log = options.log ?? defaultLog;
    this.baseDelayMs = Math.max(1, options.reconnect?.baseDelayMs ?? DEFAULT_RECONNECT.baseDelayMs);
    this.maxDelayMs = Math.max(this.baseDelayMs, options.reconnect?.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /**
   * Connects and subscribes to events. Resolves once the connection is open; until then failed
   * attempts are retried with backoff (state `reconnecting`). Rejects only if `close()` comes first.
   */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    if (this.closedByUser) return Promise.reject(new GatewayError('UNAVAILABLE', 'The client is closed.'));
    this.startPromise = new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
    });
    this.setState('connecting', false);
    void this.connectOnce();
    return this.startPromise;
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return Promise.reject(new GatewayError('UNKNOWN_METHOD', `Unknown method ${String(method)}.`));
    }
    if (method === 'events.subscribe') {
      return Promise.reject(new GatewayError('INVALID_INPUT', 'events.subscribe is managed by the client itself.'));
    }
    const checked = contract[method].params.safeParse(params);
    if (!checked.success) {
      return Promise.reject(new GatewayError('INVALID_PARAMS', `Invalid params for ${method}: ${checked.error.message}`));
    }
    if (this.currentState !== 'open' || !this.transport) {
      return Promise.reject(new GatewayError('UNAVAILABLE', 'Not connected to Baton.'));
    }
    return this.request(this.transport, method, checked.data) as Promise<Result<M>>;
  }

  onEvent(listener: EventListener): () => void {
    if (this.closedByUser) return () => undefined;
    const entry: EventListener = (event, meta) => listener(event, meta);
    this.eventListeners.add(entry);
    return () => void this.eventListeners.delete(entry);
  }

  onConnection(listener: ConnectionListener): () => void {
    if (this.closedByUser) return () => undefined;
    const entry: ConnectionListener = (state, info) => listener(state, info);
    this.connectionListeners.add(entry);
    return () => void this.connectionListeners.delete(entry);
  }

  close(): void {
    if (this.closedByUser) return;
    this.closedByUser = true;
    this.generation += 1;
    if (this.retryTimer !== null) timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const transport = this.transport;
    this.dropTransport();
    transport?.close();
    this.failPending('The client was closed.');
    this.startWaiter?.reject(new GatewayError('UNAVAILABLE', 'The client was closed before it connected.'));
    this.startWaiter = null;
    this.setState('closed', false);
    // Nothing is delivered after 'closed': the listeners are let go so a closed client holds no UI.
    this.eventListeners.clear();
    this.connectionListeners.clear();
  }

  // ── connection ───────────────────────────────────────────────────────────────────────────

  private async connectOnce(): Promise<void> {
    const generation = ++this.generation;
    let transport: Transport;
    try {
      transport = await this.options.connect();
    } catch (error) {
      if (generation !== this.generation || this.closedByUser) return;
      this.log(`Could not connect to Baton: ${describeError(error)}`);
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation || this.closedByUser) {
      transport.close();
      return;
    }
    this.transport = transport;
    this.subscribed = false;
    const subscriptions = (this.transportSubscriptions = new DisposableStore());
    subscriptions.add(
      transport.onFrame((frame) => {
        if (generation === this.generation) this.handleFrame(frame);
      }),
    );
    subscriptions.add(
      transport.onClose(() => {
        if (generation === this.generation) this.handleClose();
      }),
    );
    try {
      await this.subscribe(transport);
    } catch (error) {
      if (generation !== this.generation || this.closedByUser || this.transport !== transport) return;
      // A host that cannot take the subscription is no use; drop it and try again later.
      this.log(`Baton refused the event subscription: ${describeError(error)}`);
      transport.close();
      return;
    }
    if (generation !== this.generation) return;
    this.attempt = 0;
    this.startWaiter?.resolve();
    this.startWaiter = null;
  }

  /**
   * Asks for the events after the last one delivered. The answer is applied synchronously when it
   * arrives, so the replayed events that follow it on the wire find the new position in place.
   */
  private subscribe(transport: Transport): Promise<unknown> {
    this.subscribed = false;
    const params = this.instanceId === null ? {} : { instanceId: this.instanceId, afterSeq: this.lastSeq };
    return this.request(transport, 'events.subscribe', params, (value) => {
      const result = value as SubscribeResult;
      const hadPosition = this.instanceId !== null;
      const moved = result.resync || result.instanceId !== this.instanceId;
      if (moved) {
        this.instanceId = result.instanceId;
        this.lastSeq = result.lastSeq;
      }
      this.subscribed = true;
      this.resubscribing = false;
      // A first connection has nothing to resync from: the UI loads its state after start().
      this.setState('open', hadPosition && moved);
    });
  }

  private handleClose(): void {
    this.dropTransport();
    this.failPending('The connection to Baton was lost.');
    if (this.closedByUser) return;
    this.setState('reconnecting', false);
    this.scheduleReconnect();
  }

  private dropTransport(): void {
    this.transportSubscriptions.dispose();
    this.transport = null;
    this.subscribed = false;
    this.resubscribing = false;
  }

  private scheduleReconnect(): void {
    if (this.closedByUser || this.retryTimer !== null) return;
    this.setState('reconnecting', false);
    const exponential = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.attempt, 16));
    // Jitter keeps many windows from reconnecting in lockstep after a host restart.
    const delay = exponential / 2 + Math.random() * (exponential / 2);
    this.attempt += 1;
    this.retryTimer = timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.closedByUser) void this.connectOnce();
    }, delay);
  }

  private setState(state: ConnectionState, resync: boolean): void {
    // `open` is announced again when a resync happens on an open connection.
    if (state === this.currentState && !(state === 'open' && resync)) return;
    this.currentState = state;
    for (const listener of [...this.connectionListeners]) {
      try {
        listener(state, { resync });
      } catch (error) {
        this.log(`A connection listener failed: ${describeError(error)}`);
      }
    }
  }

  // ── frames ───────────────────────────────────────────────────────────────────────────────

  private request(transport: Transport, method: MethodName, params: unknown, onResult?: (value: unknown) => void): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject, ...(onResult ? { onResult } : {}) });
      try {
        transport.send({ type: 'request', id, method, params });
      } catch (error) {
        this.pending.delete(id);
        reject(new GatewayError('UNAVAILABLE', `Could not send ${method}: ${describeError(error)}`));
      }
    });
  }

  private failPending(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(new GatewayError('UNAVAILABLE', message));
  }

  private handleFrame(raw: unknown): void {
    const parsed = serverFrameSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`Dropped an invalid frame from Baton: ${preview(raw)}`);
      // A broken answer to a request fails that request instead of leaving it waiting forever.
      const id = responseIdOf(raw);
      const pending = id === null ? undefined : this.pending.get(id);
      if (id !== null && pending) {
        this.pending.delete(id);
        pending.reject(new GatewayError('BAD_FRAME', `Baton sent an invalid response to ${pending.method}.`));
      }
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'event') {
      this.handleEvent(frame.instanceId, frame.seq, frame.event);
      return;
    }
    if (frame.id === null) {
      this.log(`Baton reported an error: ${frame.ok ? '' : `${frame.error.code}: ${frame.error.message}`}`);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) {
      this.log(`Dropped a response to an unknown request ${frame.id}.`);
      return;
    }
    this.pending.delete(frame.id);
    if (!frame.ok) {
      pending.reject(new GatewayError(frame.error.code, frame.error.message));
      return;
    }
    const result = (contract[pending.method].result as { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: Error } }).safeParse(frame.value);
    if (!result.success) {
      this.log(`Dropped an invalid ${pending.method} result: ${result.error.message}`);
      pending.reject(new GatewayError('BAD_FRAME', `Baton sent an invalid result for ${pending.method}.`));
      return;
    }
    try {
      pending.onResult?.(result.data);
    } catch (error) {
      this.log(`Handling the ${pending.method} result failed: ${describeError(error)}`);
    }
    pending.resolve(result.data);
  }

  private handleEvent(instanceId: string, seq: number, event: PushEvent): void {
    if (!this.subscribed || instanceId !== this.instanceId) return;
    if (seq <= this.lastSeq) return; // already delivered (a replay overlapping live events)
    if (seq !== this.lastSeq + 1) {
      // Never skip silently: ask again from the last delivered event.
      this.log(`Missed events ${this.lastSeq + 1}–${seq - 1}; asking Baton to replay them.`);
      this.resubscribeAfterGap();
      return;
    }
    this.lastSeq = seq;
    const meta = { instanceId, seq };
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event, meta);
      } catch (error) {
        this.log(`An event listener failed: ${describeError(error)}`);
      }
    }
  }

  private resubscribeAfterGap(): void {
    const transport = this.transport;
    if (this.resubscribing || !transport) return;
    this.resubscribing = true;
    this.subscribe(transport).catch((error: unknown) => {
      if (this.transport !== transport) return;
      this.log(`Could not catch up on missed events: ${describeError(error)}`);
      transport.close();
    });
  }
}
