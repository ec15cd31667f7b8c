/**
 * A sandbox for the shell tool's commands (R4), where the OS offers one: bubblewrap on Linux.
 *
 * What a sandboxed command gets:
 * - its own PID namespace and its own /proc: Baton's processes (and their environment and memory)
 *   do not exist for it, nor do any other processes of the user;
 * - the whole file system read-only, except the workspace folder and the temp folders (/tmp,
 *   /var/tmp, its own /dev/shm), which are writable, and a private `~/.cache` in place of the real one;
 * - Baton's data directory (conversations, settings, backups), the per-user runtime folder (the
 *   session bus and keyring sockets live there), the ssh agent's and container runtimes' sockets,
 *   and the home's well-known credential stores, hidden behind empty folders or /dev/null;
 * - no capabilities, even when Baton runs as root, so it cannot remount any of that;
 * - the network, as Baton has it: the agent needs it (package installs, git, documentation).
 *
 * The sandbox's processes stay in the process group the shell tool created (no `--new-session`),
 * so stopping the group on a timeout or an interrupt (L11) reaches every process in it; and
 * `--die-with-parent` ends them if Baton itself is killed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How the shell tool runs its commands. */
export interface CommandSandbox {
  /** Shown in the tool's description: what the model can expect. */
  readonly description: string;
  /** The program and arguments that run `shellPath -c command` in `workspaceDir`, sandboxed. */
  wrap(shellPath: string, command: string, workspaceDir: string): { file: string; args: string[] };
}

export type SandboxProbe = { available: true; bwrapPath: string } | { available: false; reason: string };

/** Home folders and files that hold credentials: hidden even though the rest of the home is readable. */
const HOME_CREDENTIAL_DIRS = [
  '.ssh',
  '.gnupg',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.config/gh',
  '.config/hub',
  '.docker',
  '.kube',
  '.password-store',
  '.local/share/keyrings',
  '.mozilla',
  '.config/google-chrome',
  '.config/chromium',
  '.config/Baton',
];
const HOME_CREDENTIAL_FILES = ['.netrc', '.git-credentials', '.npmrc', '.pypirc', '.pgpass', '.my.cnf', '.config/git/credentials'];

const WRITABLE_SYSTEM_DIRS = ['/tmp', '/var/tmp'];

/** Tools whose cache is not under ~/.cache by default: pointed into the sandbox's private one. */
const CACHE_VARIABLES: readonly [string, string][] = [
  ['npm_config_cache', 'npm'],
  ['GOMODCACHE', 'go-mod'],
];

/**
 * Sockets that hand out far more than the user's own access (a container runtime's socket is root
 * on the machine). The session bus and keyring sockets go with the hidden runtime folder.
 */
export const SYSTEM_SOCKETS = ['/run/docker.sock', '/var/run/docker.sock', '/run/podman/podman.sock', '/run/containerd/containerd.sock'];

function findOnPath(program: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The arguments every sandbox gets, before its file system is laid out. */
const BASE_ARGS = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];

/**
 * Whether bubblewrap is installed and can create the namespaces it needs here (a container may
 * forbid them). Runs the sandbox once, the way every command will run.
 */
