/**
 * Issue 11 (SPEC L36): the contract methods for the whole store — export (a JSON Lines archive or
 * a SQLite copy), import (never overwrites; a newer schema or a damaged archive is refused whole)
 * and the backups in Settings (list, back up now, restore through the drain). The GatewayService
 * spreads these handlers into its table.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ExitReason } from '../../../shared/lifecycle.ts';
import type { Result } from '../../../shared/protocol/contract.ts';
import { STORE_IMPORT_LIMITS, type StoreExportFormat } from '../../../shared/store-transfer.ts';
import type { DisposableStore } from '../../../shared/disposables.ts';
import type { BatonCore } from '../baton-core.ts';
import { ChunkedUploads, fileSink } from '../gateway/chunked-uploads.ts';
import { fileLines } from '../sessions/file-lines.ts';
import { newId } from '../sessions/ids.ts';
import { LATEST_SCHEMA_VERSION } from '../sessions/migrations.ts';
import { pendingRestore, requestRestore } from '../sessions/restore-pending.ts';
import { ArchiveRefusedError, exportArchive, importArchive, parseArchive, validateStoreCopy, type ValidatedArchive } from '../sessions/store-archive.ts';
import type { ServiceParams } from './gateway-service.ts';
import { notFound, ServiceError } from './service-errors.ts';

export type StoreMethod = 'store.export' | 'store.import' | 'store.importChunk' | 'backups.list' | 'backups.create' | 'backups.restore';
type StoreHandlers = { [M in StoreMethod]: (params: ServiceParams<M>) => Result<M> | Promise<Result<M>> };

export interface StoreMethodsOptions {
  core: BatonCore;
  /** The composition root's one exit route: a restore restarts through the drain (reason `restore`). */
  requestExit: (reason: ExitReason) => void;
  now?: () => number;
  /** Where the staged imports are dropped when the gateway closes. */
  disposables?: DisposableStore;
}

/** A staged import's file in the data dir (same file system as the store); `.upload-` names it for the sweep. */
const STAGED_IMPORT = /^\.upload-[0-9a-f-]+\.part$/;

function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Temporary files live in the data dir (same file system as the store), removed when done. */
function scratchFile(core: BatonCore, suffix: string): string {
  return path.join(path.dirname(core.store.file), `.${newId('ses').slice(4)}${suffix}`);
}

