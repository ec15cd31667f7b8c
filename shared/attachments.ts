/**
 * Attachments (issue 11): the one set of rules the composer checks before sending and the gateway
 * enforces again when the message arrives (a window is never trusted). A file is copied into the
 * conversation's workspace (`attachments/`) and named in the text the model sees; an image is kept
 * in the store and sent to the model as an image part, again on every later request of the session.
 *
 * Uploads travel in chunks (`attachment.put`): a 20 MB image is 27 MB of base64, far over the
 * host's 4 MiB WebSocket frame cap, and one huge frame would also hold up every streamed event
 * queued behind it. Chunks of CHUNK_BYTES keep each frame small and let the window show progress.
 */
import * as z from './zod.ts';
import { formatBytes } from './format-bytes.ts';

const MIB = 1024 * 1024;

export const ATTACHMENT_LIMITS = {
  /** Per file or image. */
  maxBytes: 20 * MIB,
  /** Attachments on one message. */
  maxCount: 10,
  /** All attachments of one message together. */
  maxTotalBytes: 50 * MIB,
  /** Raw bytes per `attachment.put` chunk (about 1.4 MB of base64, well under the 4 MiB frame cap). */
  chunkBytes: 1 * MIB,
  /** A thumbnail the window made of an image (a small data URL kept in the transcript event). */
  maxThumbnailChars: 96 * 1024,
  maxNameLength: 255,
} as const;

/** The image types both provider APIs accept as image parts (OpenAI-compatible and Anthropic). */
export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];

export function isImageMimeType(value: string): value is ImageMimeType {
  return (IMAGE_MIME_TYPES as readonly string[]).includes(value);
}

/** What a user message records about each attachment (additive field of `user_message`). */
export const attachmentRefSchema = z.object({
  kind: z.enum(['file', 'image']),
  name: z.string(),
  size: z.number().check(z.int(), z.minimum(0)),
  mimeType: z.string(),
  /** A file's place in the workspace, relative to it (`attachments/report (2).pdf`). */
  path: z.optional(z.string()),
  /** An image's content hash: its key in the store, so a resume or retry sends it again. */
  sha256: z.optional(z.string()),
  /** An image's small preview (a data URL) for the transcript. */
  thumbnail: z.optional(z.string()),
});
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

export const THUMBNAIL_PATTERN = /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;


/**
 * Why this name cannot be a file name in the workspace, or null. Names are refused, not cleaned:
 * a separator or `..` in a name is never a file the person picked (path traversal).
 */
export function attachmentNameProblem(name: string): string | null {
  if (name.trim() === '') return 'An attachment needs a file name.';
  if (name.length > ATTACHMENT_LIMITS.maxNameLength) return `A file name can have at most ${ATTACHMENT_LIMITS.maxNameLength} characters.`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..' || /^\.+$/.test(name)) {
    return `“${name}” is not a plain file name (no folders, no “..”).`;
  }
  return null;
}

/** Images that are no PNG, JPEG, GIF or WebP: models cannot read them as images. SVG is text, kept as a file. */
function unsupportedImage(mimeType: string): boolean {
  return mimeType.startsWith('image/') && !isImageMimeType(mimeType) && mimeType !== 'image/svg+xml';
}

export type AttachmentCheck = { kind: 'file' | 'image' } | { problem: string };

/** One attachment's kind, or why it cannot be sent. */
export function checkAttachment(file: { name: string; size: number; mimeType: string }): AttachmentCheck {
  const nameProblem = attachmentNameProblem(file.name);
  if (nameProblem) return { problem: nameProblem };
  if (file.size > ATTACHMENT_LIMITS.maxBytes) {
    return { problem: `“${file.name}” is ${formatBytes(file.size)}; an attachment can be at most ${formatBytes(ATTACHMENT_LIMITS.maxBytes)}.` };
  }
  if (unsupportedImage(file.mimeType)) {
    const type = file.mimeType.slice('image/'.length).toUpperCase();
    return { problem: `“${file.name}” is a ${type} image, which models cannot read; attach it as PNG, JPEG, GIF or WebP.` };
  }
  if (isImageMimeType(file.mimeType)) {
    if (file.size === 0) return { problem: `“${file.name}” is empty.` };
    return { kind: 'image' };
  }
  return { kind: 'file' };
}

/** Why these attachments cannot go on one message together (count, total size), or null. */
export function attachmentSetProblem(files: ReadonlyArray<{ size: number }>): string | null {
  if (files.length > ATTACHMENT_LIMITS.maxCount) return `A message can have at most ${ATTACHMENT_LIMITS.maxCount} attachments.`;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > ATTACHMENT_LIMITS.maxTotalBytes) {
    return `These attachments are ${formatBytes(total)} together; a message can carry at most ${formatBytes(ATTACHMENT_LIMITS.maxTotalBytes)}.`;
  }
  return null;
}

/**
 * The text the model sees for a user message: the person's words, then one line per attached file
 * with its place in the workspace, so the agent's file tools can open it.
 */
export function textForModel(text: string, attachments: readonly AttachmentRef[] | undefined): string {
  const files = (attachments ?? []).filter((a) => a.kind === 'file' && a.path !== undefined);
  if (files.length === 0) return text;
  const lines = files.map((file) => `[Attached file: ${file.path} (${formatBytes(file.size)}) — saved in the workspace]`);
  return text.trim() === '' ? lines.join('\n') : `${text}\n\n${lines.join('\n')}`;
}

/** The base64 length of `bytes` raw bytes: the cap of one chunk's `data`. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}
