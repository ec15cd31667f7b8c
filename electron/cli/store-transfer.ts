/**
 * `baton export --store` and `baton import` (issue 11, SPEC L36): the whole store through the
 * running Baton's `store.export` / `store.import` methods. The file is written under a temporary
 * name and renamed, so FILE is either the whole export or untouched.
 */
import fs from 'node:fs';
import type { StoreExportFormat } from '../../shared/store-transfer.ts';
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

export async function importStore(context: CommandContext, file: string): Promise<ExitCode> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new CliError(EXIT.notFound, `cannot read ${file}: ${(error as Error).message}`);
  }
  // A SQLite file says so in its first 16 bytes; anything else is taken as a JSON Lines archive.
  const sqlite = bytes.subarray(0, SQLITE_MAGIC.length).toString('latin1') === SQLITE_MAGIC;
  const report = await context.connection.client.call('store.import', sqlite ? { format: 'sqlite', data: bytes.toString('base64') } : { format: 'json', data: bytes.toString('utf8') });
  const lines = [`Imported ${plural(report.lanes, 'conversation')} (${plural(report.sessions, 'session')}, ${plural(report.events, 'event')}) from ${file}.`];
  for (const { from, to } of report.renamed) lines.push(`${from} was already here: imported as ${to}, titled "(imported)".`);
  context.io.err(`${lines.join('\n')}\n`);
  for (const key of report.laneKeys) context.io.out(`${key}\n`);
  return EXIT.ok;
}
