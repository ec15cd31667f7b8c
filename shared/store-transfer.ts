/**
 * Issue 11 (SPEC L36): the shapes of the whole-store export and import and of the backups list,
 * for the contract (shared/protocol/contract.ts) and every front end.
 */
import * as z from './zod.ts';
import { base64Length } from './attachments.ts';

export const STORE_EXPORT_FORMATS = ['json', 'sqlite'] as const;
export type StoreExportFormat = (typeof STORE_EXPORT_FORMATS)[number];

const counts = z.object({ lanes: z.number().check(z.int()), sessions: z.number().check(z.int()), turns: z.number().check(z.int()), events: z.number().check(z.int()) });

/** JSON is the archive's text (JSON Lines); a SQLite copy travels as base64. */
export const storeExportResultSchema = z.object({
  fileName: z.string(),
  format: z.enum(STORE_EXPORT_FORMATS),
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
  schemaVersion: z.number().check(z.int()),
  counts,
});
export type StoreExportResult = z.infer<typeof storeExportResultSchema>;

const MIB = 1024 * 1024;

/**
 * An import travels in chunks (`store.importChunk`, then `store.import { uploadId }`): the host's
 * WebSocket takes at most 4 MiB a frame. The gateway stages the chunks in a file under the data
 * dir, never in memory. The cap: an import validates every row in memory before its one
 * transaction (all or nothing), so the archive's size bounds that memory; 512 MiB is far beyond
 * any real store (a thousand-turn conversation is a few MB) and within Node's default heap.
 */
export const STORE_IMPORT_LIMITS = {
  maxBytes: 512 * MIB,
  /** Raw bytes per chunk (about 1.4 MB of base64), as attachment chunks. */
  chunkBytes: 1 * MIB,
  /** A staged import nobody finished within this long is dropped, its file removed. */
  ttlMs: 30 * 60 * 1000,
} as const;

/** One chunk of an archive, in order; the first has no uploadId and gets one. */
export const storeImportChunkParamsSchema = z.object({
  uploadId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  size: z.number().check(z.int(), z.minimum(1), z.maximum(STORE_IMPORT_LIMITS.maxBytes)),
  offset: z.number().check(z.int(), z.minimum(0)),
  data: z.string().check(z.maxLength(base64Length(STORE_IMPORT_LIMITS.chunkBytes))),
});

/** The archive inline (`data`, small archives, older clients) or a finished `store.importChunk` upload. */
export const storeImportParamsSchema = z
  .object({ format: z.enum(STORE_EXPORT_FORMATS), data: z.optional(z.string().check(z.minLength(1))), uploadId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))) })
  .check(z.refine((p) => (p.data === undefined) !== (p.uploadId === undefined), { message: 'An import needs either data or an uploadId, not both.', path: ['uploadId'] }));

export const storeImportResultSchema = z.extend(counts, {
  /** Conversations whose key was taken here: imported under a new key and titled "(imported)". */
  renamed: z.array(z.object({ from: z.string(), to: z.string() })),
  laneKeys: z.array(z.string()),
});
export type StoreImportResult = z.infer<typeof storeImportResultSchema>;

export const BACKUP_KINDS = ['daily', 'pre-update', 'pre-migration', 'manual', 'pre-restore', 'other'] as const;

export const backupEntrySchema = z.object({
  /** The backup's file name: its id for a restore. */
  name: z.string(),
  kind: z.enum(BACKUP_KINDS),
  label: z.string(),
  size: z.number().check(z.int()),
  createdAt: z.number(),
});
export type BackupEntryView = z.infer<typeof backupEntrySchema>;

export const restoreOutcomeSchema = z.object({
  outcome: z.enum(['restored', 'refused']),
  backup: z.string(),
  at: z.number(),
  message: z.string(),
  preRestoreBackup: z.nullable(z.string()),
});
export type RestoreOutcomeView = z.infer<typeof restoreOutcomeSchema>;

export const backupsListResultSchema = z.object({
  backups: z.array(backupEntrySchema),
  /** What this start did with a restore asked for before it (restored, or refused and why). */
  lastRestore: z.nullable(restoreOutcomeSchema),
  /** A restore that waits for the next start (the drain is under way), by backup name. */
  pendingRestore: z.nullable(z.string()),
});
export type BackupsListResult = z.infer<typeof backupsListResultSchema>;
