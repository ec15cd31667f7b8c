/** Issue 11: chunked uploads are checked chunk by chunk against the limits; the window is never trusted. */
import { describe, expect, it } from 'vitest';
import { AttachmentUploads, keepAttachments, UPLOAD_TTL_MS } from '../../../electron/core/gateway/attachment-uploads.ts';
import { ATTACHMENT_LIMITS } from '../../../shared/attachments.ts';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('attachment uploads (issue 11)', () => {
  it('issue 11: chunks in order make the file; take() hands it over once', () => {
    const uploads = new AttachmentUploads();
    const first = uploads.put({ name: 'a.txt', mimeType: 'text/plain', size: 10, offset: 0, data: b64('hello') });
    expect(first).toEqual({ uploadId: expect.any(String), received: 5, complete: false });
    expect(uploads.put({ uploadId: first.uploadId, name: 'a.txt', mimeType: 'text/plain', size: 10, offset: 5, data: b64('world') })).toMatchObject({ received: 10, complete: true });
    const [staged] = uploads.take([{ uploadId: first.uploadId }]);
    expect(staged).toMatchObject({ name: 'a.txt', kind: 'file' });
    expect(staged!.data.toString()).toBe('helloworld');
    expect(() => uploads.take([{ uploadId: first.uploadId }])).toThrow(/unknown or expired/);
  });

  it('issue 11: out of order, beyond the declared size, unfinished, not base64 — each refused', () => {
    const uploads = new AttachmentUploads();
    const { uploadId } = uploads.put({ name: 'a.txt', mimeType: 'text/plain', size: 6, offset: 0, data: b64('abc') });
    expect(() => uploads.put({ uploadId, name: 'a.txt', mimeType: 'text/plain', size: 6, offset: 0, data: b64('abc') })).toThrow(/out of order/);
    expect(() => uploads.take([{ uploadId }])).toThrow(/not finished uploading/);
    expect(() => uploads.put({ uploadId, name: 'a.txt', mimeType: 'text/plain', size: 6, offset: 3, data: b64('defghi') })).toThrow(/larger than/);
    expect(() => uploads.put({ name: 'b.txt', mimeType: 'text/plain', size: 3, offset: 0, data: '@@@@' })).toThrow(/not base64/);
  });

  it('issue 11: size and type limits apply at the first chunk', () => {
    const uploads = new AttachmentUploads();
    expect(() => uploads.put({ name: 'big.bin', mimeType: 'application/octet-stream', size: ATTACHMENT_LIMITS.maxBytes + 1, offset: 0, data: '' })).toThrow(/at most 20\.0 MB/);
    expect(() => uploads.put({ name: 'photo.heic', mimeType: 'image/heic', size: 10, offset: 0, data: '' })).toThrow(/HEIC image, which models cannot read/);
    expect(() => uploads.put({ name: '../x', mimeType: 'text/plain', size: 1, offset: 0, data: b64('x') })).toThrow(/not a plain file name/);
    const tooBigChunk = Buffer.alloc(ATTACHMENT_LIMITS.chunkBytes + 3).toString('base64');
    expect(() => uploads.put({ name: 'a.bin', mimeType: 'application/octet-stream', size: ATTACHMENT_LIMITS.chunkBytes + 3, offset: 0, data: tooBigChunk })).toThrow(/chunk can hold at most/);
  });

  it('issue 11: the total staged is capped, and an upload nobody sent expires', () => {
    let now = 1_000;
    const uploads = new AttachmentUploads({ now: () => now, maxStagedBytes: 10 });
    uploads.put({ name: 'a.txt', mimeType: 'text/plain', size: 8, offset: 0, data: b64('12345678') });
    expect(() => uploads.put({ name: 'b.txt', mimeType: 'text/plain', size: 3, offset: 0, data: b64('123') })).toThrow(/too many attachments/);
    now += UPLOAD_TTL_MS + 1;
    expect(uploads.put({ name: 'b.txt', mimeType: 'text/plain', size: 3, offset: 0, data: b64('123') }).complete).toBe(true);
    expect(uploads.stagedCount).toBe(1);
  });

  it('issue 11: a message takes at most 10 attachments and 50 MB together', () => {
    const uploads = new AttachmentUploads();
    const ids = Array.from({ length: 11 }, (_, i) => uploads.put({ name: `f${i}.txt`, mimeType: 'text/plain', size: 1, offset: 0, data: b64('x') }).uploadId);
    expect(() => uploads.take(ids.map((uploadId) => ({ uploadId })))).toThrow(/at most 10 attachments/);
    const big = Buffer.alloc(ATTACHMENT_LIMITS.maxBytes);
    const staged = [0, 1, 2].map((i) => ({ name: `b${i}.bin`, mimeType: 'application/octet-stream', kind: 'file' as const, data: big }));
    expect(() => keepAttachments(staged, { workspaceDir: '/nonexistent', keepImage: () => {} })).toThrow(/at most 50\.0 MB/);
  });

  it('issue 11: a thumbnail is kept only when it is a small image data URL', () => {
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const kept: string[] = [];
    const refs = keepAttachments(
      [
        { name: 'a.png', mimeType: 'image/png', kind: 'image', data: png, thumbnail: 'data:image/png;base64,AAAA' },
        { name: 'b.png', mimeType: 'image/png', kind: 'image', data: png, thumbnail: 'javascript:alert(1)' },
      ],
      { workspaceDir: '/nonexistent', keepImage: (sha) => kept.push(sha) },
    );
    expect(refs[0]!.thumbnail).toBe('data:image/png;base64,AAAA');
    expect(refs[1]!.thumbnail).toBeUndefined();
    expect(kept).toHaveLength(2);
  });
});
