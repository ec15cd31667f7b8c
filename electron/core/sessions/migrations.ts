/**
 * Forward-only schema migrations. `PRAGMA user_version` holds the version; each step runs in one
 * transaction with its version bump, so a crash mid-migration leaves the previous version intact.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

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
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
