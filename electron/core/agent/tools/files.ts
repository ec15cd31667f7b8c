/**
 * File tools, all confined to the workspace through workspace-path.ts. Read-only ones are approved
 * automatically by default, which is exactly why their paths are confined: the model's arguments
 * are untrusted (R4).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, type Tool, type ToolOutcome, type ToolRunContext } from './tool.ts';
import { unifiedDiff } from './line-diff.ts';
import { realWorkspaceDir, resolveWorkspacePath, toDisplayPath, WorkspacePathError, type WorkspacePath } from './workspace-path.ts';

export interface FileToolOptions {
  /** Most bytes read_file returns per call; larger files are read in pages with `offset`. */
  maxReadBytes?: number;
  maxListEntries?: number;
  maxSearchResults?: number;
  /** search_files skips files larger than this. */
  maxSearchFileBytes?: number;
}

export const FILE_DEFAULTS = {
  maxReadBytes: 256 * 1024,
  maxListEntries: 1_000,
  maxSearchResults: 200,
  maxSearchFileBytes: 1024 * 1024,
} as const;

/** Folders that are large, generated, or version-control internals: never what a search means. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
const BINARY_SNIFF_BYTES = 8 * 1024;
const MAX_LINE_CHARS = 300;

function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

function fail(output: string): ToolOutcome {
  return { isError: true, output };
}

/** Turns a confinement refusal into an outcome; anything else is a real failure for defineTool. */
async function resolveOrRefuse(context: ToolRunContext, requested: string): Promise<WorkspacePath | ToolOutcome> {
  try {
    return await resolveWorkspacePath(context.workspaceDir, requested);
  } catch (error) {
    if (error instanceof WorkspacePathError) return fail(error.message);
    throw error;
  }
}

function isOutcome(value: WorkspacePath | ToolOutcome): value is ToolOutcome {
  return 'isError' in value;
}

const pathArg = z.string().describe('Path relative to the workspace folder (absolute paths must lie inside it).');

// ---- read_file ----

const readArgs = z.object({
  path: pathArg,
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Byte offset to start reading at (for files larger than one read).'),
});

