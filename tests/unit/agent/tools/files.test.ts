import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createListDirTool,
  createReadFileTool,
  createSearchFilesTool,
  createWriteFileTool,
  type FileToolOptions,
} from '../../../../electron/core/agent/tools/files.ts';
import type { Tool, ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';

let sandbox: string;
/** The workspace, and a sibling folder outside it that escapes would reach. */
let workspaceDir: string;
let outsideDir: string;

beforeEach(async () => {
  sandbox = await realpath(await mkdtemp(path.join(os.tmpdir(), 'baton-files-')));
  workspaceDir = path.join(sandbox, 'workspace');
  outsideDir = path.join(sandbox, 'outside');
  await mkdir(workspaceDir);
  await mkdir(outsideDir);
  await writeFile(path.join(outsideDir, 'secret.txt'), 'top secret\n');
});

afterEach(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

function context(dir = workspaceDir): ToolRunContext {
  return { signal: new AbortController().signal, workspaceDir: dir };
}

async function put(relative: string, content: string | Buffer): Promise<void> {
  const file = path.join(workspaceDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

function tools(options: FileToolOptions = {}) {
  return {
    read: createReadFileTool(options),
    write: createWriteFileTool(),
    list: createListDirTool(options),
    search: createSearchFilesTool(options),
  };
}

describe('write_file and read_file', () => {
  it('writes a file, creating its parent folders, and reads it back', async () => {
    const { read, write } = tools();
    const written = await write.run({ path: 'a/b/c.txt', content: 'héllo\n' }, context());
    expect(written).toMatchObject({ isError: false, output: 'Created a/b/c.txt (7 bytes).' });
    expect(await readFile(path.join(workspaceDir, 'a/b/c.txt'), 'utf8')).toBe('héllo\n');
    expect(await read.run({ path: 'a/b/c.txt' }, context())).toEqual({ isError: false, output: 'héllo\n' });
  });

  it('replaces a file through a rename, leaving no temp file and keeping its mode', async () => {
    await put('run.sh', 'old');
    await chmod(path.join(workspaceDir, 'run.sh'), 0o755);
    const outcome = await tools().write.run({ path: 'run.sh', content: 'new' }, context());
    expect(outcome).toMatchObject({ isError: false, output: 'Replaced run.sh (3 bytes).' });
    expect(await readFile(path.join(workspaceDir, 'run.sh'), 'utf8')).toBe('new');
    expect((await stat(path.join(workspaceDir, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readdir(workspaceDir)).toEqual(['run.sh']);
  });

  it('accepts an absolute path inside the workspace', async () => {
    await put('x.txt', 'inside');
    expect(await tools().read.run({ path: path.join(workspaceDir, 'x.txt') }, context())).toEqual({ isError: false, output: 'inside' });
  });

  it('works when the workspace folder is itself reached through a symlink', async () => {
    await put('x.txt', 'inside');
    const alias = path.join(sandbox, 'alias');
    await symlink(workspaceDir, alias);
    const { read, write } = tools();
    expect(await read.run({ path: path.join(alias, 'x.txt') }, context(alias))).toEqual({ isError: false, output: 'inside' });
    expect((await write.run({ path: 'y.txt', content: 'y' }, context(alias))).isError).toBe(false);
    expect(await readFile(path.join(workspaceDir, 'y.txt'), 'utf8')).toBe('y');
  });

  it('reads through a symlink that stays inside the workspace, and writing through it updates the target', async () => {
    await put('real.txt', 'real');
    await symlink('real.txt', path.join(workspaceDir, 'link.txt'));
    const { read, write } = tools();
    expect(await read.run({ path: 'link.txt' }, context())).toEqual({ isError: false, output: 'real' });
    expect(await write.run({ path: 'link.txt', content: 'updated' }, context())).toMatchObject({ isError: false, output: 'Replaced real.txt (7 bytes).' });
    expect(await readFile(path.join(workspaceDir, 'real.txt'), 'utf8')).toBe('updated');
  });

  it('reads a large file in pages of at most maxReadBytes, saying how to continue', async () => {
    await put('big.txt', 'abcdefghijklmnopqrstuvwxy');
    const { read } = tools({ maxReadBytes: 10 });
    expect(await read.run({ path: 'big.txt' }, context())).toEqual({
      isError: false,
      output: 'abcdefghij\n[showing bytes 0-10 of 25; pass offset=10 to read on]',
    });
    expect((await read.run({ path: 'big.txt', offset: 20 }, context())).output).toBe('uvwxy\n[showing bytes 20-25 of 25]');
  });

  it('refuses to show a binary file', async () => {
    await put('image.bin', Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const outcome = await tools().read.run({ path: 'image.bin' }, context());
    expect(outcome).toEqual({ isError: true, output: 'image.bin looks like a binary file (4 bytes); not shown.' });
  });

  it('reports missing files and folders given to read_file as errors', async () => {
    await mkdir(path.join(workspaceDir, 'dir'));
    const { read } = tools();
    expect(await read.run({ path: 'nope.txt' }, context())).toEqual({ isError: true, output: 'File not found: nope.txt' });
    expect((await read.run({ path: 'dir' }, context())).output).toBe('dir is a folder; use list_dir to see what it holds.');
  });

  it('refuses to write over a folder or the workspace itself', async () => {
    await mkdir(path.join(workspaceDir, 'dir'));
    const { write } = tools();
    expect((await write.run({ path: 'dir', content: 'x' }, context())).isError).toBe(true);
    expect((await write.run({ path: '.', content: 'x' }, context())).isError).toBe(true);
  });
});

describe('list_dir', () => {
  it('lists entries sorted, marking folders with / and symlinks with @', async () => {
    await put('b.txt', '');
    await put('a/inner.txt', '');
    await symlink('b.txt', path.join(workspaceDir, 'c-link'));
    expect(await tools().list.run({}, context())).toEqual({ isError: false, output: 'a/\nb.txt\nc-link@' });
    expect(await tools().list.run({ path: 'a' }, context())).toEqual({ isError: false, output: 'inner.txt' });
  });

  it('caps the number of entries shown', async () => {
    for (const name of ['1', '2', '3', '4']) await put(name, '');
    expect((await tools({ maxListEntries: 2 }).list.run({}, context())).output).toBe('1\n2\n[... 2 more entries not shown]');
  });

  it('says when a folder is empty or missing', async () => {
    expect(await tools().list.run({ path: '.' }, context())).toEqual({ isError: false, output: '(. is empty)' });
    expect(await tools().list.run({ path: 'gone' }, context())).toEqual({ isError: true, output: 'Folder not found: gone' });
  });
});

describe('search_files', () => {
  beforeEach(async () => {
    await put('src/app.ts', 'const answer = 42;\nexport function Answer() {}\n');
    await put('src/deep/util.ts', '// answer lives here\n');
    await put('README.md', 'No match in here.\n');
    await put('node_modules/dep/index.js', 'answer\n');
    await put('.git/config', 'answer\n');
    await put('blob.bin', Buffer.concat([Buffer.from('answer'), Buffer.from([0])]));
  });

  it('finds substring matches as path:line: text, skipping node_modules, .git and binary files', async () => {
    const outcome = await tools().search.run({ pattern: 'answer' }, context());
    expect(outcome).toEqual({
      isError: false,
      output: 'src/app.ts:1: const answer = 42;\nsrc/deep/util.ts:1: // answer lives here\n[2 match(es) in 2 file(s)]',
    });
  });

  it('matches case-insensitively on request', async () => {
    const outcome = await tools().search.run({ pattern: 'ANSWER', ignore_case: true, path: 'src' }, context());
    expect(outcome.output.split('\n')).toEqual([
      'src/app.ts:1: const answer = 42;',
      'src/app.ts:2: export function Answer() {}',
      'src/deep/util.ts:1: // answer lives here',
      '[3 match(es) in 2 file(s)]',
    ]);
  });

  it('searches with a regular expression', async () => {
    const outcome = await tools().search.run({ pattern: '^export\\s+function', regex: true }, context());
    expect(outcome.output).toBe('src/app.ts:2: export function Answer() {}\n[1 match(es) in 1 file(s)]');
  });

  it('stops at the result cap and says so', async () => {
    const outcome = await tools({ maxSearchResults: 1 }).search.run({ pattern: 'answer' }, context());
    expect(outcome.output).toBe('src/app.ts:1: const answer = 42;\n[1 match(es) in 1 file(s)]\n[stopped at 1 matches; narrow the search to see more]');
  });

  it('skips files over the size limit and says how many', async () => {
    await put('huge.txt', `answer\n${'x'.repeat(2048)}`);
    const outcome = await tools({ maxSearchFileBytes: 1024 }).search.run({ pattern: 'answer', path: '.' }, context());
    expect(outcome.output).not.toContain('huge.txt');
    expect(outcome.output).toContain('[1 file(s) over 1 KiB skipped]');
  });

  it('reports no matches as a normal result and a bad regular expression as an error', async () => {
    const { search } = tools();
    expect(await search.run({ pattern: 'zebra' }, context())).toEqual({ isError: false, output: 'No matches for "zebra" under ..' });
    const bad = await search.run({ pattern: '(', regex: true }, context());
    expect(bad.isError).toBe(true);
    expect(bad.output).toMatch(/^Invalid regular expression/);
  });

  it('does not follow a symlink out of the workspace', async () => {
    await writeFile(path.join(outsideDir, 'leak.txt'), 'answer outside\n');
    await symlink(outsideDir, path.join(workspaceDir, 'src', 'escape'));
    const outcome = await tools().search.run({ pattern: 'outside' }, context());
    expect(outcome.output).toBe('No matches for "outside" under ..');
  });
});

describe('R4: workspace confinement of the file tools', () => {
  beforeEach(async () => {
    // A symlink inside the workspace pointing at a folder outside it.
    await symlink(outsideDir, path.join(workspaceDir, 'out'));
    // And one pointing at a single file outside.
    await symlink(path.join(outsideDir, 'secret.txt'), path.join(workspaceDir, 'secret-link.txt'));
  });

  it.each([
    ['read_file', (t: ReturnType<typeof tools>) => t.read],
    ['list_dir', (t: ReturnType<typeof tools>) => t.list],
    ['search_files', (t: ReturnType<typeof tools>) => t.search],
  ] as const)('%s refuses `..` traversal, absolute paths outside, and symlinks that escape', async (_name, pick) => {
    const tool: Tool = pick(tools());
    const run = (requested: string) => tool.run({ path: requested, pattern: 'secret' }, context());
    expect(await run('../outside/secret.txt')).toEqual({ isError: true, output: 'Path escapes the workspace: ../outside/secret.txt' });
    expect(await run('../x')).toEqual({ isError: true, output: 'Path escapes the workspace: ../x' });
    expect(await run('/etc/passwd')).toEqual({ isError: true, output: 'Path escapes the workspace: /etc/passwd' });
    expect(await run('a/../../outside')).toEqual({ isError: true, output: 'Path escapes the workspace: a/../../outside' });
    const viaDirLink = await run('out/secret.txt');
    expect(viaDirLink.isError).toBe(true);
    expect(viaDirLink.output).toBe(`Path escapes the workspace through a symlink: out/secret.txt (resolves to ${outsideDir}/secret.txt)`);
    const viaFileLink = await run('secret-link.txt');
    expect(viaFileLink.isError).toBe(true);
    expect(viaFileLink.output).toMatch(/^Path escapes the workspace through a symlink: secret-link\.txt/);
    expect(JSON.stringify([viaDirLink, viaFileLink])).not.toContain('top secret');
  });

  it('write_file refuses traversal and absolute paths outside, and writes nothing there', async () => {
    const { write } = tools();
    expect(await write.run({ path: '../outside/new.txt', content: 'x' }, context())).toEqual({
      isError: true,
      output: 'Path escapes the workspace: ../outside/new.txt',
    });
    const absolute = path.join(outsideDir, 'abs.txt');
    expect(await write.run({ path: absolute, content: 'x' }, context())).toEqual({ isError: true, output: `Path escapes the workspace: ${absolute}` });
    expect((await readdir(outsideDir)).sort()).toEqual(['secret.txt']);
  });

  it('write_file through an escaping symlink does not write outside the workspace', async () => {
    const { write } = tools();
    const throughDir = await write.run({ path: 'out/pwned.txt', content: 'pwned' }, context());
    expect(throughDir.isError).toBe(true);
    expect(throughDir.output).toMatch(/^Path escapes the workspace through a symlink: out\/pwned\.txt/);
    const deeper = await write.run({ path: 'out/new/dir/pwned.txt', content: 'pwned' }, context());
    expect(deeper.isError).toBe(true);
    const overFile = await write.run({ path: 'secret-link.txt', content: 'pwned' }, context());
    expect(overFile.isError).toBe(true);

    expect((await readdir(outsideDir)).sort()).toEqual(['secret.txt']);
    expect(await readFile(path.join(outsideDir, 'secret.txt'), 'utf8')).toBe('top secret\n');
    // The link itself was not replaced by a regular file either.
    expect(await readFile(path.join(workspaceDir, 'secret-link.txt'), 'utf8')).toBe('top secret\n');
  });

  it('write_file refuses a dangling symlink, whose target could be created outside', async () => {
    await symlink(path.join(outsideDir, 'planted.txt'), path.join(workspaceDir, 'dangling'));
    const outcome = await tools().write.run({ path: 'dangling', content: 'x' }, context());
    expect(outcome).toEqual({ isError: true, output: 'Path goes through a broken symlink: dangling' });
    expect(existsSync(path.join(outsideDir, 'planted.txt'))).toBe(false);
  });

  it('keeps `..` that stays inside the workspace working', async () => {
    await put('a/b.txt', 'b');
    expect(await tools().read.run({ path: 'a/../a/b.txt' }, context())).toEqual({ isError: false, output: 'b' });
  });
});

describe('bad arguments', () => {
  it.each([
    ['read_file', undefined],
    ['read_file', { path: 7 }],
    ['read_file', { path: 'x', offset: -1 }],
    ['write_file', { path: 'x' }],
    ['write_file', 'x'],
    ['list_dir', { path: null }],
    ['search_files', { pattern: '' }],
    ['search_files', { pattern: 'x', regex: 'yes' }],
  ])('%s answers %j with an error outcome, not a throw', async (name, args) => {
    const tool = Object.values(tools()).find((t) => t.name === name)!;
    const outcome = await tool.run(args, context());
    expect(outcome.isError).toBe(true);
    expect(outcome.output).toMatch(new RegExp(`^Invalid arguments for ${name}:`));
  });
});
