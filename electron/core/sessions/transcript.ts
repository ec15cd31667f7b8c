/**
 * The transcript (L26): every turn event of a session in order, streamed text grown in place, and
 * the full-text search over titles and messages (the FTS5 index is kept by triggers, migrations 3 and 8;
 * streamed text is indexed once, when final or when its turn ends).
 */
import { eventPayloadSchemas, isTurnEventKind, type StoredEvent, type TurnEvent } from '../../../shared/transcript.ts';
import type { Lanes } from './lanes.ts';
import { StoreAggregate } from './store-aggregate.ts';
import type { StoreConnection } from './store-connection.ts';

export interface LaneSearchHit {
  laneKey: string;
  title: string;
  /** Plain text around the first match (no markup), or the title when only the title matched. */
  snippet: string;
}

/** Words of a search query as FTS5 prefix terms ("dep roll" finds "deploy rollback"); null when it has none. */
export function ftsQuery(query: string): string | null {
  const words = query.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.slice(0, 16).map((word) => `"${word}"*`).join(' ');
}

function eventFromRow(row: Record<string, unknown>): StoredEvent | null {
  const kind = String(row.kind);
  if (!isTurnEventKind(kind)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(String(row.payload));
  } catch {
    return null;
  }
  const parsed = eventPayloadSchemas[kind].safeParse(payload);
  if (!parsed.success) return null;
  return {
    seq: Number(row.seq),
    sessionId: String(row.session_id),
    turnId: (row.turn_id as string | null) ?? null,
    createdAt: Number(row.created_at),
    kind,
    payload: parsed.data,
  } as StoredEvent;
}

export class Transcript extends StoreAggregate {
  private readonly lanes: Lanes;

  constructor(db: StoreConnection, now: () => number, lanes: Lanes) {
    super(db, now);
    this.lanes = lanes;
  }

  append(sessionId: string, turnId: string | null, event: TurnEvent): StoredEvent {
    const createdAt = this.now();
    const seq = this.db.insert(
      'INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      sessionId,
      turnId,
      event.kind,
      JSON.stringify(event.payload),
      createdAt,
    );
    return { ...event, seq, sessionId, turnId, createdAt } as StoredEvent;
  }

  /** Streaming text grows one row in place; the log stays one event per assistant message. */
  updatePayload(seq: number, event: TurnEvent): void {
    this.db.prepare('UPDATE events SET payload = ?, updated_at = ? WHERE seq = ? AND kind = ?').run(JSON.stringify(event.payload), this.now(), seq, event.kind);
  }

  /**
   * Writes a turn's pending messages into the search index in one batch (migration 8): at the
   * turn's end, including the text of an answer cut short by a stop, a failure or a crash.
   */
  indexTurn(turnId: string): void {
    this.indexWhere('p.turn_id = ?', turnId);
  }

  /**
   * Writes every pending message into the search index except an answer still streaming (its turn
   * indexes it when it ends), so a search sees every message. Skipped on a damaged store, which is
   * never written again (R2); the search then misses only what was still pending.
   */
  indexPending(): void {
    if (this.db.damaged) return;
    this.indexWhere(
      "NOT (e.kind = 'assistant_text' AND json_extract(e.payload, '$.final') IS NOT 1 AND EXISTS (SELECT 1 FROM turns t WHERE t.turn_id = p.turn_id AND t.ended_at IS NULL))",
    );
  }

  private indexWhere(condition: string, ...params: unknown[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO message_fts (rowid, lane_key, session_id, text)
             SELECT e.seq, s.lane_key, e.session_id, json_extract(e.payload, '$.text')
               FROM fts_pending p JOIN events e ON e.seq = p.seq JOIN sessions s ON s.session_id = e.session_id
              WHERE ${condition} AND json_valid(e.payload) AND json_type(e.payload, '$.text') = 'text'
                AND NOT EXISTS (SELECT 1 FROM message_fts f WHERE f.rowid = e.seq)`,
        )
        .run(...params);
      this.db
        .prepare(`DELETE FROM fts_pending WHERE seq IN (SELECT p.seq FROM fts_pending p JOIN events e ON e.seq = p.seq WHERE ${condition})`)
        .run(...params);
    })();
  }

  /** The session's transcript in order. Rows this build cannot read are skipped, never fatal. */
  list(sessionId: string, options: { afterSeq?: number } = {}): StoredEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq')
      .all(sessionId, options.afterSeq ?? 0) as Array<Record<string, unknown>>;
    return rows.map(eventFromRow).filter((e): e is StoredEvent => e !== null);
  }

  /** One event by its seq (issue 10: a tool's full output is asked for by its row); null when unknown or unreadable. */
  get(seq: number): StoredEvent | null {
    const row = this.db.prepare('SELECT * FROM events WHERE seq = ?').get(seq) as Record<string, unknown> | undefined;
    return row ? eventFromRow(row) : null;
  }

  /** Issue 11 (/resume list): the session's first message as the person wrote it, or null; reads one row. */
  firstUserText(sessionId: string): string | null {
    const row = this.db
      .prepare("SELECT * FROM events WHERE session_id = ? AND kind = 'user_message' ORDER BY seq LIMIT 1")
      .get(sessionId) as Record<string, unknown> | undefined;
    const event = row ? eventFromRow(row) : null;
    return event?.kind === 'user_message' ? event.payload.text : null;
  }

  count(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  }

  /** The newest write a turn made (an event or a streamed flush), else its start; never after `now` (L15). */
  lastSignOfLife(turnId: string, startedAt: number, now: number): number {
    const row = this.db.prepare('SELECT max(coalesce(updated_at, created_at)) AS seen FROM events WHERE turn_id = ?').get(turnId) as { seen: number | null };
    return Math.min(now, Math.max(startedAt, Number(row.seen ?? startedAt)));
  }

  /**
   * Lanes whose title or any message (user or assistant, any session of the lane) matches every
   * word of the query, best first: title matches before message matches, then by relevance.
   */
  searchLanes(query: string, limit = 50): LaneSearchHit[] {
    const match = ftsQuery(query);
    if (match === null) return [];
    this.indexPending();
    const titleHits = this.db
      .prepare('SELECT lane_key, title FROM lane_title_fts WHERE lane_title_fts MATCH ? ORDER BY rank LIMIT ?')
      .all(match, limit) as Array<{ lane_key: string; title: string }>;
    // Many messages of one lane may match; read enough rows to fill `limit` distinct lanes in most cases.
    const messageHits = this.db
      .prepare("SELECT lane_key, snippet(message_fts, 2, '', '', '…', 16) AS snip FROM message_fts WHERE message_fts MATCH ? ORDER BY rank LIMIT ?")
      .all(match, limit * 10) as Array<{ lane_key: string; snip: string }>;
    const hits = new Map<string, LaneSearchHit>();
    for (const hit of titleHits) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: hit.title, snippet: hit.title });
    for (const hit of messageHits) {
      const known = hits.get(hit.lane_key);
      if (known) {
        if (known.snippet === known.title) known.snippet = hit.snip;
        continue;
      }
      if (hits.size >= limit) continue;
      const lane = this.lanes.get(hit.lane_key);
      if (lane) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: lane.title, snippet: hit.snip });
    }
    return [...hits.values()].slice(0, limit);
  }
}
