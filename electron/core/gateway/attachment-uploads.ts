/**
 * Uploads of attachments in chunks (`attachment.put`, issue 11), held in memory until the message
 * that names them is sent (`message.send` takes them). Why chunks: see shared/attachments.ts. The
 * window is not trusted: every chunk is checked against the limits again, the declared size is
 * enforced byte for byte, and an image's bytes must be the type it claims (magic numbers).
 */
import crypto from 'node:crypto';
import { ATTACHMENT_LIMITS, attachmentSetProblem, checkAttachment, THUMBNAIL_PATTERN, type AttachmentRef } from '../../../shared/attachments.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { AttachmentRefusedError } from './attachment-errors.ts';
import { saveAttachmentFile } from './attachment-files.ts';

export interface UploadChunk {
  uploadId?: string | undefined;
  name: string;
  mimeType: string;
  size: number;
  offset: number;
  /** Base64 of at most ATTACHMENT_LIMITS.chunkBytes bytes. */
  data: string;
}

export interface StagedAttachment {
  name: string;
  mimeType: string;
  data: Buffer;
  kind: 'file' | 'image';
  thumbnail?: string | undefined;
}

interface Upload {
  name: string;
  mimeType: string;
  size: number;
  kind: 'file' | 'image';
  chunks: Buffer[];
  received: number;
  touchedAt: number;
}

/** Everything staged at once over all windows; beyond it an upload waits for others to be sent. */
export const MAX_STAGED_BYTES = 256 * 1024 * 1024;
/** An upload no message took within this long is dropped. */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class AttachmentUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly now: () => number;
  private readonly maxStagedBytes: number;

  constructor(options: { now?: () => number; maxStagedBytes?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.maxStagedBytes = options.maxStagedBytes ?? MAX_STAGED_BYTES;
  }

  put(chunk: UploadChunk): { uploadId: string; received: number; complete: boolean } {
    this.sweep();
    if (chunk.data.length % 4 !== 0 || !BASE64.test(chunk.data)) throw new AttachmentRefusedError('An attachment chunk is not base64.');
    const bytes = Buffer.from(chunk.data, 'base64');
    if (bytes.length > ATTACHMENT_LIMITS.chunkBytes) throw new AttachmentRefusedError(`An attachment chunk can hold at most ${formatBytes(ATTACHMENT_LIMITS.chunkBytes)}.`);
    let uploadId = chunk.uploadId;
    let upload = uploadId === undefined ? undefined : this.uploads.get(uploadId);
    if (uploadId === undefined) {
      const check = checkAttachment(chunk);
      if ('problem' in check) throw new AttachmentRefusedError(check.problem);
      if (this.stagedBytes() + chunk.size > this.maxStagedBytes) {
        throw new AttachmentRefusedError('Baton is holding too many attachments that were not sent yet; send or remove some first.');
      }
      uploadId = crypto.randomUUID();
      upload = { name: chunk.name, mimeType: chunk.mimeType, size: chunk.size, kind: check.kind, chunks: [], received: 0, touchedAt: this.now() };
      this.uploads.set(uploadId, upload);
    }
    if (!upload) throw new AttachmentRefusedError('This upload is unknown or expired; attach the file again.');
    if (upload.name !== chunk.name || upload.mimeType !== chunk.mimeType || upload.size !== chunk.size) {
      throw new AttachmentRefusedError('A chunk does not belong to this upload.');
    }
    if (chunk.offset !== upload.received) throw new AttachmentRefusedError(`A chunk arrived out of order (at ${chunk.offset}, expected ${upload.received}).`);
    if (upload.received + bytes.length > upload.size) {
      this.uploads.delete(uploadId);
      throw new AttachmentRefusedError(`“${upload.name}” is larger than the ${formatBytes(upload.size)} it was said to be.`);
    }
    upload.chunks.push(bytes);
    upload.received += bytes.length;
    upload.touchedAt = this.now();
    return { uploadId, received: upload.received, complete: upload.received === upload.size };
  }

  /** Takes complete uploads for a message (they leave the staging area); refuses unknown or unfinished ones. */
  take(items: ReadonlyArray<{ uploadId: string; thumbnail?: string | undefined }>): StagedAttachment[] {
    this.sweep();
    const problem = attachmentSetProblem(items.map((item) => ({ size: this.uploads.get(item.uploadId)?.size ?? 0 })));
    if (problem) throw new AttachmentRefusedError(problem);
    if (new Set(items.map((item) => item.uploadId)).size !== items.length) throw new AttachmentRefusedError('The same attachment is named twice.');
    const staged = items.map((item) => {
      const upload = this.uploads.get(item.uploadId);
      if (!upload) throw new AttachmentRefusedError('An attachment of this message is unknown or expired; attach it again.');
      if (upload.received !== upload.size) throw new AttachmentRefusedError(`“${upload.name}” has not finished uploading.`);
      return { upload, thumbnail: item.thumbnail };
    });
    for (const item of items) this.uploads.delete(item.uploadId);
    return staged.map(({ upload, thumbnail }) => ({
      name: upload.name,
      mimeType: upload.mimeType,
      kind: upload.kind,
      data: Buffer.concat(upload.chunks, upload.size),
      ...(thumbnail !== undefined ? { thumbnail } : {}),
    }));
  }

  get stagedCount(): number {
    return this.uploads.size;
  }

  private stagedBytes(): number {
    let total = 0;
    for (const upload of this.uploads.values()) total += upload.size;
    return total;
  }

  private sweep(): void {
    const cutoff = this.now() - UPLOAD_TTL_MS;
    for (const [id, upload] of this.uploads) if (upload.touchedAt < cutoff) this.uploads.delete(id);
  }
}

