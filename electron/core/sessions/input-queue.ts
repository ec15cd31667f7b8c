/**
 * Queued input (L7, L23) and the answers windows were given for their message ids (L32): nothing
 * typed is held only in memory, and a resent message is recognised instead of taken twice.
 */
import { attachmentRefSchema, type AttachmentRef } from '../../../shared/attachments.ts';
import * as z from '../../../shared/zod.ts';
import { StoreAggregate } from './store-aggregate.ts';

export interface QueuedInput {
  id: number;
  laneKey: string;
  text: string;
  createdAt: number;
  duringDrain: boolean;
  /** The id the sending window gave the message (L32), or null. */
  clientId: string | null;
  /** Issue 11: attachments of the message (already copied or kept), or null. */
  attachments: AttachmentRef[] | null;
}

/** What a window was told when the gateway took a message; answered again for a resend (L32). */
export interface ClientMessageRecord {
  clientId: string;
  laneKey: string;
  status: string;
  message: string;
  receivedAt: number;
}

/** A column written by this build, or by none (older rows): anything unreadable is no attachment. */
function attachmentsFromColumn(value: unknown): AttachmentRef[] | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed = z.array(attachmentRefSchema).safeParse(JSON.parse(value));
    return parsed.success && parsed.data.length > 0 ? parsed.data : null;
  } catch {
    return null;
  }
}

function queuedInputFromRow(row: Record<string, unknown>): QueuedInput {
  return {
    id: Number(row.id),
    laneKey: String(row.lane_key),
    text: String(row.text),
    createdAt: Number(row.created_at),
    duringDrain: Number(row.during_drain) !== 0,
    clientId: typeof row.client_id === 'string' ? row.client_id : null,
    attachments: attachmentsFromColumn(row.attachments),
  };
}

export interface EnqueueOptions {
  duringDrain?: boolean;
  clientId?: string;
  answer?: { status: string; message: string };
  attachments?: AttachmentRef[];
}

export class InputQueue extends StoreAggregate {
  /**
   * Stores a message as the lane's queued input. With a client id, the answer the window gets is
   * recorded in the same transaction, so a resend of the same message is recognised (L32).
   */
  enqueue(laneKey: string, text: string, options: EnqueueOptions = {}): QueuedInput {
    const now = this.now();
    const clientId = options.clientId ?? null;
    const attachments = options.attachments?.length ? options.attachments : null;
    return this.db.transaction(() => {
      // The attachments column (v9) is named only when there are some: the same statement then
      // still serves stores that tests build at older versions.
      const id = attachments
        ? this.db.insert(
            'INSERT INTO queued_inputs (lane_key, text, created_at, during_drain, client_id, attachments) VALUES (?, ?, ?, ?, ?, ?)',
            laneKey,
            text,
            now,
            options.duringDrain ? 1 : 0,
            clientId,
            JSON.stringify(attachments),
          )
        : this.db.insert(
            'INSERT INTO queued_inputs (lane_key, text, created_at, during_drain, client_id) VALUES (?, ?, ?, ?, ?)',
            laneKey,
            text,
            now,
            options.duringDrain ? 1 : 0,
            clientId,
          );
      if (clientId !== null) this.recordClientMessage(clientId, laneKey, options.answer ?? { status: 'queued', message: '' });
      return { id, laneKey, text, createdAt: now, duringDrain: Boolean(options.duringDrain), clientId, attachments };
    })();
  }

  /** L32: remembers what a window was told for its message id (commands record it after running). */
  recordClientMessage(clientId: string, laneKey: string, answer: { status: string; message: string }): void {
    this.db
      .prepare('INSERT INTO client_messages (client_id, lane_key, status, message, received_at) VALUES (?, ?, ?, ?, ?)')
      .run(clientId, laneKey, answer.status, answer.message, this.now());
  }

  clientMessage(clientId: string): ClientMessageRecord | null {
    const row = this.db.prepare('SELECT * FROM client_messages WHERE client_id = ?').get(clientId) as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      clientId: String(row.client_id),
      laneKey: String(row.lane_key),
      status: String(row.status),
      message: String(row.message),
      receivedAt: Number(row.received_at),
    };
  }

  /** Oldest first; all lanes when no lane is named. */
  list(laneKey?: string): QueuedInput[] {
    const rows = (
      laneKey === undefined
        ? this.db.prepare('SELECT * FROM queued_inputs ORDER BY id').all()
        : this.db.prepare('SELECT * FROM queued_inputs WHERE lane_key = ? ORDER BY id').all(laneKey)
    ) as Array<Record<string, unknown>>;
    return rows.map(queuedInputFromRow);
  }

  /** The lane's oldest queued input, without reading the others. */
  next(laneKey: string): QueuedInput | null {
    const row = this.db.prepare('SELECT * FROM queued_inputs WHERE lane_key = ? ORDER BY id LIMIT 1').get(laneKey) as Record<string, unknown> | undefined;
    return row ? queuedInputFromRow(row) : null;
  }

  /** Lanes with queued input, in the order of their oldest message (L17), without reading texts. */
  lanesWithInput(): string[] {
    const rows = this.db.prepare('SELECT lane_key FROM queued_inputs GROUP BY lane_key ORDER BY min(id)').all() as Array<{ lane_key: string }>;
    return rows.map((row) => row.lane_key);
  }

  /** How many inputs wait in a lane, without reading their texts (up to 200,000 characters each). */
  count(laneKey: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM queued_inputs WHERE lane_key = ?').get(laneKey) as { n: number };
    return Number(row.n);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM queued_inputs WHERE id = ?').run(id).changes === 1;
  }
}