export function createReadFileTool(options: FileToolOptions = {}): Tool {
  const cap = options.maxReadBytes ?? FILE_DEFAULTS.maxReadBytes;
  return defineTool({
    name: 'read_file',
    description: `Read a text file in the workspace. Returns at most ${Math.round(cap / 1024)} KiB per call; use offset to read further.`,
    schema: readArgs,
    effect: 'read-only',
    async run(args, context) {
      const target = await resolveOrRefuse(context, args.path);
      if (isOutcome(target)) return target;
      if (!target.exists) return fail(`File not found: ${target.relative}`);
      const info = await stat(target.absolute);
      if (info.isDirectory()) return fail(`${target.relative} is a folder; use list_dir to see what it holds.`);
      if (!info.isFile()) return fail(`${target.relative} is not a regular file.`);
      const offset = args.offset ?? 0;
      if (offset > info.size) return fail(`offset ${offset} is past the end of ${target.relative} (${info.size} bytes).`);

      const handle = await open(target.absolute, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(cap, info.size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        const bytes = buffer.subarray(0, bytesRead);
        if (looksBinary(bytes)) return fail(`${target.relative} looks like a binary file (${info.size} bytes); not shown.`);
        const end = offset + bytesRead;
        let text = bytes.toString('utf8');
        if (offset > 0 || end < info.size) {
          text += `\n[showing bytes ${offset}-${end} of ${info.size}${end < info.size ? `; pass offset=${end} to read on` : ''}]`;
        }
        return { isError: false, output: text };
      } finally {
        await handle.close();
      }
    },
  });
}

// ---- write_file ----

/** Old files larger than this get no diff in the card (reading and comparing them is not worth it). */
const DIFF_MAX_FILE_BYTES = 1024 * 1024;

/** The text a write replaces, for its diff; null when it is too large or not text. */
async function previousText(file: string, size: number): Promise<string | null> {
  if (size > DIFF_MAX_FILE_BYTES) return null;
  const bytes = await readFile(file).catch(() => null);
  return bytes === null || looksBinary(bytes) ? null : bytes.toString('utf8');
}

const writeArgs = z.object({
  path: pathArg,
  content: z.string().describe('The complete new content of the file.'),
});

export function createWriteFileTool(): Tool {
  return defineTool({
    name: 'write_file',
    description: 'Create or replace a file in the workspace with the given content, creating parent folders as needed.',
    schema: writeArgs,
    effect: 'side-effecting',
    async run(args, context) {
      const target = await resolveOrRefuse(context, args.path);
      if (isOutcome(target)) return target;
      if (target.relative === '.') return fail('write_file needs a file path, not the workspace folder.');
      const existing = target.exists ? await stat(target.absolute) : null;
      if (existing?.isDirectory()) return fail(`${target.relative} is a folder; cannot write over it.`);

      const before = existing ? await previousText(target.absolute, existing.size) : '';

      const dir = path.dirname(target.absolute);
      await mkdir(dir, { recursive: true });
      // Temp file + rename in the same folder: a reader (or a crash) sees the old file or the new
      // one, never half of it. The temp name is random so concurrent writes do not collide.
      const temp = path.join(dir, `.${path.basename(target.absolute)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temp, args.content, { flag: 'wx' });
        // rename replaces the file, so carry over its mode (an executable script stays executable).
        if (existing) await chmod(temp, existing.mode & 0o7777);
        await rename(temp, target.absolute);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      const bytes = Buffer.byteLength(args.content, 'utf8');
      const output = `${existing ? 'Replaced' : 'Created'} ${target.relative} (${bytes} bytes).`;
      // Issue 10: the card shows what changed; the model's text stays as it was.
      if (before === null) return { isError: false, output };
      const diff = unifiedDiff(before, args.content);
      return { isError: false, output, details: { diff: { path: target.relative, ...diff, created: existing === null } } };
    },
  });
}

// ---- list_dir ----

const listArgs = z.object({
  path: pathArg.default('.'),
});

export function createListDirTool(options: FileToolOptions = {}): Tool {
  const cap = options.maxListEntries ?? FILE_DEFAULTS.maxListEntries;
  return defineTool({
    name: 'list_dir',
    description: 'List the entries of a folder in the workspace. Folders end with "/", symlinks with "@".',
    schema: listArgs,
    effect: 'read-only',
    async run(args, context) {
      const target = await resolveOrRefuse(context, args.path);
      if (isOutcome(target)) return target;
      if (!target.exists) return fail(`Folder not found: ${target.relative}`);
      if (!(await stat(target.absolute)).isDirectory()) return fail(`${target.relative} is a file, not a folder; use read_file.`);

      const entries = await readdir(target.absolute, { withFileTypes: true });
      if (entries.length === 0) return { isError: false, output: `(${target.relative} is empty)` };
      const names = entries
        .map((entry) => entry.name + (entry.isDirectory() ? '/' : entry.isSymbolicLink() ? '@' : ''))
        .sort((a, b) => a.localeCompare(b));
      const shown = names.slice(0, cap);
      if (names.length > cap) shown.push(`[... ${names.length - cap} more entries not shown]`);
      return { isError: false, output: shown.join('\n') };
    },
  });
}

// ---- search_files ----

const searchArgs = z.object({
  pattern: z.string().min(1, 'pattern must not be empty').describe('Text to look for, or a JavaScript regular expression when regex is true.'),
  path: pathArg.default('.').describe('Folder (or file) to search under, relative to the workspace.'),
  regex: z.boolean().default(false).describe('Treat pattern as a regular expression.'),
  ignore_case: z.boolean().default(false),
});

type LineMatcher = (line: string) => boolean;

function buildMatcher(pattern: string, regex: boolean, ignoreCase: boolean): LineMatcher | string {
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(pattern, ignoreCase ? 'i' : '');
    } catch (error) {
      return `Invalid regular expression: ${(error as Error).message}`;
    }
    return (line) => compiled.test(line);
  }
  if (ignoreCase) {
    const needle = pattern.toLowerCase();
    return (line) => line.toLowerCase().includes(needle);
  }
  return (line) => line.includes(pattern);
}

/**
 * Files under `start`, depth first in name order. Symlinks are not followed: that keeps the walk
 * inside the workspace and out of link cycles.
 */
async function* walkFiles(start: string, signal: AbortSignal): AsyncGenerator<string> {
  const stack = [start];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // an unreadable folder is skipped rather than failing the whole search
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (signal.aborted) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) subdirs.push(full);
      } else if (entry.isFile()) {
        yield full;
      }
    }
    stack.push(...subdirs.reverse());
  }
}

export function createSearchFilesTool(options: FileToolOptions = {}): Tool {
  const maxResults = options.maxSearchResults ?? FILE_DEFAULTS.maxSearchResults;
  const maxFileBytes = options.maxSearchFileBytes ?? FILE_DEFAULTS.maxSearchFileBytes;
  return defineTool({
    name: 'search_files',
    description:
      `Search text files under a workspace folder for a substring (or a regular expression). Returns up to ${maxResults} matching lines as path:line: text. ` +
      `Skips node_modules, .git, binary files and files over ${Math.round(maxFileBytes / 1024)} KiB; does not follow symlinks.`,
    schema: searchArgs,
    effect: 'read-only',
    async run(args, context) {
      const matcher = buildMatcher(args.pattern, args.regex, args.ignore_case);
      if (typeof matcher === 'string') return fail(matcher);
      const target = await resolveOrRefuse(context, args.path);
      if (isOutcome(target)) return target;
      if (!target.exists) return fail(`Not found: ${target.relative}`);
      const root = await realWorkspaceDir(context.workspaceDir);

      const info = await stat(target.absolute);
      const files: AsyncIterable<string> | string[] = info.isDirectory() ? walkFiles(target.absolute, context.signal) : [target.absolute];
      const results: string[] = [];
      let filesWithMatches = 0;
      let skipped = 0;
      let capped = false;

      search: for await (const file of files) {
        let bytes: Buffer;
        try {
          if ((await stat(file)).size > maxFileBytes) {
            skipped++;
            continue;
          }
          bytes = await readFile(file);
        } catch {
          continue;
        }
        if (looksBinary(bytes)) continue;
        const lines = bytes.toString('utf8').split(/\r?\n/);
        let matchedHere = false;
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!;
          if (!matcher(line)) continue;
          if (results.length >= maxResults) {
            capped = true;
            break search;
          }
          matchedHere = true;
          const shown = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
          results.push(`${toDisplayPath(root, file)}:${i + 1}: ${shown}`);
        }
        if (matchedHere) filesWithMatches++;
      }
      if (context.signal.aborted) return fail('[interrupted: the search was stopped before it finished]');

      const notes: string[] = [];
      if (capped) notes.push(`[stopped at ${maxResults} matches; narrow the search to see more]`);
      if (skipped > 0) notes.push(`[${skipped} file(s) over ${Math.round(maxFileBytes / 1024)} KiB skipped]`);
      if (results.length === 0) {
        return { isError: false, output: [`No matches for ${JSON.stringify(args.pattern)} under ${target.relative}.`, ...notes].join('\n') };
      }
      const summary = `[${results.length} match(es) in ${filesWithMatches} file(s)]`;
      return { isError: false, output: [...results, summary, ...notes].join('\n') };
    },
  });
}

export function createFileTools(options: FileToolOptions = {}): Tool[] {
  return [createReadFileTool(options), createWriteFileTool(), createListDirTool(options), createSearchFilesTool(options)];
}
