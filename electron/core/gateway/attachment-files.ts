/**
 * Attached files go into the conversation's workspace, in `attachments/` (issue 11), where the
 * agent's file tools can read them. A name is refused when it is not a plain file name (path
 * traversal); a name already taken becomes `name (2).ext`, `name (3).ext`, … — never overwritten,
 * because the workspace holds the person's own files too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { attachmentNameProblem } from '../../../shared/attachments.ts';
import { AttachmentRefusedError } from './attachment-errors.ts';

export const ATTACHMENTS_FOLDER = 'attachments';
const MAX_COLLISION_SUFFIX = 10_000;

function candidate(name: string, n: number): string {
  if (n === 1) return name;
  const ext = path.extname(name);
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length);
  return `${stem} (${n})${ext === name ? '' : ext}`;
}

/** Writes `data` as a new file under `<workspace>/attachments/`; returns its workspace-relative path (always with `/`). */
export function saveAttachmentFile(workspaceDir: string, name: string, data: Buffer): string {
  const problem = attachmentNameProblem(name);
  if (problem) throw new AttachmentRefusedError(problem);
  const folder = path.join(workspaceDir, ATTACHMENTS_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  for (let n = 1; n <= MAX_COLLISION_SUFFIX; n++) {
    const fileName = candidate(name, n);
    const target = path.resolve(folder, fileName);
    // Belt and braces: whatever the name check missed, nothing is written outside the folder.
    if (path.dirname(target) !== path.resolve(folder)) throw new AttachmentRefusedError(`“${name}” is not a plain file name.`);
    try {
      // 'wx': created here or refused, so a file that appeared meanwhile is never overwritten.
      fs.writeFileSync(target, data, { flag: 'wx' });
      return `${ATTACHMENTS_FOLDER}/${fileName}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
  }
  throw new AttachmentRefusedError(`Too many files named like “${name}” in the workspace's ${ATTACHMENTS_FOLDER} folder.`);
}
