/** A GatewayPort that answers calls from a handler table and lets tests push events. */
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { MethodName, Params, PushEvent, Result } from '../../../shared/protocol/contract.ts';
import type { ConnectionState, EventMeta, GatewayPort } from '../../../renderer/src/state/gateway-port.ts';

type Handlers = { [M in MethodName]?: (params: Params<M>) => Result<M> | Promise<Result<M>> };

export class FakeGateway implements GatewayPort {
  state: ConnectionState = 'connecting';
  readonly calls: Array<{ method: MethodName; params: unknown }> = [];
  private readonly events = new Set<(event: PushEvent, meta: EventMeta) => void>();
  private readonly connections = new Set<(state: ConnectionState, info: { resync: boolean }) => void>();
  private seq = 0;

  readonly handlers: Handlers;
  constructor(handlers: Handlers) {
    this.handlers = handlers;
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push({ method, params });
    const handler = this.handlers[method] as ((params: Params<M>) => Result<M> | Promise<Result<M>>) | undefined;
    if (!handler) throw new Error(`unexpected call ${method}`);
    return handler(params);
  }

  onEvent(listener: (event: PushEvent, meta: EventMeta) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onConnection(listener: (state: ConnectionState, info: { resync: boolean }) => void): () => void {
    this.connections.add(listener);
    return () => this.connections.delete(listener);
  }

  connect(state: ConnectionState, resync = false): void {
    this.state = state;
    for (const listener of this.connections) listener(state, { resync });
  }

  push(event: GatewayEvent): void {
    this.seq += 1;
    for (const listener of this.events) listener({ channel: 'gateway', event }, { instanceId: 'i1', seq: this.seq });
  }

  /** Any push event, on any channel (issue 10: settings, open-lane). */
  pushEvent(event: PushEvent): void {
    this.seq += 1;
    for (const listener of this.events) listener(event, { instanceId: 'i1', seq: this.seq });
  }

  count(method: MethodName): number {
    return this.calls.filter((call) => call.method === method).length;
  }
}

/** Lets pending promise callbacks (the store's follow-up calls) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
