/**
 * Issue 10: the whole output of a tool call whose `tool_output` row keeps only its head and tail
 * (shared/tool-output.ts). It lives in a file under the data directory, so "Download full output"
 * works after a restart or a crash, and the store's rows stay small. The one place that names
 * these files and caps them.
 *
 * A file is started only once the output outgrows what the row keeps (short outputs, the common
 * case, cost nothing more), begins with everything streamed so far, and grows through an async
 * write stream: no blocking write on the main process while turns run (L39). What reached the
 * stream before a SIGKILL is in the kernel's page cache and survives the process.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { isTruncated, keptOutputText } from '../../../shared/tool-output.ts';
import type { EventPayload } from '../../../shared/transcript.ts';
import type { Log } from '../../../shared/log.ts';
import type { FullOutputRef } from '../sessions/trash.ts';

export const TOOL_OUTPUT_DIR = 'tool-output';
/**
 * Most bytes kept of one call's output: what a window can download in one answer (the WebSocket
 * transport cuts a client off beyond 16 MB of backlog, and JSON escaping can double the size) and
 * far beyond any log worth reading.
 */
export const FULL_OUTPUT_MAX_BYTES = 4 * 1024 * 1024;
export const FULL_OUTPUT_CAPPED_NOTE = '\n[… Baton kept only the first 4 MB of this output …]\n';

/**
 * `<dataDir>/tool-output/<seq>-<hash>.log`: the row's seq is unique in the store; the hash of the
 * session and call ids keeps a seq that SQLite hands out again (after a purge) from reading another
 * call's file. Model-chosen call ids never become path parts.
 */
export function fullOutputPath(dataDir: string, ref: FullOutputRef): string {
  const hash = createHash('sha256').update(`${ref.sessionId}\u0000${ref.callId}`).digest('hex').slice(0, 16);
  return path.join(dataDir, TOOL_OUTPUT_DIR, `${ref.seq}-${hash}.log`);
}

/** Files being closed: a read waits for its file, so a download right after the call gets all of it. */
const ending = new Map<string, Promise<void>>();

/** Appends a call's output to its file, up to the cap; a write that fails only loses the download. */
export class FullOutputFile {
  private readonly file: string;
  private readonly stream: WriteStream;
  private bytes = 0;
  private capped = false;
  private failedWith: Error | null = null;

  constructor(file: string, onError: (error: Error) => void) {
    this.file = file;
    mkdirSync(path.dirname(file), { recursive: true });
    // 'w': a file left by an older row with the same seq is replaced, never appended to.
    this.stream = createWriteStream(file, { flags: 'w' });
    this.stream.on('error', (error) => {
      this.failedWith ??= error;
      onError(error);
    });
  }

  get ok(): boolean {
    return this.failedWith === null;
  }

  write(text: string): void {
    if (this.capped || this.failedWith) return;
    const buffer = Buffer.from(text, 'utf8');
    const room = FULL_OUTPUT_MAX_BYTES - this.bytes;
    if (buffer.length <= room) {
      this.bytes += buffer.length;
      this.stream.write(buffer);
      return;
    }
    this.capped = true;
    this.stream.write(buffer.subarray(0, room));
    this.stream.write(FULL_OUTPUT_CAPPED_NOTE);
  }

  /** Resolves once what was written is handed to the OS (or the stream failed). */
  end(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      if (this.stream.closed || this.stream.destroyed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
    ending.set(this.file, done);
    void done.then(() => {
      if (ending.get(this.file) === done) ending.delete(this.file);
    });
    return done;
  }
}

/** The saved output, at most the cap plus its note; null when there is no file. */
export async function readFullOutput(file: string): Promise<{ text: string; capped: boolean } | null> {
  await ending.get(file);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const limit = FULL_OUTPUT_MAX_BYTES + Buffer.byteLength(FULL_OUTPUT_CAPPED_NOTE);
    const buffer = Buffer.alloc(Math.min(limit, (await handle.stat()).size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return { text, capped: bytesRead > FULL_OUTPUT_MAX_BYTES || text.endsWith(FULL_OUTPUT_CAPPED_NOTE) };
  } finally {
    await handle.close();
  }
}

/**
 * What "Download full output" gets for a `tool_output` row: its file when the row says there is
 * one, else (never truncated, or the file was lost) the row's own text, marked incomplete when the
 * row dropped a middle.
 */
export async function fullOutputOf(
  dataDir: string,
  row: { seq: number; sessionId: string; payload: EventPayload<'tool_output'> },
): Promise<{ callId: string; text: string; complete: boolean; totalBytes: number }> {
  const { payload } = row;
  const saved = payload.fullOutput ? await readFullOutput(fullOutputPath(dataDir, { seq: row.seq, sessionId: row.sessionId, callId: payload.callId })) : null;
  if (saved) return { callId: payload.callId, text: saved.text, complete: !saved.capped, totalBytes: payload.totalBytes };
  return { callId: payload.callId, text: keptOutputText(payload), complete: !isTruncated(payload), totalBytes: payload.totalBytes };
}

/**
 * Removes the files of tool outputs whose rows are gone (their conversation was purged from the
 * trash): "delete" must not leave a command's output behind on disk. A file already gone is fine;
 * any other failure is reported and the rest still go.
 */
export async function removeFullOutputs(dataDir: string, refs: readonly FullOutputRef[], log: Log): Promise<void> {
  for (const ref of refs) {
    const file = fullOutputPath(dataDir, ref);
    await ending.get(file);
    await rm(file, { force: true }).catch((error: Error) => log(`Could not remove a purged tool output (${path.basename(file)}): ${error.message}`));
  }
}
