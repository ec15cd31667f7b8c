/**
 * Attachments in the composer before they are sent (issue 11): each dropped, pasted or picked file
 * is checked against the shared rules at once (shared/attachments.ts), so a person learns of a
 * limit or an unsupported type before pressing Send, not after an upload. The gateway checks again.
 */
import { ATTACHMENT_LIMITS, attachmentSetProblem, checkAttachment, THUMBNAIL_PATTERN } from '../../../shared/attachments.ts';
import type { MethodName, Params, Result } from '../../../shared/protocol/contract.ts';
import { sendInChunks } from '../../../shared/chunked-upload.ts';

export interface AttachmentDraft {
  id: string;
  file: Blob;
  name: string;
  size: number;
  mimeType: string;
  kind: 'file' | 'image';
  /** A small preview of an image (data URL), made in the window; absent for files. */
  thumbnail?: string | undefined;
}

/** Pasted images come without a useful name ("image.png"); they get one that says when. */
export function pastedName(file: { name: string; type: string }, at: Date): string {
  if (file.name && file.name !== 'image.png') return file.name;
  const ext = file.type.split('/')[1] ?? 'png';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `pasted-${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}.${ext}`;
}

/**
 * Adds files to the drafts already there: those that pass the rules are added, the others are
 * named in `problems`. Adding never drops what was attached before.
 */
export function addDrafts(
  existing: readonly AttachmentDraft[],
  files: ReadonlyArray<{ file: Blob; name: string; type: string; size: number }>,
  newId: () => string,
): { drafts: AttachmentDraft[]; problems: string[] } {
  const drafts = [...existing];
  const problems: string[] = [];
  for (const { file, name, type, size } of files) {
    const check = checkAttachment({ name, size, mimeType: type });
    if ('problem' in check) {
      problems.push(check.problem);
      continue;
    }
    const candidate: AttachmentDraft = { id: newId(), file, name, size, mimeType: type || 'application/octet-stream', kind: check.kind };
    const setProblem = attachmentSetProblem([...drafts, candidate]);
    if (setProblem) {
      problems.push(`“${name}” was not added: ${setProblem}`);
      continue;
    }
    drafts.push(candidate);
  }
  return { drafts, problems };
}

/** A thumbnail to show in the transcript, or undefined when the browser cannot draw this image. */
export async function makeThumbnail(file: Blob, maxSide = 240): Promise<string | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const url = canvas.toDataURL('image/jpeg', 0.8);
    return url.length <= ATTACHMENT_LIMITS.maxThumbnailChars && THUMBNAIL_PATTERN.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

type Call = <M extends MethodName>(method: M, params: Params<M>) => Promise<Result<M>>;

/** Sends one draft in chunks (`attachment.put`); resolves with its upload id once complete. */
export function uploadDraft(call: Call, draft: AttachmentDraft, onProgress?: (sent: number) => void): Promise<string> {
  return sendInChunks(
    { size: draft.size, chunkBytes: ATTACHMENT_LIMITS.chunkBytes, name: `“${draft.name}”`, read: (start, end) => blobBase64(draft.file, start, end) },
    (chunk) => call('attachment.put', { ...chunk, name: draft.name, mimeType: draft.mimeType, size: draft.size }),
    onProgress,
  );
}

/** The bytes [start, end) of a Blob (a File the person picked) as base64, read slice by slice. */
export async function blobBase64(blob: Blob, start: number, end: number): Promise<string> {
  return toBase64(new Uint8Array(await blob.slice(start, end).arrayBuffer()));
}
