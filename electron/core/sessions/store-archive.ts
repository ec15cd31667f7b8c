/**
 * The whole store as a portable archive, and back (issue 11, SPEC L36).
 *
 * Format: JSON Lines, one record per line, so a damaged archive can be refused naming the line
 * (and the conversation) it failed at. Line 1 is the header (format, archive version, the store's
 * schema version); then, per lane, the lane row, its sessions, its turns and its events in order.
 * Rows are the tables' own columns, read with `SELECT *`, so the archive is lossless for every
 * column a later schema adds without this file knowing about it.
 *
 * Import (`importArchive`) runs in ONE transaction into a running store and never overwrites:
 * - an archive written by a newer schema is refused whole (this build cannot know its rows);
 * - every line is validated first (every event against its kind's payload schema, every session
 *   and turn against a lane seen before it): one bad line refuses the whole archive;
 * - a lane, session or turn whose key already exists gets a new one; a lane that had to be renamed
 *   is titled "… (imported)"; nothing of the running store is changed, only rows are added;
 * - what belonged to the exporting run is not carried over as live state: an imported lane is
 *   never resume pending, never mid-turn and has no failure streak (it would otherwise resume or be
 *   suspended at the next start of a store where it never ran). The events themselves are kept as is.
 *
 * A SQLite copy (`store.export { format: 'sqlite' }`, the online backup API) imports through the
 * same path: its rows are read as archive records (`readStoreRecords`) and validated the same way.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { eventPayloadSchemas, isTurnEventKind } from '../../../shared/transcript.ts';
import { BatonError } from '../../../shared/errors.ts';
import { newId } from './ids.ts';

export const ARCHIVE_FORMAT = 'baton-store-archive';
export const ARCHIVE_VERSION = 1;

type Scalar = string | number | null;
export type Row = Record<string, Scalar>;

export interface ArchiveHeader {
  type: 'header';
  format: typeof ARCHIVE_FORMAT;
  archiveVersion: number;
  schemaVersion: number;
  exportedAt: number;
  counts: ArchiveCounts;
}

export interface ArchiveCounts {
  lanes: number;
  sessions: number;
  turns: number;
  events: number;
}

export type ArchiveRecord = { type: 'lane' | 'session' | 'turn' | 'event'; row: Row };

/** A refused archive or copy: nothing was imported. The message names the line and conversation. */
export class ArchiveRefusedError extends BatonError<'INVALID_INPUT'> {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'ArchiveRefusedError';
  }
}

const TABLE_ORDER = ['lane', 'session', 'turn', 'event'] as const;

function tableExists(db: Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** Bytes would not survive JSON; the store keeps none, so a blob is a store this build does not know. */
function scalarRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (typeof value === 'bigint') out[key] = Number(value);
    else throw new ArchiveRefusedError(`Column ${key} holds binary data, which a Baton store never does.`);
  }
  return out;
}

/** Every row of a store, grouped by lane in the archive's order (the lane, its sessions, turns, events). */
export function* readStoreRecords(db: Database): Generator<ArchiveRecord> {
  const hasTurns = tableExists(db, 'turns');
  const lanes = db.prepare('SELECT * FROM lanes ORDER BY created_at, lane_key').all() as Array<Record<string, unknown>>;
  const sessions = db.prepare('SELECT * FROM sessions WHERE lane_key = ? ORDER BY created_at, session_id');
  const turns = hasTurns ? db.prepare('SELECT * FROM turns WHERE lane_key = ? ORDER BY started_at, turn_id') : null;
  const events = db.prepare('SELECT e.* FROM events e JOIN sessions s ON s.session_id = e.session_id WHERE s.lane_key = ? ORDER BY e.seq');
  for (const lane of lanes) {
    const key = lane.lane_key;
    yield { type: 'lane', row: scalarRow(lane) };
    for (const row of sessions.all(key) as Array<Record<string, unknown>>) yield { type: 'session', row: scalarRow(row) };
    for (const row of (turns?.all(key) ?? []) as Array<Record<string, unknown>>) yield { type: 'turn', row: scalarRow(row) };
    for (const row of events.iterate(key) as Iterable<Record<string, unknown>>) yield { type: 'event', row: scalarRow(row) };
  }
}