export function probeBubblewrap(options: { bwrapPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SandboxProbe> {
  if (process.platform !== 'linux') return Promise.resolve({ available: false, reason: 'the command sandbox (bubblewrap) exists on Linux only' });
  const bwrapPath = options.bwrapPath ?? findOnPath('bwrap', (options.env ?? process.env).PATH);
  if (bwrapPath === null) return Promise.resolve({ available: false, reason: 'bubblewrap (bwrap) is not installed; on Debian or Ubuntu: apt-get install bubblewrap' });
  return new Promise((resolve) => {
    execFile(bwrapPath, [...BASE_ARGS, '/bin/true'], { timeout: 10_000, env: {} }, (error, _stdout, stderr) => {
      if (!error) resolve({ available: true, bwrapPath });
      else resolve({ available: false, reason: `bubblewrap cannot create its sandbox here: ${stderr.trim() || error.message}` });
    });
  });
}

let cachedProbe: Promise<SandboxProbe> | null = null;

/** The probe, run once per process: the answer does not change while Baton runs. */
export function bubblewrapStatus(): Promise<SandboxProbe> {
  cachedProbe ??= probeBubblewrap();
  return cachedProbe;
}

function realOrResolved(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

function isSameOrInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function kindOf(file: string): 'dir' | 'file' | null {
  try {
    const stat = fs.statSync(file);
    return stat.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

export interface BubblewrapLayout {
  /** Baton's data directory: hidden. */
  dataDir: string;
  /** The user's home: read-only, with its credential stores hidden. */
  home?: string;
  /** The per-user runtime folder (XDG_RUNTIME_DIR): hidden. */
  runtimeDir?: string | null;
  /** Further files, sockets or folders to hide; default SYSTEM_SOCKETS. */
  hide?: readonly string[];
  /**
   * A private folder mounted writable over `~/.cache`, so tools that keep a cache there (pip, go,
   * many more) work in a read-only home, and the real cache (which may hold tokens) stays hidden.
   */
  cacheDir?: string | null;
}

/**
 * The bubblewrap command line for one command. Mounts apply in order, so a hidden folder that holds
 * the workspace (the default workspace lives in the data directory) is hidden first and the
 * workspace bound back on top; anything hidden inside the workspace is hidden after it.
 */
export function bubblewrapArgs(layout: BubblewrapLayout, shellPath: string, command: string, workspaceDir: string): string[] {
  const workspace = realOrResolved(workspaceDir);
  const home = layout.home ? realOrResolved(layout.home) : null;
  const hidden: string[] = [realOrResolved(layout.dataDir)];
  if (layout.runtimeDir) hidden.push(realOrResolved(layout.runtimeDir));
  if (home) for (const dir of [...HOME_CREDENTIAL_DIRS, ...HOME_CREDENTIAL_FILES]) hidden.push(path.join(home, dir));
  hidden.push(...(layout.hide ?? SYSTEM_SOCKETS));

  const args = [...BASE_ARGS];
  for (const dir of WRITABLE_SYSTEM_DIRS) if (kindOf(dir) === 'dir') args.push('--bind', dir, dir);
  args.push('--tmpfs', '/dev/shm');
  // The home may sit in a writable folder (a temp home in tests, /tmp on a live system): read-only again.
  if (home && home !== '/' && kindOf(home) === 'dir') args.push('--ro-bind', home, home);

  const hide = (target: string): void => {
    const kind = kindOf(target);
    if (kind === 'dir') args.push('--tmpfs', target);
    // An empty file rather than an unreadable one: tools that read it (npm, git) carry on; a socket
    // covered this way refuses connections. /dev/null needs --dev-bind (plain binds are nodev).
    else if (kind === 'file') args.push('--dev-bind', '/dev/null', target);
  };
  const around = hidden.filter((dir) => isSameOrInside(workspace, dir));
  const within = hidden.filter((dir) => !isSameOrInside(workspace, dir));
  for (const dir of around) hide(dir);
  args.push('--bind', workspace, workspace);
  for (const dir of within) hide(dir);
  const homeCache = home ? path.join(home, '.cache') : null;
  if (layout.cacheDir && homeCache && kindOf(homeCache) === 'dir' && kindOf(layout.cacheDir) === 'dir' && !isSameOrInside(workspace, homeCache)) {
    args.push('--bind', layout.cacheDir, homeCache);
    // Caches that live elsewhere in the (read-only) home by default, unless the user placed them.
    for (const [name, dir] of CACHE_VARIABLES) if (process.env[name] === undefined) args.push('--setenv', name, path.join(homeCache, dir));
  }
  args.push('--chdir', workspace, '--', shellPath, '-c', command);
  return args;
}

export function bubblewrapSandbox(bwrapPath: string, layout: BubblewrapLayout): CommandSandbox {
  return {
    description:
      'Commands run in a sandbox: only the workspace folder and the temp folders are writable, the rest of the file system is read-only, ' +
      'Baton’s own data and processes are invisible, credential folders in the home are hidden; the network is available.',
    wrap: (shellPath, command, workspaceDir) => ({ file: bwrapPath, args: bubblewrapArgs(layout, shellPath, command, workspaceDir) }),
  };
}

/**
 * The sandbox's private `~/.cache`: one per user in the temp folder (a cache, so losing it at reboot
 * is fine). Used only if it is a real folder of this user that no one else can enter; null otherwise.
 */
export function sandboxCacheDir(home: string | null): string | null {
  const uid = process.getuid?.();
  if (uid === undefined || !home) return null;
  try {
    fs.mkdirSync(path.join(home, '.cache'), { recursive: true, mode: 0o700 });
    const dir = path.join(os.tmpdir(), `baton-sandbox-cache-${uid}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/** The layout for this user: the data directory given, the home and runtime folder of the process. */
export function defaultLayout(dataDir: string, env: NodeJS.ProcessEnv = process.env): BubblewrapLayout {
  const runtimeDir = env.XDG_RUNTIME_DIR?.trim();
  const home = env.HOME?.trim() || os.homedir();
  // The ssh agent signs as the user for any server: hidden wherever its socket is (often /tmp).
  const sshAgent = env.SSH_AUTH_SOCK?.trim();
  return {
    dataDir,
    home,
    runtimeDir: runtimeDir && path.isAbsolute(runtimeDir) ? runtimeDir : null,
    cacheDir: sandboxCacheDir(home),
    hide: sshAgent && path.isAbsolute(sshAgent) ? [...SYSTEM_SOCKETS, sshAgent] : SYSTEM_SOCKETS,
  };
}
