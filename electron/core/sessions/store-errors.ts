/** Errors the store raises instead of touching a file it cannot trust (R2). */
import { BatonError } from '../../../shared/errors.ts';

export class DataDirInUseError extends BatonError<'DATA_DIR_IN_USE'> {
  readonly dataDir: string;
  constructor(dataDir: string) {
    super('DATA_DIR_IN_USE', `Baton is already running with this data directory (${dataDir}). Close the other Baton first.`);
    this.name = 'DataDirInUseError';
    this.dataDir = dataDir;
  }
}

export class StoreTooNewError extends BatonError<'STORE_TOO_NEW'> {
  readonly file: string;
  readonly fileVersion: number;
  readonly supportedVersion: number;
  constructor(file: string, fileVersion: number, supportedVersion: number) {
    super(
      'STORE_TOO_NEW',
      `The conversation store ${file} was written by a newer Baton (schema ${fileVersion}; this build reads up to ${supportedVersion}). ` +
        'It was left untouched. Update Baton to open it.',
    );
    this.name = 'StoreTooNewError';
    this.file = file;
    this.fileVersion = fileVersion;
    this.supportedVersion = supportedVersion;
  }
}

export class StoreCorruptError extends BatonError<'STORE_CORRUPT'> {
  readonly file: string;
  /** The newest backup the user can restore, or null when there is none. */
  readonly newestBackup: string | null;
  /** Found at a read or write after the store was opened (Baton then stops writing to it). */
  readonly foundWhileRunning: boolean;
  constructor(file: string, detail: string, newestBackup: string | null, options: { foundWhileRunning?: boolean } = {}) {
    super(
      'STORE_CORRUPT',
      `The conversation store ${file} is damaged (${detail}). ` +
        (options.foundWhileRunning ? 'Baton stopped writing to it and will not change it. ' : 'It was not modified. ') +
        (newestBackup ? `The newest backup is ${newestBackup}.` : 'No backup is available yet.'),
    );
    this.name = 'StoreCorruptError';
    this.file = file;
    this.newestBackup = newestBackup;
    this.foundWhileRunning = Boolean(options.foundWhileRunning);
  }
}

/** A write the disk had no room for (SQLITE_FULL): nothing of it was stored. */
export class StoreFullError extends BatonError<'STORAGE_FULL'> {
  readonly file: string;
  constructor(file: string) {
    super('STORAGE_FULL', `the disk is full (${file} could not be written). Free some space and try again`);
    this.name = 'StoreFullError';
    this.file = file;
  }
}

/** A write or read the operating system refused (SQLITE_IOERR and the like): nothing of it was stored. */
export class StoreIoError extends BatonError<'STORAGE_FAILED'> {
  readonly file: string;
  constructor(file: string, detail: string) {
    super('STORAGE_FAILED', `the conversation store ${file} could not be written (${detail})`);
    this.name = 'StoreIoError';
    this.file = file;
  }
}

/** The store was closed under a request: the process is exiting. */
export class StoreClosedError extends BatonError<'UNAVAILABLE'> {
  constructor() {
    super('UNAVAILABLE', 'Baton is shutting down.');
    this.name = 'StoreClosedError';
  }
}
