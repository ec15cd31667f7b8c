/**
 * Confines file tools to the workspace. Paths come from the model, which is untrusted (R4): a
 * hallucinated or injected `../../.ssh/id_rsa` must not be readable by an auto-approved tool.
 *
 * The check is made on real paths (symlinks resolved), and callers do their I/O on the resolved
 * path this returns, never on the string they were given, so what is checked is what is touched.
 * For a target that does not exist yet, the nearest existing ancestor is resolved and the missing
 * rest appended; missing components cannot be symlinks, so they cannot lead outside.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

export class WorkspacePathError extends Error {
  override name = 'WorkspacePathError';
}

export interface WorkspacePath {
  /** Real absolute path inside the workspace; do I/O on this. */
  absolute: string;
  /** Path relative to the workspace, for messages to the model ('.' for the workspace itself). */
  relative: string;
  exists: boolean;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

export function toDisplayPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

export async function realWorkspaceDir(workspaceDir: string): Promise<string> {
  try {
    return await realpath(workspaceDir);
  } catch (error) {
    throw new WorkspacePathError(`The workspace folder is not available: ${workspaceDir} (${errorCode(error) ?? 'unknown error'})`);
  }
}

/** Resolves the longest existing prefix of `candidate` through the file system. */
async function resolveExistingPrefix(candidate: string, requested: string): Promise<{ real: string; missing: string[] }> {
  const missing: string[] = [];
  let current = candidate;
  for (;;) {
    try {
      return { real: await realpath(current), missing };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP') throw new WorkspacePathError(`Path goes through a symlink loop: ${requested}`);
      if (code === 'ENOTDIR') throw new WorkspacePathError(`A part of the path is a file, not a folder: ${requested}`);
      if (code !== 'ENOENT') throw error;
      // realpath fails on a dangling symlink too; where it points cannot be checked, so refuse it
      // rather than let a later write create its target outside the workspace.
      const stats = await lstat(current).catch(() => null);
      if (stats?.isSymbolicLink()) throw new WorkspacePathError(`Path goes through a broken symlink: ${requested}`);
      const parent = path.dirname(current);
      if (parent === current) throw error;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Resolves `requested` (relative to the workspace, or absolute) to a real path inside the
 * workspace, or throws WorkspacePathError with a message meant for the model.
 */
export async function resolveWorkspacePath(workspaceDir: string, requested: string): Promise<WorkspacePath> {
  if (requested.includes('\0')) throw new WorkspacePathError('Path contains a NUL character');
  const root = await realWorkspaceDir(workspaceDir);
  const shown = requested === '' ? '.' : requested;

  // Absolute paths are taken as they are (they may name the workspace through a symlinked
  // parent, which only the real-path check below can accept); relative ones start at the root.
  const candidate = path.isAbsolute(requested) ? path.resolve(requested) : path.resolve(root, requested);
  if (!path.isAbsolute(requested) && !isInside(root, candidate)) {
    throw new WorkspacePathError(`Path escapes the workspace: ${shown}`);
  }

  const { real, missing } = await resolveExistingPrefix(candidate, shown);
  const absolute = path.join(real, ...missing);
  if (!isInside(root, absolute)) {
    const viaLink = !path.isAbsolute(requested) || isInside(root, candidate);
    throw new WorkspacePathError(
      viaLink ? `Path escapes the workspace through a symlink: ${shown} (resolves to ${absolute})` : `Path escapes the workspace: ${shown}`,
    );
  }
  return { absolute, relative: toDisplayPath(root, absolute), exists: missing.length === 0 };
}