const SIGNATURES: Record<string, (data: Buffer) => boolean> = {
  'image/png': (d) => d.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (d) => d.length >= 3 && d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff,
  'image/gif': (d) => ['GIF87a', 'GIF89a'].includes(d.subarray(0, 6).toString('latin1')),
  'image/webp': (d) => d.subarray(0, 4).toString('latin1') === 'RIFF' && d.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** True when the bytes are the image type they are said to be (a renamed file is not an image). */
export function imageMatchesType(mimeType: string, data: Buffer): boolean {
  return SIGNATURES[mimeType]?.(data) ?? false;
}

export interface AttachmentKeeper {
  workspaceDir: string;
  keepImage(sha256: string, mimeType: string, data: Buffer): void;
}

/**
 * Issue 11: the message's attachments made durable before it is acknowledged: files copied into
 * the workspace, images kept in the store under their hash. Returns what the user message records.
 */
export function keepAttachments(staged: readonly StagedAttachment[], keeper: AttachmentKeeper): AttachmentRef[] {
  const problem = attachmentSetProblem(staged.map((item) => ({ size: item.data.length })));
  if (problem) throw new AttachmentRefusedError(problem);
  for (const item of staged) {
    const check = checkAttachment({ name: item.name, size: item.data.length, mimeType: item.mimeType });
    if ('problem' in check) throw new AttachmentRefusedError(check.problem);
    if (check.kind === 'image' && !imageMatchesType(item.mimeType, item.data)) {
      throw new AttachmentRefusedError(`“${item.name}” is not the ${item.mimeType.slice('image/'.length).toUpperCase()} image it says it is.`);
    }
  }
  return staged.map((item): AttachmentRef => {
    const base = { name: item.name, size: item.data.length, mimeType: item.mimeType };
    if (item.kind === 'file') return { kind: 'file', ...base, path: saveAttachmentFile(keeper.workspaceDir, item.name, item.data) };
    const sha256 = crypto.createHash('sha256').update(item.data).digest('hex');
    keeper.keepImage(sha256, item.mimeType, item.data);
    const thumbnail = item.thumbnail !== undefined && item.thumbnail.length <= ATTACHMENT_LIMITS.maxThumbnailChars && THUMBNAIL_PATTERN.test(item.thumbnail) ? item.thumbnail : undefined;
    return { kind: 'image', ...base, sha256, ...(thumbnail ? { thumbnail } : {}) };
  });
}
