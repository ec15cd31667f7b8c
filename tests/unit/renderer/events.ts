/** Builders for stored transcript events, as the gateway sends them. */
import type { EventPayload, StoredEvent, TurnEventKind } from '../../../shared/transcript.ts';

export const SESSION = 'session-1';

export class EventLog {
  private seq = 0;
  readonly sessionId: string;
  constructor(sessionId: string = SESSION) {
    this.sessionId = sessionId;
  }

  next<K extends TurnEventKind>(kind: K, payload: EventPayload<K>, turnId: string | null = 'turn-1'): StoredEvent {
    this.seq += 1;
    return { seq: this.seq, sessionId: this.sessionId, turnId, createdAt: 1_000 + this.seq, kind, payload } as StoredEvent;
  }

  /** The same row again with a new payload (the gateway re-sends streamed rows under their seq). */
  again<K extends TurnEventKind>(event: StoredEvent, kind: K, payload: EventPayload<K>): StoredEvent {
    return { ...event, kind, payload } as StoredEvent;
  }
}
