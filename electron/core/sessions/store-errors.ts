/** Errors the store raises instead of touching a file it cannot trust (R2). */

export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  readonly dataDir: string;
  constructor(dataDir: string) {
    super(`Baton is already running with this data directory (${dataDir}). Close the other Baton first.`);
    this.name = 'DataDirInUseError';
    this.dataDir = dataDir;
  }
}

export class StoreTooNewError extends Error {
  readonly code = 'STORE_TOO_NEW';
  readonly file: string;
  readonly fileVersion: number;
  readonly supportedVersion: number;
  constructor(file: string, fileVersion: number, supportedVersion: number) {
    super(
      `The conversation store ${file} was written by a newer Baton (schema ${fileVersion}; this build reads up to ${supportedVersion}). ` +
        'It was left untouched. Update Baton to open it.',
    );
    this.name = 'StoreTooNewError';
    this.file = file;
    this.fileVersion = fileVersion;
    this.supportedVersion = supportedVersion;
  }
}

export class StoreCorruptError extends Error {
  readonly code = 'STORE_CORRUPT';
  readonly file: string;
  /** The newest backup the user can restore, or null when there is none. */
  readonly newestBackup: string | null;
  constructor(file: string, detail: string, newestBackup: string | null) {
    super(
      `The conversation store ${file} is damaged (${detail}). It was not modified. ` +
        (newestBackup ? `The newest backup is ${newestBackup}.` : 'No backup is available yet.'),
    );
    this.name = 'StoreCorruptError';
    this.file = file;
    this.newestBackup = newestBackup;
  }
}
