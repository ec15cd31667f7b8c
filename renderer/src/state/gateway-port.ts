/**
 * The part of `GatewayClient` (shared/protocol/client.ts) the renderer uses. Typed structurally so
 * the store runs against the real client and against small fakes in tests alike.
 */
import type { ConnectionState, EventMeta } from '../../../shared/protocol/client.ts';
import type { MethodName, Params, PushEvent, Result } from '../../../shared/protocol/contract.ts';

export type { ConnectionState, EventMeta };

export interface GatewayPort {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (event: PushEvent, meta: EventMeta) => void): () => void;
  onConnection(listener: (state: ConnectionState, info: { resync: boolean }) => void): () => void;
  readonly state: ConnectionState;
}
