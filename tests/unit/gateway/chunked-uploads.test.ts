/**
 * Issue 11 (SPEC L36): the one chunked-upload mechanism, with a real staging file: chunks in
 * order, the declared size enforced, an expired or oversize upload's file removed with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkedUploads, fileSink } from '../../../electron/core/gateway/chunked-uploads.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function staging(options: { now?: () => number; maxStagedBytes?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-chunks-'));
  dirs.push(dir);
  let n = 0;
  const uploads = new ChunkedUploads<null, string>({
    chunkBytes: 4,
    maxStagedBytes: options.maxStagedBytes ?? 100,
    ttlMs: 1000,
    ...(options.now ? { now: options.now } : {}),
    refuse: (message) => new Error(message),
    words: { chunk: 'An import chunk', unknown: 'This import is unknown or expired.', full: 'Too much staged.', name: () => 'The archive' },
    sink: () => fileSink(path.join(dir, `.upload-${++n}.part`)),
  });
  return { dir, uploads, files: () => fs.readdirSync(dir) };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('chunked uploads staged in a file (issue 11, L36)', () => {
  it('L36: chunks in order land in one file, taken once complete; the file is the taker’s', () => {
    const { uploads, files } = staging();
    const first = uploads.put({ size: 7, offset: 0, data: b64('abcd') }, () => null);
    expect(first).toMatchObject({ received: 4, complete: false });
    expect(() => uploads.take(first.uploadId, () => 'not finished')).toThrow('not finished');
    expect(uploads.put({ uploadId: first.uploadId, size: 7, offset: 4, data: b64('efg') }, () => null)).toMatchObject({ received: 7, complete: true });
    const { value: file } = uploads.take(first.uploadId, () => 'not finished');
    expect(fs.readFileSync(file, 'utf8')).toBe('abcdefg');
    expect(files()).toEqual([path.basename(file)]);
    expect(() => uploads.take(first.uploadId, () => 'not finished')).toThrow(/unknown or expired/);
  });

  it('L36: out of order, a chunk over the limit, not base64, another size or an unknown upload are refused; past the declared size the upload and its file go', () => {
    const { uploads, files } = staging();
    const { uploadId } = uploads.put({ size: 6, offset: 0, data: b64('abc') }, () => null);
    expect(() => uploads.put({ uploadId, size: 6, offset: 0, data: b64('abc') }, () => null)).toThrow(/out of order \(at 0, expected 3\)/);
    expect(() => uploads.put({ uploadId, size: 6, offset: 3, data: b64('abcde') }, () => null)).toThrow(/can hold at most 4 B/);
    expect(() => uploads.put({ uploadId, size: 6, offset: 3, data: '@@@@' }, () => null)).toThrow(/not base64/);
    expect(() => uploads.put({ uploadId, size: 9, offset: 3, data: b64('d') }, () => null)).toThrow(/does not belong/);
    expect(() => uploads.put({ uploadId: 'nope', size: 6, offset: 0, data: b64('a') }, () => null)).toThrow(/unknown or expired/);
    expect(files()).toHaveLength(1);
    expect(() => uploads.put({ uploadId, size: 6, offset: 3, data: b64('defg') }, () => null)).toThrow(/The archive is larger than the 6 B it was said to be/);
    expect(files()).toEqual([]);
    expect(() => uploads.put({ uploadId, size: 6, offset: 3, data: b64('d') }, () => null)).toThrow(/unknown or expired/);
  });

  it('L36: an upload untouched past its time is dropped with its file; the staged total is capped; clear() removes every file', () => {
    let now = 0;
    const { uploads, files } = staging({ now: () => now, maxStagedBytes: 10 });
    const old = uploads.put({ size: 8, offset: 0, data: b64('1234') }, () => null);
    expect(() => uploads.put({ size: 3, offset: 0, data: b64('1') }, () => null)).toThrow('Too much staged.');
    now = 1001;
    const fresh = uploads.put({ size: 3, offset: 0, data: b64('1') }, () => null);
    expect(files()).toHaveLength(1);
    expect(() => uploads.put({ uploadId: old.uploadId, size: 8, offset: 4, data: b64('5678') }, () => null)).toThrow(/unknown or expired/);
    expect(uploads.peek(fresh.uploadId)).toMatchObject({ size: 3, received: 1 });
    uploads.clear();
    expect(files()).toEqual([]);
    expect(uploads.stagedCount).toBe(0);
  });
});