export function schemaVersionOf(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** The whole store as JSON Lines; read inside one transaction so the archive is one consistent moment. */
export function exportArchive(db: Database, now: number): { text: string; counts: ArchiveCounts; schemaVersion: number } {
  return db.transaction(() => {
    const counts: ArchiveCounts = { lanes: 0, sessions: 0, turns: 0, events: 0 };
    const body: string[] = [];
    for (const record of readStoreRecords(db)) {
      counts[`${record.type}s`] += 1;
      body.push(JSON.stringify(record));
    }
    const schemaVersion = schemaVersionOf(db);
    const header: ArchiveHeader = { type: 'header', format: ARCHIVE_FORMAT, archiveVersion: ARCHIVE_VERSION, schemaVersion, exportedAt: now, counts };
    return { text: `${[JSON.stringify(header), ...body].join('\n')}\n`, counts, schemaVersion };
  })();
}

// ── validation ─────────────────────────────────────────────────────────────────────────────

const scalar = z.union([z.string(), z.number(), z.null()]);
const text = z.string().min(1).max(500);
const time = z.number().int();
const rowBase = z.record(z.string(), scalar);
const laneRow = rowBase.and(z.object({ lane_key: text, session_id: text, created_at: time, updated_at: time, title: z.string() }));
const sessionRow = rowBase.and(z.object({ session_id: text, lane_key: text, created_at: time }));
const turnRow = rowBase.and(z.object({ turn_id: text, lane_key: text, session_id: text, started_at: time }));
const eventRow = rowBase.and(z.object({ seq: z.number().int(), session_id: text, turn_id: text.nullable(), kind: z.string(), payload: z.string(), created_at: time }));
const recordSchema = z.object({ type: z.enum(TABLE_ORDER), row: z.unknown() });
const headerSchema = z.object({
  type: z.literal('header'),
  format: z.literal(ARCHIVE_FORMAT),
  archiveVersion: z.number().int().min(1),
  schemaVersion: z.number().int().min(1),
  exportedAt: z.number(),
});

export interface ValidatedArchive {
  schemaVersion: number;
  records: ArchiveRecord[];
}

function issues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`)
    .join('; ');
}

/** Refuses what this build cannot take: an unknown format, a newer archive or a newer schema. */
function checkVersions(schemaVersion: number, archiveVersion: number, latestSchema: number, what: string): void {
  if (archiveVersion > ARCHIVE_VERSION) {
    throw new ArchiveRefusedError(`${what} is archive format ${archiveVersion}; this Baton reads up to ${ARCHIVE_VERSION}. Update Baton to import it. Nothing was imported.`);
  }
  if (schemaVersion > latestSchema) {
    throw new ArchiveRefusedError(
      `${what} was written by a newer Baton (store schema ${schemaVersion}; this Baton knows up to ${latestSchema}). Update Baton to import it. Nothing was imported.`,
    );
  }
}

/**
 * Checks records one by one, in order: a session or turn belongs to a lane seen before it, an event
 * to a session of its lane, and every event's payload passes its kind's schema. `where(i)` says
 * where record i came from ("line 12", "row 12") for the refusal.
 */
export function validateRecords(records: Iterable<ArchiveRecord>, schemaVersion: number, where: (index: number) => string): ValidatedArchive {
  const out: ArchiveRecord[] = [];
  const sessionsOfLane = new Map<string, Set<string>>();
  let lane: { key: string; title: string } | null = null;
  let index = 0;
  for (const record of records) {
    const place = () => `${where(index)}${lane ? ` (conversation ${lane.title ? `“${lane.title}”, ` : ''}${lane.key})` : ''}`;
    const refuse = (why: string): never => {
      throw new ArchiveRefusedError(`The archive is damaged at ${place()}: ${why}. Nothing was imported.`);
    };
    const schema = { lane: laneRow, session: sessionRow, turn: turnRow, event: eventRow }[record.type];
    const parsed = schema.safeParse(record.row);
    if (!parsed.success) refuse(`a ${record.type} row is not valid (${issues(parsed.error)})`);
    const row = parsed.data as Row;
    switch (record.type) {
      case 'lane': {
        const key = String(row.lane_key);
        if (sessionsOfLane.has(key)) refuse(`the conversation ${key} appears twice`);
        lane = { key, title: String(row.title) };
        sessionsOfLane.set(key, new Set());
        break;
      }
      case 'session': {
        if (!lane || row.lane_key !== lane.key) refuse(`a session of conversation ${String(row.lane_key)} is not under its conversation`);
        sessionsOfLane.get(lane!.key)!.add(String(row.session_id));
        break;
      }
      case 'turn': {
        if (!lane || row.lane_key !== lane.key || !sessionsOfLane.get(lane.key)!.has(String(row.session_id))) refuse(`turn ${String(row.turn_id)} names no session of its conversation`);
        break;
      }
      case 'event': {
        if (!lane || !sessionsOfLane.get(lane.key)!.has(String(row.session_id))) refuse(`event ${String(row.seq)} names no session of its conversation`);
        const kind = String(row.kind);
        if (!isTurnEventKind(kind)) refuse(`event ${String(row.seq)} is of an unknown kind "${kind.slice(0, 40)}"`);
        let payload: unknown;
        try {
          payload = JSON.parse(String(row.payload));
        } catch {
          refuse(`event ${String(row.seq)} (${kind}) has a payload that is not JSON`);
        }
        const checked = eventPayloadSchemas[kind as keyof typeof eventPayloadSchemas].safeParse(payload);
        if (!checked.success) refuse(`event ${String(row.seq)} (${kind}) has an invalid payload (${issues(checked.error)})`);
        break;
      }
    }
    // The lane row points at its current session: known only once its sessions were read, so checked at the next lane.
    out.push({ type: record.type, row });
    index += 1;
  }
  for (const record of out) {
    if (record.type === 'lane' && !sessionsOfLane.get(String(record.row.lane_key))!.has(String(record.row.session_id))) {
      throw new ArchiveRefusedError(`The archive is damaged: conversation ${String(record.row.lane_key)} points at session ${String(record.row.session_id)}, which it does not contain. Nothing was imported.`);
    }
  }
  return { schemaVersion, records: out };
}

/**
 * Parses and validates a JSON Lines archive, given as its text or as its lines (a staged file read
 * in blocks, see file-lines.ts); throws ArchiveRefusedError naming the line it failed at.
 */
export function parseArchive(source: string | Iterable<string>, latestSchema: number): ValidatedArchive {
  const lines = (typeof source === 'string' ? source.replace(/\n$/, '').split('\n') : source)[Symbol.iterator]();
  const first = lines.next();
  let header: z.infer<typeof headerSchema>;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(first.done ? '' : first.value));
    if (!parsed.success) throw new Error('not a header');
    header = parsed.data;
  } catch {
    throw new ArchiveRefusedError('This is not a Baton store archive (line 1 is not its header). Nothing was imported.');
  }
  checkVersions(header.schemaVersion, header.archiveVersion, latestSchema, 'This archive');
  function* records(): Generator<ArchiveRecord> {
    let i = 0;
    for (let line = lines.next(); !line.done; line = lines.next()) {
      i += 1;
      let value: unknown;
      try {
        value = JSON.parse(line.value);
      } catch {
        throw new ArchiveRefusedError(`The archive is damaged at line ${i + 1}: it is not JSON (cut short or edited?). Nothing was imported.`);
      }
      const record = recordSchema.safeParse(value);
      if (!record.success) throw new ArchiveRefusedError(`The archive is damaged at line ${i + 1}: not a lane, session, turn or event record. Nothing was imported.`);
      yield record.data as ArchiveRecord;
    }
  }
  // Record i of the body is line i + 2 (line 1 is the header).
  return validateRecords(records(), header.schemaVersion, (i) => `line ${i + 2}`);
}

/** Validates the rows of a SQLite copy (already opened); refuses a newer schema or a file that is no Baton store. */
export function validateStoreCopy(db: Database, latestSchema: number): ValidatedArchive {
  const version = schemaVersionOf(db);
  if (version < 1 || !tableExists(db, 'lanes') || !tableExists(db, 'events')) {
    throw new ArchiveRefusedError('This file is not a Baton store (no conversations table). Nothing was imported.');
  }
  checkVersions(version, ARCHIVE_VERSION, latestSchema, 'This store copy');
  const records = [...readStoreRecords(db)];
  return validateRecords(records, version, (i) => `${records[i]?.type ?? 'row'} ${i + 1}`);
}

// ── import ─────────────────────────────────────────────────────────────────────────────────

export interface ImportReport {
  lanes: number;
  sessions: number;
  turns: number;
  events: number;
  /** Lanes whose key was taken in this store: imported under a new key, titled "(imported)". */
  renamed: Array<{ from: string; to: string }>;
  /** Every imported lane's key in this store. */
  laneKeys: string[];
}

/** Live state of the exporting run that must not carry over (see the header). */
const LANE_RESETS: Row = {
  resume_pending: 0,
  resume_reason: null,
  last_resume_marked_at: null,
  restart_failure_count: 0,
  active_turn_id: null,
  active_turn_started_at: null,
  auto_resumed_turn_id: null,
};

function columnsOf(db: Database, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
}

export function importedTitle(title: string): string {
  return title.trim() === '' ? '(imported)' : `${title} (imported)`;
}

/** Adds the archive's rows to `db` in one transaction; throws (and adds nothing) on any failure. */
export function importArchive(db: Database, archive: ValidatedArchive): ImportReport {
  const columns = { lane: columnsOf(db, 'lanes'), session: columnsOf(db, 'sessions'), turn: columnsOf(db, 'turns'), event: columnsOf(db, 'events') };
  const tables = { lane: 'lanes', session: 'sessions', turn: 'turns', event: 'events' } as const;
  const exists = {
    lane: db.prepare('SELECT 1 FROM lanes WHERE lane_key = ?'),
    session: db.prepare('SELECT 1 FROM sessions WHERE session_id = ?'),
    turn: db.prepare('SELECT 1 FROM turns WHERE turn_id = ?'),
  };
  const insert = (type: keyof typeof tables, row: Row): void => {
    // Only the columns this store has; `seq` is the target's own (events are appended in order).
    const names = Object.keys(row).filter((name) => columns[type].has(name) && !(type === 'event' && name === 'seq'));
    db.prepare(`INSERT INTO ${tables[type]} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...names.map((name) => row[name]));
  };
  return db.transaction(() => {
    const report: ImportReport = { lanes: 0, sessions: 0, turns: 0, events: 0, renamed: [], laneKeys: [] };
    const sessionIds = new Map<string, string>();
    const turnIds = new Map<string, string>();
    const newKey = (table: 'session' | 'turn', id: string): string => (exists[table].get(id) ? newId(table === 'session' ? 'ses' : 'turn') : id);
    // Sessions and turns first (ids are needed by the lane row and the events); the lane row last of its group.
    let pendingLane: Row | null = null;
    let laneKey = '';
    const flushLane = (): void => {
      if (!pendingLane) return;
      insert('lane', { ...pendingLane, ...LANE_RESETS, lane_key: laneKey, session_id: sessionIds.get(String(pendingLane.session_id)) ?? String(pendingLane.session_id) });
      pendingLane = null;
    };
    for (const { type, row } of archive.records) {
      switch (type) {
        case 'lane': {
          flushLane();
          const from = String(row.lane_key);
          laneKey = exists.lane.get(from) ? newId('lane') : from;
          pendingLane = laneKey === from ? row : { ...row, title: importedTitle(String(row.title)) };
          if (laneKey !== from) report.renamed.push({ from, to: laneKey });
          report.laneKeys.push(laneKey);
          report.lanes += 1;
          break;
        }
        case 'session': {
          const id = newKey('session', String(row.session_id));
          sessionIds.set(String(row.session_id), id);
          const previous = row.previous_session_id === null || row.previous_session_id === undefined ? null : String(row.previous_session_id);
          insert('session', { ...row, session_id: id, lane_key: laneKey, ...(previous !== null ? { previous_session_id: sessionIds.get(previous) ?? previous } : {}) });
          report.sessions += 1;
          break;
        }
        case 'turn': {
          const id = newKey('turn', String(row.turn_id));
          turnIds.set(String(row.turn_id), id);
          // A turn the exporting run never ended did not end here either: it was cut short.
          const open = row.ended_at === null || row.ended_at === undefined;
          insert('turn', { ...row, turn_id: id, lane_key: laneKey, session_id: sessionIds.get(String(row.session_id))!, ...(open ? { ended_at: row.started_at, outcome: 'interrupted' } : {}) });
          report.turns += 1;
          break;
        }
        case 'event': {
          const turn = row.turn_id === null ? null : (turnIds.get(String(row.turn_id)) ?? String(row.turn_id));
          insert('event', { ...row, session_id: sessionIds.get(String(row.session_id))!, turn_id: turn });
          report.events += 1;
          break;
        }
      }
    }
    flushLane();
    return report;
  })();
}
