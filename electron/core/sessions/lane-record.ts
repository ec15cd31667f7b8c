/** The persisted lane record (SPEC §2) and the tolerant reading of older rows (L1). */
import type { ResumeReason } from '../../../shared/lifecycle.ts';

export interface ActiveTurn {
  turnId: string;
  startedAt: number;
}

export interface LaneRecord {
  laneKey: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  origin: { platform: string };
  title: string;
  suspended: boolean;
  resumePending: boolean;
  /** Usually a ResumeReason; kept verbatim when an older or newer build wrote something else. */
  resumeReason: ResumeReason | string | null;
  lastResumeMarkedAt: number | null;
  restartFailureCount: number;
  /** The write-ahead turn journal: set while a turn runs, cleared when it ends (L15). */
  activeTurn: ActiveTurn | null;
  /** The interrupted turn that was already auto-resumed once (L20: once per interrupted turn). */
  autoResumedTurnId: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Issue 11: pinned conversations are listed first. */
  pinned: boolean;
  /** Issue 11, L35: when it went to the trash (restorable for TRASH_DAYS), else null. */
  deletedAt: number | null;
  /** Issue 11: when it was archived (out of the main list), else null. */
  archivedAt: number | null;
  /** L34: the provider (by name) and model this conversation uses; null until one is chosen. */
  provider: string | null;
  model: string | null;
  /** L34: the agent profile by name; null is the Default profile. */
  profile: string | null;
  /** L34: the conversation's own instructions and workspace folder, replacing its profile's; null keeps the profile's. */
  instructions: string | null;
  workspaceDir: string | null;
}

export type LaneRow = Record<string, unknown>;

function toInt(value: unknown, fallback: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** The largest time a JavaScript Date can hold; anything beyond is not a time. */
const MAX_TIME_MS = 8.64e15;

/** ISO 8601 dates as older builds wrote them; V8's Date.parse alone accepts text like "garbage 2020". */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function validTime(ms: number): number | null {
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_TIME_MS ? Math.trunc(ms) : null;
}

/**
 * A mark time is a millisecond epoch. Older builds and hand edits may leave text or nonsense;
 * those become null while the flag and reason survive (L1).
 */
export function parseMarkTime(value: unknown): number | null {
  if (typeof value === 'number') return validTime(value);
  if (typeof value === 'bigint') return value > 0n && value <= BigInt(MAX_TIME_MS) ? Number(value) : null;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return validTime(Number(text));
    return ISO_TIME.test(text) ? validTime(Date.parse(text)) : null;
  }
  return null;
}

function toText(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Empty text is no choice (a hand edit, or a newer build's placeholder). */
function toNullableText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Row → record. Every field has a default so rows from any schema version load (L1). */
export function laneFromRow(row: LaneRow): LaneRecord {
  const createdAt = toInt(row.created_at, 0);
  const turnId = typeof row.active_turn_id === 'string' && row.active_turn_id !== '' ? row.active_turn_id : null;
  const reason = row.resume_reason;
  return {
    laneKey: toText(row.lane_key, ''),
    sessionId: toText(row.session_id, ''),
    createdAt,
    updatedAt: toInt(row.updated_at, createdAt),
    origin: { platform: toText(row.origin_platform, 'desktop') },
    title: toText(row.title, ''),
    suspended: toInt(row.suspended, 0) !== 0,
    resumePending: toInt(row.resume_pending, 0) !== 0,
    resumeReason: typeof reason === 'string' && reason !== '' ? reason : null,
    lastResumeMarkedAt: parseMarkTime(row.last_resume_marked_at),
    restartFailureCount: Math.max(0, toInt(row.restart_failure_count, 0)),
    activeTurn: turnId ? { turnId, startedAt: toInt(row.active_turn_started_at, 0) } : null,
    autoResumedTurnId: typeof row.auto_resumed_turn_id === 'string' ? row.auto_resumed_turn_id : null,
    inputTokens: toInt(row.input_tokens, 0),
    outputTokens: toInt(row.output_tokens, 0),
    pinned: toInt(row.pinned, 0) !== 0,
    deletedAt: row.deleted_at == null ? null : parseMarkTime(row.deleted_at),
    archivedAt: row.archived_at == null ? null : parseMarkTime(row.archived_at),
    provider: toNullableText(row.provider),
    model: toNullableText(row.model),
    profile: toNullableText(row.profile),
    instructions: typeof row.instructions === 'string' ? row.instructions : null,
    workspaceDir: toNullableText(row.workspace_dir),
  };
}
