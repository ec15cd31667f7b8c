/**
 * Uploads of attachments in chunks (`attachment.put`, issue 11), held in memory until the message
 * that names them is sent (`message.send` takes them); the chunk mechanics are chunked-uploads.ts,
 * shared with store imports. Why chunks: see shared/attachments.ts. The window is not trusted: every chunk is checked against the limits again, the declared size is
 * enforced byte for byte, and an image's bytes must be the type it claims (magic numbers).
 */
import crypto from 'node:crypto';
import { ATTACHMENT_LIMITS, attachmentSetProblem, checkAttachment, THUMBNAIL_PATTERN, type AttachmentRef } from '../../../shared/attachments.ts';
import { AttachmentRefusedError } from './attachment-errors.ts';
import { saveAttachmentFile } from './attachment-files.ts';
import { ChunkedUploads, memorySink, type ChunkAnswer } from './chunked-uploads.ts';

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

interface AttachmentMeta {
  name: string;
  mimeType: string;
  kind: 'file' | 'image';
}

/** Everything staged at once over all windows; beyond it an upload waits for others to be sent. */
export const MAX_STAGED_BYTES = 256 * 1024 * 1024;
/** An upload no message took within this long is dropped. */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;

/** The attachment rules over the one chunked-upload mechanism (chunked-uploads.ts), in memory. */
export class AttachmentUploads {
  private readonly uploads: ChunkedUploads<AttachmentMeta, Buffer>;

  constructor(options: { now?: () => number; maxStagedBytes?: number } = {}) {
    this.uploads = new ChunkedUploads({
      chunkBytes: ATTACHMENT_LIMITS.chunkBytes,
      maxStagedBytes: options.maxStagedBytes ?? MAX_STAGED_BYTES,
      ttlMs: UPLOAD_TTL_MS,
      ...(options.now ? { now: options.now } : {}),
      refuse: (message) => new AttachmentRefusedError(message),
      words: {
        chunk: 'An attachment chunk',
        unknown: 'This upload is unknown or expired; attach the file again.',
        full: 'Baton is holding too many attachments that were not sent yet; send or remove some first.',
        name: (meta) => `“${meta.name}”`,
      },
      sink: memorySink,
    });
  }

  put(chunk: UploadChunk): ChunkAnswer {
    return this.uploads.put(
      chunk,
      () => {
        const check = checkAttachment(chunk);
        if ('problem' in check) throw new AttachmentRefusedError(check.problem);
        return { name: chunk.name, mimeType: chunk.mimeType, kind: check.kind };
      },
      (meta) => meta.name === chunk.name && meta.mimeType === chunk.mimeType,
    );
  }

  /** Takes complete uploads for a message (they leave the staging area); refuses unknown or unfinished ones. */
  take(items: ReadonlyArray<{ uploadId: string; thumbnail?: string | undefined }>): StagedAttachment[] {
    const problem = attachmentSetProblem(items.map((item) => ({ size: this.uploads.peek(item.uploadId)?.size ?? 0 })));
    if (problem) throw new AttachmentRefusedError(problem);
    if (new Set(items.map((item) => item.uploadId)).size !== items.length) throw new AttachmentRefusedError('The same attachment is named twice.');
    for (const item of items) {
      const upload = this.uploads.peek(item.uploadId);
      if (!upload) throw new AttachmentRefusedError('An attachment of this message is unknown or expired; attach it again.');
      if (upload.received !== upload.size) throw new AttachmentRefusedError(`“${upload.meta.name}” has not finished uploading.`);
    }
    return items.map((item) => {
      const { meta, value } = this.uploads.take(item.uploadId, (m) => `“${m.name}” has not finished uploading.`);
      return { ...meta, data: value, ...(item.thumbnail !== undefined ? { thumbnail: item.thumbnail } : {}) };
    });
  }

  get stagedCount(): number {
    return this.uploads.stagedCount;
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
