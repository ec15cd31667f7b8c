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
  /** Issue 13: the message that matched (absent when only the title did), so a window can open the conversation at it. */
  seq?: number;
  sessionId?: string;
  /** Where the matched words sit in `snippet`: [start, end) character offsets, in order. */
  highlights?: Array<[number, number]>;
}

/**
 * One page of a session's transcript (issue 13), in seq order. `hasOlder` / `hasNewer` say whether
 * stored rows lie before the page's first row / after its last one (rows this build cannot read count too).
 */
export interface TranscriptPage {
  events: StoredEvent[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** Where a page sits: the newest rows, the rows before or after a seq, or the rows around one (that row included). */
export type PageCursor = { before?: number; after?: number; around?: number; limit: number };

/** Characters of a search snippet on each side of the first matched word. */
const SNIPPET_SIDE_CHARS = 30;
/** Marks FTS5's highlight() puts around matched words; control characters no message text carries as such. */
const HIT_OPEN = '\u0002';
const HIT_CLOSE = '\u0003';

/**
 * A snippet of `marked` (text with HIT_OPEN/HIT_CLOSE around matches) centred on its first match,
 * cut at word boundaries, with the matches' offsets in it (issue 13: the hit highlighted).
 */
export function centredSnippet(marked: string, side = SNIPPET_SIDE_CHARS): { snippet: string; highlights: Array<[number, number]> } {
  let text = '';
  const ranges: Array<[number, number]> = [];
  let open = -1;
  for (const char of marked.replace(/\s+/g, ' ').trim()) {
    if (char === HIT_OPEN) open = text.length;
    else if (char === HIT_CLOSE) {
      if (open >= 0 && text.length > open) ranges.push([open, text.length]);
      open = -1;
    } else text += char;
  }
  const [hitStart, hitEnd] = ranges[0] ?? [0, 0];
  let start = Math.max(0, hitStart - side);
  let end = Math.min(text.length, hitEnd + side);
  // Cut between words: after the first space inside the left margin, before the last one in the right.
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < hitStart) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space >= hitEnd) end = space;
  }
  const prefix = start > 0 ? '…' : '';
  const snippet = prefix + text.slice(start, end) + (end < text.length ? '…' : '');
  const shift = prefix.length - start;
  const highlights = ranges.filter(([a, b]) => a >= start && b <= end).map(([a, b]): [number, number] => [a + shift, b + shift]);
  return { snippet, highlights };
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

  /**
   * One page of the session's transcript (issue 13): a long conversation is read a page at a time,
   * newest first, so opening one costs the same at 100 rows or 100,000. Each query walks the
   * `events(session_id, seq)` index from the cursor and reads at most `limit + 1` rows.
   */
  page(sessionId: string, cursor: PageCursor): TranscriptPage {
    const limit = Math.max(1, Math.floor(cursor.limit));
    const older = (below: number, count: number) =>
      this.db.prepare('SELECT * FROM events WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(sessionId, below, count + 1) as Array<Record<string, unknown>>;
    const newer = (from: number, count: number) =>
      this.db.prepare('SELECT * FROM events WHERE session_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(sessionId, from, count + 1) as Array<Record<string, unknown>>;
    const any = (sql: string, seq: number) => this.db.prepare(`SELECT 1 FROM events WHERE session_id = ? AND ${sql} LIMIT 1`).get(sessionId, seq) !== undefined;
    let before: Array<Record<string, unknown>> = [];
    let after: Array<Record<string, unknown>> = [];
    let hasOlder: boolean;
    let hasNewer: boolean;
    if (cursor.around !== undefined) {
      // The row itself and what follows take the newer half; the older half fills the rest.
      const newerCount = Math.max(1, Math.ceil(limit / 2));
      after = newer(cursor.around, newerCount);
      hasNewer = after.length > newerCount;
      after = after.slice(0, newerCount);
      const olderCount = limit - after.length;
      before = olderCount > 0 ? older(cursor.around, olderCount) : [];
      hasOlder = olderCount > 0 ? before.length > olderCount : any('seq < ?', cursor.around);
      before = before.slice(0, olderCount);
    } else if (cursor.after !== undefined) {
      after = newer(cursor.after + 1, limit);
      hasNewer = after.length > limit;
      after = after.slice(0, limit);
      hasOlder = any('seq <= ?', cursor.after);
    } else {
      const below = cursor.before ?? Number.MAX_SAFE_INTEGER;
      before = older(below, limit);
      hasOlder = before.length > limit;
      before = before.slice(0, limit);
      hasNewer = cursor.before !== undefined && any('seq >= ?', cursor.before);
    }
    const rows = [...before.reverse(), ...after];
    return { events: rows.map(eventFromRow).filter((e): e is StoredEvent => e !== null), hasOlder, hasNewer };
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
      .prepare('SELECT rowid AS seq, lane_key, session_id FROM message_fts WHERE message_fts MATCH ? ORDER BY rank LIMIT ?')
      .all(match, limit * 10) as Array<{ seq: number; lane_key: string; session_id: string }>;
    const hits = new Map<string, LaneSearchHit>();
    for (const hit of titleHits) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: hit.title, snippet: hit.title });
    const marked = this.db.prepare('SELECT highlight(message_fts, 2, ?, ?) AS marked FROM message_fts WHERE message_fts MATCH ? AND rowid = ?');
    // Each lane's best message: its snippet centred on the hit (issue 13), and where it is, to open the conversation there.
    const messageHit = (hit: { seq: number; session_id: string }) => {
      const row = marked.get(HIT_OPEN, HIT_CLOSE, match, hit.seq) as { marked: string } | undefined;
      return { ...centredSnippet(row?.marked ?? ''), seq: Number(hit.seq), sessionId: hit.session_id };
    };
    for (const hit of messageHits) {
      const known = hits.get(hit.lane_key);
      if (known) {
        if (known.seq === undefined) Object.assign(known, messageHit(hit));
        continue;
      }
      if (hits.size >= limit) continue;
      const lane = this.lanes.get(hit.lane_key);
      if (lane) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: lane.title, ...messageHit(hit) });
    }
    return [...hits.values()].slice(0, limit);
  }
}
