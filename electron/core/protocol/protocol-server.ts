/**
 * The server end of every transport: one Connection per front end. Each frame is validated with
 * the contract (frame shape, method name, the method's params) and answered with
 * `{ok:true,value}` or `{ok:false,error:{code,message}}`; nothing a front end sends can crash the
 * host (R1). Results are checked against the contract too, so a bug shows as an INTERNAL error
 * rather than a frame the client would drop.
 */
import type { z } from 'zod';
import { clientFrameSchema, contract, isMethodName, type ErrorCode, type MethodName } from '../../../shared/protocol/contract.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import type { EventFrame, EventHub } from './event-hub.ts';
import type { GatewayService, ServiceMethod, ServiceParams } from './gateway-service.ts';
import { toErrorBody } from './service-errors.ts';
import { DisposableStore } from '../../../shared/disposables.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

export interface ConnectionLimits {
  /** Unanswered requests at which the connection stops reading from its transport (default 16). */
  pauseReadingAt: number;
  /** Unanswered requests beyond which further ones are refused with BUSY (default 256). */
  maxUnanswered: number;
}

/**
 * A front end has a handful of requests outstanding; these limits only bite a client that
 * pipelines thousands (issue 14: 5,000 on one socket took the host to 4 GB and starved the other
 * windows). Reading stops first, so a well-behaved but bursty client is slowed by the network; the
 * refusal covers what a socket had already read when it was paused.
 */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = { pauseReadingAt: 16, maxUnanswered: 256 };

export interface ProtocolServerOptions {
  service: GatewayService;
  hub: EventHub;
  log?: Log;
  limits?: Partial<ConnectionLimits>;
}

