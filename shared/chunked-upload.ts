/**
 * The sending side of a chunked upload (issue 11): attachments (`attachment.put`) and store imports
 * (`store.importChunk`, L36) from the window and from `baton import`. One loop, so every sender
 * keeps to the same rules: chunks in order, each `offset` the bytes the gateway says it received,
 * the first without an uploadId (the answer gives one). Receiving side: electron/core/gateway/chunked-uploads.ts.
 */

export interface ChunkOut {
  uploadId?: string;
  offset: number;
  /** Base64 of the bytes [offset, offset + chunkBytes). */
  data: string;
}

export interface ChunkReply {
  uploadId: string;
  received: number;
  complete: boolean;
}

export interface ChunkedUploadSource {
  size: number;
  chunkBytes: number;
  /** The bytes [start, end) as base64 (a File slice in the window, a file read in the CLI). */
  read: (start: number, end: number) => Promise<string> | string;
  /** Names the upload in an error ("“report.pdf”", "the archive"). */
  name: string;
}

/** Sends the source chunk by chunk through `put`; resolves with the upload id once complete. */
export async function sendInChunks(source: ChunkedUploadSource, put: (chunk: ChunkOut) => Promise<ChunkReply>, onProgress?: (sent: number) => void): Promise<string> {
  let uploadId: string | undefined;
  let offset = 0;
  for (;;) {
    const data = await source.read(offset, Math.min(source.size, offset + source.chunkBytes));
    const answer = await put(uploadId === undefined ? { offset, data } : { uploadId, offset, data });
    uploadId = answer.uploadId;
    offset = answer.received;
    onProgress?.(offset);
    if (answer.complete) return uploadId;
    if (data.length === 0) throw new Error(`${source.name} ended before its size.`);
  }
}
