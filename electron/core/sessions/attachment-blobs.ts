/**
 * Image attachments kept in the store (issue 11, schema v9): content-addressed per conversation,
 * so a resume or a retry sends the same bytes to the model again, and a backup of the store file
 * carries them. Files are not kept here: they are copied into the workspace, where tools read them.
 */
import { StoreAggregate } from './store-aggregate.ts';

export interface AttachmentBlob {
  mimeType: string;
  data: Buffer;
}

export class AttachmentBlobs extends StoreAggregate {
  /** Keeps the bytes under their hash; the same image kept twice in one lane is stored once. */
  put(laneKey: string, sha256: string, mimeType: string, data: Buffer): void {
    this.db
      .prepare('INSERT OR IGNORE INTO attachment_blobs (lane_key, sha256, mime_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(laneKey, sha256, mimeType, data.length, data, this.now());
  }

  get(laneKey: string, sha256: string): AttachmentBlob | null {
    const row = this.db.prepare('SELECT mime_type, data FROM attachment_blobs WHERE lane_key = ? AND sha256 = ?').get(laneKey, sha256) as
      | { mime_type: string; data: Buffer }
      | undefined;
    return row ? { mimeType: row.mime_type, data: row.data } : null;
  }

  /** The trash purge: a conversation's images go with it. */
  removeLane(laneKey: string): number {
    return this.db.prepare('DELETE FROM attachment_blobs WHERE lane_key = ?').run(laneKey).changes;
  }
}
