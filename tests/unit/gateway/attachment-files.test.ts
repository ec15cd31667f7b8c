/** Issue 11: attached files are copied into the workspace's attachments/ folder, never over a file, never outside it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveAttachmentFile } from '../../../electron/core/gateway/attachment-files.ts';

let root: string;
let workspace: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-attach-'));
  workspace = path.join(root, 'workspace');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const read = (rel: string) => fs.readFileSync(path.join(workspace, rel), 'utf8');

describe('attachment files in the workspace (issue 11)', () => {
  it('issue 11: a name already taken gets (2), (3) before its extension; the first file is never overwritten', () => {
    expect(saveAttachmentFile(workspace, 'report.pdf', Buffer.from('one'))).toBe('attachments/report.pdf');
    expect(saveAttachmentFile(workspace, 'report.pdf', Buffer.from('two'))).toBe('attachments/report (2).pdf');
    expect(saveAttachmentFile(workspace, 'report.pdf', Buffer.from('three'))).toBe('attachments/report (3).pdf');
    expect(read('attachments/report.pdf')).toBe('one');
    expect(read('attachments/report (3).pdf')).toBe('three');
    expect(saveAttachmentFile(workspace, 'Makefile', Buffer.from('a'))).toBe('attachments/Makefile');
    expect(saveAttachmentFile(workspace, 'Makefile', Buffer.from('b'))).toBe('attachments/Makefile (2)');
    expect(saveAttachmentFile(workspace, '.env', Buffer.from('a'))).toBe('attachments/.env');
    expect(saveAttachmentFile(workspace, '.env', Buffer.from('b'))).toBe('attachments/.env (2)');
    expect(saveAttachmentFile(workspace, 'archive.tar.gz', Buffer.from('a'))).toBe('attachments/archive.tar.gz');
    expect(saveAttachmentFile(workspace, 'archive.tar.gz', Buffer.from('b'))).toBe('attachments/archive.tar (2).gz');
  });

  it('issue 11: a file the person already has in attachments/ is kept', () => {
    fs.mkdirSync(path.join(workspace, 'attachments'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'attachments', 'notes.txt'), 'mine');
    expect(saveAttachmentFile(workspace, 'notes.txt', Buffer.from('attached'))).toBe('attachments/notes (2).txt');
    expect(read('attachments/notes.txt')).toBe('mine');
  });

  it.each(['../escape.txt', '../../etc/passwd', 'sub/dir.txt', 'a\\b.txt', '..', '.', '...', '', 'nul\u0000.txt', 'line\nbreak.txt'])(
    'issue 11: the name %j is refused and nothing is written',
    (name) => {
      expect(() => saveAttachmentFile(workspace, name, Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(fs.existsSync(path.join(root, 'escape.txt'))).toBe(false);
      const inside = fs.existsSync(path.join(workspace, 'attachments')) ? fs.readdirSync(path.join(workspace, 'attachments')) : [];
      expect(inside).toEqual([]);
    },
  );
});