function removeScratch(file: string): void {
  for (const extra of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${extra}`, { force: true });
}

export function storeMethods(options: StoreMethodsOptions): StoreHandlers {
  const { core } = options;
  const now = options.now ?? Date.now;
  const dataDir = path.dirname(core.store.file);

  const refuseWhileLeaving = (what: string): void => {
    if (core.drain.draining) throw new ServiceError('UNAVAILABLE', `Baton is restarting or quitting; ${what} once it is back.`);
  };

  const exportStore = async (format: StoreExportFormat): Promise<Result<'store.export'>> => {
    const at = now();
    if (format === 'json') {
      const archive = core.store.withConnection((db) => exportArchive(db, at));
      return { fileName: `baton-store-${fileStamp(at)}.jsonl`, format, encoding: 'utf8', data: archive.text, schemaVersion: archive.schemaVersion, counts: archive.counts };
    }
    // The online backup API: a consistent copy while turns keep writing.
    const file = scratchFile(core, '.export.db');
    try {
      await core.store.withConnection((db) => db.backup(file));
      const copy = new Database(file, { readonly: true });
      let counts: Result<'store.export'>['counts'];
      try {
        const count = (table: string) => Number((copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
        counts = { lanes: count('lanes'), sessions: count('sessions'), turns: count('turns'), events: count('events') };
      } finally {
        copy.close();
      }
      const data = fs.readFileSync(file).toString('base64');
      return { fileName: `baton-store-${fileStamp(at)}.db`, format, encoding: 'base64', data, schemaVersion: core.store.schemaVersion, counts };
    } finally {
      removeScratch(file);
    }
  };

  // Chunks of an import are staged in a file, never in memory (L36). A file left by a crash is no
  // upload any more: it goes at start.
  for (const name of fs.readdirSync(dataDir)) if (STAGED_IMPORT.test(name)) fs.rmSync(path.join(dataDir, name), { force: true });
  const staged = new ChunkedUploads<null, string>({
    chunkBytes: STORE_IMPORT_LIMITS.chunkBytes,
    // Two imports at their largest at once; beyond that a third waits.
    maxStagedBytes: 2 * STORE_IMPORT_LIMITS.maxBytes,
    ttlMs: STORE_IMPORT_LIMITS.ttlMs,
    now,
    refuse: (message) => new ServiceError('INVALID_INPUT', message),
    words: {
      chunk: 'An import chunk',
      unknown: 'This import is unknown or expired (unfinished imports are dropped after 30 minutes); choose the file again.',
      full: 'Other imports are still being sent; wait for them to finish, then try again.',
      name: () => 'The archive',
    },
    sink: () => fileSink(path.join(dataDir, `.upload-${crypto.randomUUID()}.part`)),
  });
  options.disposables?.add(() => staged.clear());

  /** Opens a SQLite copy on disk and validates it; the file is left as it was found. */
  const readCopyFile = (file: string): ValidatedArchive => {
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist: true });
    } catch (error) {
      throw new ArchiveRefusedError(`This file is not a SQLite store (${(error as Error).message}). Nothing was imported.`);
    }
    try {
      const problems = (() => {
        try {
          return (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check).filter((row) => row !== 'ok');
        } catch (error) {
          return [(error as Error).message];
        }
      })();
      if (problems.length > 0) throw new ArchiveRefusedError(`This store copy is damaged (${problems.slice(0, 3).join('; ')}). Nothing was imported.`);
      return validateStoreCopy(db, LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  };

  const readCopy = (data: string): ValidatedArchive => {
    const file = scratchFile(core, '.import.db');
    try {
      fs.writeFileSync(file, Buffer.from(data, 'base64'), { mode: 0o600 });
      return readCopyFile(file);
    } finally {
      removeScratch(file);
    }
  };

  /** A finished chunked upload, read from its staged file (JSON line by line); the file goes after. */
  const readUpload = (uploadId: string, format: StoreExportFormat): ValidatedArchive => {
    const { value: file } = staged.take(uploadId, () => 'The archive has not finished uploading; send its remaining chunks first.');
    try {
      return format === 'json' ? parseArchive(fileLines(file), LATEST_SCHEMA_VERSION) : readCopyFile(file);
    } finally {
      removeScratch(file);
    }
  };

  const importStore = (params: ServiceParams<'store.import'>): Result<'store.import'> => {
    refuseWhileLeaving('import');
    const archive =
      params.uploadId !== undefined
        ? readUpload(params.uploadId, params.format)
        : params.format === 'json'
          ? parseArchive(params.data ?? '', LATEST_SCHEMA_VERSION)
          : readCopy(params.data ?? '');
    const report = core.store.withConnection((db) => importArchive(db, archive));
    for (const laneKey of report.laneKeys) core.gateway.emitLane(laneKey);
    return report;
  };

  const entry = (name: string): Result<'backups.create'>['backup'] => {
    const found = core.store.backups.entries().find((candidate) => candidate.name === name);
    if (!found) throw new ServiceError('INTERNAL', `The backup ${name} was taken but cannot be listed.`);
    return found;
  };

  return {
    'store.export': (params) => exportStore(params.format),
    'store.import': (params) => importStore(params),
    'store.importChunk': (params) => {
      refuseWhileLeaving('import');
      return staged.put(params, () => null);
    },
    'backups.list': () => ({ backups: core.store.backups.entries(), lastRestore: core.restore, pendingRestore: pendingRestore(dataDir) }),
    'backups.create': async () => ({ backup: entry(path.basename(await core.store.backupNow('manual'))) }),
    'backups.restore': (params) => {
      if (!core.store.backups.find(params.name)) throw notFound(`No backup named ${params.name}.`);
      refuseWhileLeaving('restore the backup');
      // On disk before the drain starts (L2): whoever relaunches Baton, the next start restores it.
      requestRestore(dataDir, params.name, now());
      options.requestExit('restore');
      return { accepted: true };
    },
  };
}
