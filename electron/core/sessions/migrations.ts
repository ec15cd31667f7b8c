/**
 * Forward-only schema migrations. `PRAGMA user_version` holds the version; each step runs in one
 * transaction with its version bump, so a crash mid-migration leaves the previous version intact.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Trigger body that re-indexes a message row whose payload changed (v3, kept by v8). */
const REINDEX_UPDATED_MESSAGE = `BEGIN
        DELETE FROM message_fts WHERE rowid = old.seq;
        INSERT INTO message_fts (rowid, lane_key, session_id, text)
          SELECT new.seq, s.lane_key, new.session_id, json_extract(new.payload, '$.text') FROM sessions s
           WHERE s.session_id = new.session_id AND json_valid(new.payload) AND json_type(new.payload, '$.text') = 'text';
      END;`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'lanes, sessions and the per-session event log',
    sql: `
      CREATE TABLE lanes (
        lane_key        TEXT PRIMARY KEY,
        session_id      TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        origin_platform TEXT NOT NULL DEFAULT 'desktop',
        title           TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE sessions (
        session_id        TEXT PRIMARY KEY,
        lane_key          TEXT NOT NULL,
        created_at        INTEGER NOT NULL,
        ended_at          INTEGER,
        title             TEXT NOT NULL DEFAULT '',
        auto_reset_reason TEXT,
        previous_session_id TEXT
      );
      CREATE INDEX sessions_by_lane ON sessions(lane_key, created_at);
      CREATE TABLE events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        turn_id    TEXT,
        kind       TEXT NOT NULL,
        payload    TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_by_session ON events(session_id, seq);
    `,
  },
  {
    version: 2,
    description: 'restart safety: resume marks, suspension, failure counter, turn journal, queued input',
    sql: `
      ALTER TABLE lanes ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN resume_pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN resume_reason TEXT;
      ALTER TABLE lanes ADD COLUMN last_resume_marked_at INTEGER;
      ALTER TABLE lanes ADD COLUMN restart_failure_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN active_turn_id TEXT;
      ALTER TABLE lanes ADD COLUMN active_turn_started_at INTEGER;
      ALTER TABLE lanes ADD COLUMN auto_resumed_turn_id TEXT;
      ALTER TABLE lanes ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE turns (
        turn_id    TEXT PRIMARY KEY,
        lane_key   TEXT NOT NULL,
        session_id TEXT NOT NULL,
        trigger    TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at   INTEGER,
        outcome    TEXT,
        error      TEXT
      );
      CREATE INDEX turns_by_session ON turns(session_id, started_at);
      CREATE TABLE queued_inputs (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        lane_key   TEXT NOT NULL,
        text       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        during_drain INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX queued_inputs_by_lane ON queued_inputs(lane_key, id);
    `,
  },
  {
    version: 3,
    description: 'full-text search over lane titles and message text (FTS5), kept current by triggers',
    // Triggers rather than store code keep the index right for every writer, including the
    // in-place growth of streamed assistant text. Payloads are guarded with json_valid/json_type so
    // an unreadable row is skipped (as listEvents skips it) instead of failing the migration.
    sql: `
      CREATE VIRTUAL TABLE lane_title_fts USING fts5(
        lane_key UNINDEXED, title, tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE VIRTUAL TABLE message_fts USING fts5(
        lane_key UNINDEXED, session_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO lane_title_fts (lane_key, title) SELECT lane_key, title FROM lanes;
      INSERT INTO message_fts (rowid, lane_key, session_id, text)
        SELECT e.seq, s.lane_key, e.session_id, json_extract(e.payload, '$.text')
          FROM events e JOIN sessions s ON s.session_id = e.session_id
         WHERE e.kind IN ('user_message', 'assistant_text')
           AND json_valid(e.payload) AND json_type(e.payload, '$.text') = 'text';

      CREATE TRIGGER lanes_fts_insert AFTER INSERT ON lanes BEGIN
        INSERT INTO lane_title_fts (lane_key, title) VALUES (new.lane_key, new.title);
      END;
      CREATE TRIGGER lanes_fts_title AFTER UPDATE OF title ON lanes WHEN old.title IS NOT new.title BEGIN
        DELETE FROM lane_title_fts WHERE lane_key = old.lane_key;
        INSERT INTO lane_title_fts (lane_key, title) VALUES (new.lane_key, new.title);
      END;
      CREATE TRIGGER lanes_fts_delete AFTER DELETE ON lanes BEGIN
        DELETE FROM lane_title_fts WHERE lane_key = old.lane_key;
      END;

      CREATE TRIGGER events_fts_insert AFTER INSERT ON events
        WHEN new.kind IN ('user_message', 'assistant_text') AND json_valid(new.payload) AND json_type(new.payload, '$.text') = 'text'
      BEGIN
        INSERT INTO message_fts (rowid, lane_key, session_id, text)
          SELECT new.seq, s.lane_key, new.session_id, json_extract(new.payload, '$.text') FROM sessions s WHERE s.session_id = new.session_id;
      END;
      CREATE TRIGGER events_fts_update AFTER UPDATE OF payload ON events
        WHEN new.kind IN ('user_message', 'assistant_text')
      ${REINDEX_UPDATED_MESSAGE}
      CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        DELETE FROM message_fts WHERE rowid = old.seq;
      END;
    `,
  },
  {
    version: 4,
    description: 'token usage per turn',
    sql: `
      ALTER TABLE turns ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE turns ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 5,
    description: 'last write of a streamed event: the evidence a crashed turn was alive (L15)',
    sql: `
      ALTER TABLE events ADD COLUMN updated_at INTEGER;
    `,
  },
  {
    version: 6,
    description: 'client message ids: a message a window resends after a lost connection is taken once (L32)',
    sql: `
      ALTER TABLE queued_inputs ADD COLUMN client_id TEXT;
      CREATE TABLE client_messages (
        client_id TEXT PRIMARY KEY,
        lane_key TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      -- A stable, random identity of this store: a window keeps what it typed per store, so an
      -- outbox never sends to another data directory.
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
    `,
  },
  {
    version: 7,
    description: 'conversations you can manage (issue 11, L35): pinned, and deleted_at for the 30-day trash',
    // Deleting marks the lane; its sessions, events and queued input stay until the trash is purged.
    sql: `
      ALTER TABLE lanes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lanes ADD COLUMN deleted_at INTEGER;
      CREATE INDEX lanes_deleted_at ON lanes(deleted_at) WHERE deleted_at IS NOT NULL;
    `,
  },
  {
    version: 8,
    description: 'search indexing off the append path: messages are indexed in batches, a streamed answer once (issue 13)',
    // v3 wrote FTS5 inside every message append and re-indexed a streamed assistant_text row on
    // every 250 ms flush; FTS5 became the largest cost of an append (p99 5× the fsync floor at 1M
    // events). Now an append only notes the row in fts_pending (one small B-tree insert) and the
    // index is written in batches: a turn's rows when the turn ends (TurnJournal.end, crash
    // recovery) and every finished row before a search (Transcript.indexPending), so search still
    // sees every message. A streamed row is not indexed while it streams; once indexed, a later
    // rewrite keeps it current. CASE guards json_extract so an unreadable payload is skipped.
    sql: `
      DROP TRIGGER events_fts_insert;
      DROP TRIGGER events_fts_update;
      CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY, turn_id TEXT);
      CREATE INDEX fts_pending_by_turn ON fts_pending(turn_id);
      CREATE TRIGGER events_fts_pending AFTER INSERT ON events
        WHEN new.kind IN ('user_message', 'assistant_text') AND CASE WHEN json_valid(new.payload) THEN json_type(new.payload, '$.text') = 'text' ELSE 0 END
      BEGIN
        INSERT INTO fts_pending (seq, turn_id) VALUES (new.seq, new.turn_id);
      END;
      CREATE TRIGGER events_fts_pending_delete AFTER DELETE ON events BEGIN
        DELETE FROM fts_pending WHERE seq = old.seq;
      END;
      CREATE TRIGGER events_fts_update AFTER UPDATE OF payload ON events
        WHEN new.kind IN ('user_message', 'assistant_text') AND EXISTS (SELECT 1 FROM message_fts WHERE rowid = old.seq)
      ${REINDEX_UPDATED_MESSAGE}
      -- v3 indexed every row, so the index is already complete; this only covers rows v3 skipped
      -- and keeps the rule "every message that exists is searchable" true at upgrade.
      INSERT INTO message_fts (rowid, lane_key, session_id, text)
        SELECT e.seq, s.lane_key, e.session_id, json_extract(e.payload, '$.text')
          FROM events e JOIN sessions s ON s.session_id = e.session_id
         WHERE e.kind IN ('user_message', 'assistant_text')
           AND json_valid(e.payload) AND json_type(e.payload, '$.text') = 'text'
           AND NOT EXISTS (SELECT 1 FROM message_fts f WHERE f.rowid = e.seq);
    `,
  },
  {
    version: 9,
    description: 'startup reads only the lanes it acts on (issue 13): partial indexes for open turns, resume marks and restart failures',
    // A start asks three questions of the lanes table — which turns were open, which lanes are
    // resume pending, which restarted too often — and each scanned every lane (with 10,000 lanes
    // the first scan pulled the whole table off disk, ~15 ms of the start). These indexes hold only
    // the few lanes that answer yes, so a start touches none of the others.
    sql: `
      CREATE INDEX lanes_open_turn ON lanes(updated_at) WHERE active_turn_id IS NOT NULL;
      CREATE INDEX lanes_resume_pending ON lanes(updated_at) WHERE resume_pending != 0;
      CREATE INDEX lanes_restart_failures ON lanes(lane_key) WHERE restart_failure_count > 0;
    `,
  },
  {
    version: 10,
    description: 'attachments and archive (issue 11): image bytes kept per conversation, attachments of queued input, archived lanes',
    // Images live in the store, not in files beside it: a backup, an export or a restore of the
    // one SQLite file then carries them, and an image is written in the same durable way as the
    // message that names it. Content-addressed per lane (lane_key, sha256): the same image sent
    // twice is kept once, and the trash purge removes a conversation's images with it.
    sql: `
      CREATE TABLE attachment_blobs (
        lane_key   TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        mime_type  TEXT NOT NULL,
        size       INTEGER NOT NULL,
        data       BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (lane_key, sha256)
      );
      ALTER TABLE queued_inputs ADD COLUMN attachments TEXT;
      ALTER TABLE lanes ADD COLUMN archived_at INTEGER;
    `,
  },
  {
    version: 11,
    description: 'a conversation keeps its agent (L34): provider, model, profile and its instructions / workspace overrides per lane',
    // NULL provider: not chosen yet. The gateway gives such a lane the default provider and model
    // of that moment at startup (lanes from before v11), at creation, or at its first turn when no
    // provider existed before; from then on only an explicit choice changes it.
    sql: `
      ALTER TABLE lanes ADD COLUMN provider TEXT;
      ALTER TABLE lanes ADD COLUMN model TEXT;
      ALTER TABLE lanes ADD COLUMN profile TEXT;
      ALTER TABLE lanes ADD COLUMN instructions TEXT;
      ALTER TABLE lanes ADD COLUMN workspace_dir TEXT;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