export interface Connection {
  readonly id: number;
  /** Closes the transport; the connection forgets its subscription. */
  close(): void;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'params'}: ${issue.message}`)
    .join('; ');
}

/** The request id of a frame that failed validation, when it has a usable one. */
function salvageId(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

class ProtocolConnection implements Connection {
  readonly id: number;
  private readonly transport: Transport;
  private readonly options: ProtocolServerOptions;
  private readonly log: Log;
  /** The live event subscription; a second `events.subscribe` replaces it. */
  private detachEvents: (() => void) | null = null;
  private closed = false;
  /** Everything this connection subscribed to, undone once when it closes from either side. */
  private readonly disposables = new DisposableStore();
  private readonly limits: ConnectionLimits;
  /** Frames received and not yet started, oldest first (at most `maxUnanswered`). */
  private readonly waiting: unknown[] = [];
  /** Frames received and not yet answered: the waiting ones and those being handled. */
  private unanswered = 0;
  private stepScheduled = false;
  private readingPaused = false;

  constructor(id: number, transport: Transport, options: ProtocolServerOptions, log: Log, onClosed: () => void) {
    this.id = id;
    this.transport = transport;
    this.options = options;
    this.log = log;
    const pauseReadingAt = Math.max(1, options.limits?.pauseReadingAt ?? DEFAULT_CONNECTION_LIMITS.pauseReadingAt);
    this.limits = { pauseReadingAt, maxUnanswered: Math.max(pauseReadingAt, options.limits?.maxUnanswered ?? DEFAULT_CONNECTION_LIMITS.maxUnanswered) };
    this.disposables.add(onClosed);
    this.disposables.add(() => {
      this.detachEvents?.();
      this.detachEvents = null;
      this.waiting.length = 0;
    });
    this.disposables.add(transport.onFrame((frame) => this.receive(frame)));
    this.disposables.add(transport.onClose(() => this.dispose()));
  }

  close(): void {
    this.dispose();
    this.transport.close();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.disposables.dispose();
  }

  private send(frame: unknown): void {
    if (this.closed) return;
    try {
      this.transport.send(frame);
    } catch (error) {
      this.log(`Connection ${this.id}: could not send a frame (${describeError(error)}); closing it.`);
      this.close();
    }
  }

  private fail(id: number | null, code: ErrorCode, message: string): void {
    this.send({ type: 'response', id, ok: false, error: { code, message } });
  }

  /**
   * Takes a frame off the transport. Nothing is handled here: frames wait in arrival order and are
   * handled one per turn of the event loop (`step`), so a connection with a long backlog takes
   * turns with every other connection and with I/O instead of holding the process until it is
   * through (issue 14 item 5).
   */
  private receive(raw: unknown): void {
    if (this.closed) return;
    if (this.unanswered >= this.limits.maxUnanswered) {
      this.fail(
        salvageId(raw),
        'BUSY',
        `Too many requests waiting for an answer on this connection (${this.limits.maxUnanswered}); send more once some are answered.`,
      );
      return;
    }
    this.unanswered += 1;
    this.waiting.push(raw);
    this.updateFlow();
    this.scheduleStep();
  }

  private scheduleStep(): void {
    if (this.stepScheduled || this.closed || this.waiting.length === 0) return;
    this.stepScheduled = true;
    setImmediate(() => {
      this.stepScheduled = false;
      this.step();
    });
  }

  private step(): void {
    if (this.closed || this.waiting.length === 0) return;
    const raw = this.waiting.shift();
    void this.handle(raw)
      .catch((error: unknown) => this.log(`Connection ${this.id}: a request could not be handled: ${describeError(error)}`))
      .finally(() => {
        this.unanswered -= 1;
        this.updateFlow();
      });
    this.scheduleStep();
  }

  /** Pauses reading at the limit, resumes once half of it has been answered. */
  private updateFlow(): void {
    if (this.closed) return;
    if (!this.readingPaused && this.unanswered >= this.limits.pauseReadingAt) {
      this.readingPaused = true;
      this.transport.pauseReading?.();
    } else if (this.readingPaused && this.unanswered <= Math.floor(this.limits.pauseReadingAt / 2)) {
      this.readingPaused = false;
      this.transport.resumeReading?.();
    }
  }

  private async handle(raw: unknown): Promise<void> {
    if (typeof raw === 'string') {
      this.fail(null, 'BAD_FRAME', 'A frame must be a JSON object; this one is not valid JSON.');
      return;
    }
    const frame = clientFrameSchema.safeParse(raw);
    if (!frame.success) {
      this.fail(salvageId(raw), 'BAD_FRAME', `Not a request frame: ${describeIssues(frame.error)}.`);
      return;
    }
    const { id, method } = frame.data;
    if (!isMethodName(method)) {
      this.fail(id, 'UNKNOWN_METHOD', `Unknown method "${method.slice(0, 100)}".`);
      return;
    }
    const params = contract[method].params.safeParse(frame.data.params);
    if (!params.success) {
      this.fail(id, 'INVALID_PARAMS', `Invalid params for ${method}: ${describeIssues(params.error)}.`);
      return;
    }
    if (method === 'events.subscribe') {
      this.subscribe(id, params.data as ServiceParams<'events.subscribe'>);
      return;
    }
    await this.answer(id, method, params.data as ServiceParams<typeof method>);
  }

  /**
   * Answer, then the missed events, then live ones, all in this one synchronous step so that no
   * event can slip between them. A second subscription replaces the first.
   */
  private subscribe(id: number, params: ServiceParams<'events.subscribe'>): void {
    this.detachEvents?.();
    const subscription = this.options.hub.subscribe(params, (frame: EventFrame) => this.send(frame));
    this.detachEvents = subscription.detach;
    this.send({
      type: 'response',
      id,
      ok: true,
      value: { instanceId: subscription.instanceId, resync: subscription.resync, lastSeq: subscription.lastSeq },
    });
    for (const frame of subscription.replay) this.send(frame);
  }

  private async answer(id: number, method: ServiceMethod, params: ServiceParams<ServiceMethod>): Promise<void> {
    let value: unknown;
    try {
      value = await this.options.service.handle(method, params);
    } catch (error) {
      const body = toErrorBody(error);
      if (body.internal) this.log(`${method} failed: ${describeError(error, { stack: true })}`);
      this.fail(id, body.code, body.message);
      return;
    }
    const checked = (contract[method as MethodName].result as z.ZodType).safeParse(value);
    if (!checked.success) {
      this.log(`${method} produced a result outside the contract: ${describeIssues(checked.error)}`);
      this.fail(id, 'INTERNAL', `Internal error: ${method} produced an invalid result.`);
      return;
    }
    this.send({ type: 'response', id, ok: true, value: checked.data });
  }
}

export class ProtocolServer {
  private readonly options: ProtocolServerOptions;
  private readonly log: Log;
  private readonly connections = new Set<ProtocolConnection>();
  private nextId = 1;

  constructor(options: ProtocolServerOptions) {
    this.options = options;
    this.log = options.log ?? defaultLog;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Serves one front end over `transport` until either side closes it. */
  accept(transport: Transport): Connection {
    const connection: ProtocolConnection = new ProtocolConnection(this.nextId++, transport, this.options, this.log, () =>
      this.connections.delete(connection),
    );
    this.connections.add(connection);
    return connection;
  }

  closeAll(): void {
    for (const connection of [...this.connections]) connection.close();
  }
}
