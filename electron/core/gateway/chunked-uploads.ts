/**
 * One home for uploads that arrive in chunks (issue 11): attachments (`attachment.put`, held in
 * memory until the message takes them) and store imports (`store.importChunk`, staged in a file
 * under the data dir, SPEC L36). Why chunks at all: the host's WebSocket caps a frame at 4 MiB,
 * and one huge frame would hold up every streamed event queued behind it.
 *
 * The sender is not trusted: every chunk is base64 of at most `chunkBytes` bytes, chunks come in
 * order (`offset` = bytes received so far), the declared size is enforced byte for byte, all
 * staged uploads together stay under `maxStagedBytes`, and an upload nobody touched for `ttlMs`
 * is dropped (its sink discarded, so a staged file does not outlive it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { formatBytes } from '../../../shared/format-bytes.ts';

/** Where one upload's bytes go: appended in order, then finished into what the taker gets. */
export interface ChunkSink<T> {
  append(bytes: Buffer): void;
  finish(): T;
  /** Drops what was staged (an expired, oversize or abandoned upload). */
  discard(): void;
}

export interface ChunkIn {
  uploadId?: string | undefined;
  size: number;
  offset: number;
  /** Base64 of at most `chunkBytes` bytes. */
  data: string;
}

export interface ChunkAnswer {
  uploadId: string;
  received: number;
  complete: boolean;
}

/** The words of each refusal, for the person who chose the file. */
export interface UploadWords<M> {
  /** "An attachment chunk" */
  chunk: string;
  unknown: string;
  full: string;
  /** How a refusal names the upload ("“report.pdf”", "The archive"). */
  name: (meta: M) => string;
}

export interface ChunkedUploadsOptions<M, T> {
  chunkBytes: number;
  maxStagedBytes: number;
  ttlMs: number;
  now?: () => number;
  refuse: (message: string) => Error;
  words: UploadWords<M>;
  sink: (meta: M) => ChunkSink<T>;
}

interface Upload<M, T> {
  meta: M;
  size: number;
  received: number;
  sink: ChunkSink<T>;
  touchedAt: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class ChunkedUploads<M, T> {
  private readonly uploads = new Map<string, Upload<M, T>>();
  private readonly now: () => number;
  private readonly options: ChunkedUploadsOptions<M, T>;

  constructor(options: ChunkedUploadsOptions<M, T>) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes one chunk. Without an uploadId it starts an upload: `start` checks what the first chunk
   * says (and may refuse) and gives the upload's meta; `belongs` checks every later chunk says the same.
   */
  put(chunk: ChunkIn, start: () => M, belongs: (meta: M) => boolean = () => true): ChunkAnswer {
    const { refuse, words } = this.options;
    this.sweep();
    if (chunk.data.length % 4 !== 0 || !BASE64.test(chunk.data)) throw refuse(`${words.chunk} is not base64.`);
    const bytes = Buffer.from(chunk.data, 'base64');
    if (bytes.length > this.options.chunkBytes) throw refuse(`${words.chunk} can hold at most ${formatBytes(this.options.chunkBytes)}.`);
    let uploadId = chunk.uploadId;
    let upload = uploadId === undefined ? undefined : this.uploads.get(uploadId);
    if (uploadId === undefined) {
      const meta = start();
      if (this.stagedBytes() + chunk.size > this.options.maxStagedBytes) throw refuse(words.full);
      uploadId = crypto.randomUUID();
      upload = { meta, size: chunk.size, received: 0, sink: this.options.sink(meta), touchedAt: this.now() };
      this.uploads.set(uploadId, upload);
    }
    if (!upload) throw refuse(words.unknown);
    if (upload.size !== chunk.size || !belongs(upload.meta)) throw refuse('A chunk does not belong to this upload.');
    if (chunk.offset !== upload.received) throw refuse(`A chunk arrived out of order (at ${chunk.offset}, expected ${upload.received}).`);
    if (upload.received + bytes.length > upload.size) {
      this.drop(uploadId);
      throw refuse(`${words.name(upload.meta)} is larger than the ${formatBytes(upload.size)} it was said to be.`);
    }
    upload.sink.append(bytes);
    upload.received += bytes.length;
    upload.touchedAt = this.now();
    return { uploadId, received: upload.received, complete: upload.received === upload.size };
  }

  /** An upload's state without taking it (undefined when unknown or expired). */
  peek(uploadId: string): { meta: M; size: number; received: number } | undefined {
    this.sweep();
    const upload = this.uploads.get(uploadId);
    return upload && { meta: upload.meta, size: upload.size, received: upload.received };
  }

  /** Takes a complete upload (it leaves the staging area); refuses an unknown or unfinished one. */
  take(uploadId: string, unfinished: (meta: M) => string): { meta: M; value: T } {
    this.sweep();
    const upload = this.uploads.get(uploadId);
    if (!upload) throw this.options.refuse(this.options.words.unknown);
    if (upload.received !== upload.size) throw this.options.refuse(unfinished(upload.meta));
    this.uploads.delete(uploadId);
    return { meta: upload.meta, value: upload.sink.finish() };
  }

  get stagedCount(): number {
    return this.uploads.size;
  }

  /** Drops every upload (the gateway is closing). */
  clear(): void {
    for (const id of [...this.uploads.keys()]) this.drop(id);
  }

  private drop(uploadId: string): void {
    this.uploads.get(uploadId)?.sink.discard();
    this.uploads.delete(uploadId);
  }

  private stagedBytes(): number {
    let total = 0;
    for (const upload of this.uploads.values()) total += upload.size;
    return total;
  }

  private sweep(): void {
    const cutoff = this.now() - this.options.ttlMs;
    for (const [id, upload] of this.uploads) if (upload.touchedAt < cutoff) this.drop(id);
  }
}

/** Bytes kept in memory (attachments: at most 20 MB each, 256 MB over all windows). */
export function memorySink(): ChunkSink<Buffer> {
  const chunks: Buffer[] = [];
  return {
    append: (bytes) => void chunks.push(bytes),
    finish: () => Buffer.concat(chunks),
    discard: () => void chunks.splice(0),
  };
}

/**
 * Bytes staged in a file (store imports, up to hundreds of MB): written as they come, never held
 * in memory. The taker gets the file's path and removes it when done.
 */
export function fileSink(file: string): ChunkSink<string> {
  let fd: number | null = fs.openSync(file, 'wx', 0o600);
  const close = () => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
  };
  return {
    append: (bytes) => {
      if (fd !== null) fs.writeSync(fd, bytes);
    },
    finish: () => {
      close();
      return file;
    },
    discard: () => {
      close();
      fs.rmSync(file, { force: true });
    },
  };
}
