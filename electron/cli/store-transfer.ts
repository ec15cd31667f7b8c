/**
 * `baton export --store` and `baton import` (issue 11, SPEC L36): the whole store through the
 * running Baton's `store.export` / `store.import` methods. The file is written under a temporary
 * name and renamed, so FILE is either the whole export or untouched.
 */
import fs from 'node:fs';
import { sendInChunks } from '../../shared/chunked-upload.ts';
import { formatBytes } from '../../shared/format-bytes.ts';
import { STORE_IMPORT_LIMITS, type StoreExportFormat } from '../../shared/store-transfer.ts';
import type { CommandContext } from './commands.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function exportStore(context: CommandContext, format: StoreExportFormat, file: string): Promise<ExitCode> {
  const result = await context.connection.client.call('store.export', { format });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, result.encoding === 'base64' ? Buffer.from(result.data, 'base64') : result.data, { mode: 0o600 });
  fs.renameSync(partial, file);
  const { counts } = result;
  context.io.err(
    `Exported ${plural(counts.lanes, 'conversation')} (${plural(counts.sessions, 'session')}, ${plural(counts.events, 'event')}; store schema ${result.schemaVersion}) to ${file}\n`,
  );
  return EXIT.ok;
}

/**
 * The file goes in chunks (`store.importChunk`), read from disk one chunk at a time: through the
 * headless host a frame is at most 4 MiB, and a store may be hundreds of MB.
 */
export async function importStore(context: CommandContext, file: string): Promise<ExitCode> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw new CliError(EXIT.notFound, `cannot read ${file}: ${(error as Error).message}`);
  }
  let sqlite: boolean;
  let uploadId: string;
  try {
    const { size } = fs.fstatSync(fd);
    if (size === 0) throw new CliError(EXIT.refused, `${file} is empty; nothing was imported`);
    if (size > STORE_IMPORT_LIMITS.maxBytes) throw new CliError(EXIT.refused, `${file} is ${formatBytes(size)}; Baton imports at most ${formatBytes(STORE_IMPORT_LIMITS.maxBytes)}`);
    const read = (start: number, end: number): Buffer => {
      const bytes = Buffer.alloc(end - start);
      return bytes.subarray(0, fs.readSync(fd, bytes, 0, bytes.length, start));
    };
    // A SQLite file says so in its first 16 bytes; anything else is taken as a JSON Lines archive.
    sqlite = read(0, Math.min(size, SQLITE_MAGIC.length)).toString('latin1') === SQLITE_MAGIC;
    uploadId = await sendInChunks({ size, chunkBytes: STORE_IMPORT_LIMITS.chunkBytes, name: file, read: (start, end) => read(start, end).toString('base64') }, (chunk) =>
      context.connection.client.call('store.importChunk', { ...chunk, size }),
    );
  } finally {
    fs.closeSync(fd);
  }
  const report = await context.connection.client.call('store.import', { format: sqlite ? 'sqlite' : 'json', uploadId });
  const lines = [`Imported ${plural(report.lanes, 'conversation')} (${plural(report.sessions, 'session')}, ${plural(report.events, 'event')}) from ${file}.`];
  for (const { from, to } of report.renamed) lines.push(`${from} was already here: imported as ${to}, titled "(imported)".`);
  context.io.err(`${lines.join('\n')}\n`);
  for (const key of report.laneKeys) context.io.out(`${key}\n`);
  return EXIT.ok;
}
