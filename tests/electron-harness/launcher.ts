/**
 * Test side of the harness: starts the desktop app (the built out/main/index.js under
 * register.mjs) as a real process with its own home and data folder, and plays the OS around it.
 *
 * - An "installation" per harness: `<root>/install/baton`, a launcher script that execs
 *   `node --expose-gc register.mjs "$@"` (so argv[0] is the app's executable, as in a packaged
 *   app), `<root>/resources` (process.resourcesPath: app-update.yml, package-type), `<root>/bin`
 *   (stub pkexec/dpkg first on an absolute PATH, since electron-updater drops relative entries).
 *   AppImage mode adds `<root>/Baton-<version>.AppImage`, a script that "mounts" the app into a
 *   fresh `.mount_Baton*` directory which disappears when the process exits, as the FUSE mount does.
 * - A control channel: a unix socket whose path is in BATON_HARNESS_CONTROL. Every process of the
 *   app — the first, one started by a relaunch, by an AppImage waiter script or by an installer —
 *   inherits it and says hello, and becomes the next `Generation` the test can wait for.
 * - Relaunch, modelled on shell/browser/relauncher.cc: when a process that called app.relaunch()
 *   has exited, the launcher starts the recorded command line with that process's environment —
 *   unless the executable is gone by then (an AppImage mount), which is recorded as a failure.
 * - OS shutdown per platform (logind with InhibitDelayMaxSec, macOS loginwindow's terminate:,
 *   Windows WM_QUERYENDSESSION/WM_ENDSESSION), real signals, a second instance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const HERE = import.meta.dirname;
export const REPO = path.resolve(HERE, '../..');
/**
 * The app under test: this checkout's build, or another one (BATON_HARNESS_APP_UNDER_TEST, a
 * directory with package.json and a built out/), e.g. to run the scenarios against main's shell.
 */
const APP_UNDER_TEST = path.resolve(process.env.BATON_HARNESS_APP_UNDER_TEST ?? REPO);
const REGISTER = path.join(HERE, 'register.mjs');

export type ModelPlatform = 'linux' | 'darwin' | 'win32';
export type InstallMode = 'plain' | 'appimage' | 'deb';

export interface HarnessOptions {
  platform?: ModelPlatform;
  /** How the app is installed: affects APPIMAGE, package-type and the updater electron-updater picks. */
  mode?: InstallMode;
  /** Packaged (the default): updates are active, no DevTools in the menu. */
  packaged?: boolean;
  /** The update feed's base URL (update-feed.ts); absent: a feed nobody listens on. */
  feedUrl?: string;
  /** Settings written to the data folder's config.json before the first launch. */
  settings?: Record<string, unknown>;
  /** Extra environment for the app (the model provider, for one). */
  env?: Record<string, string>;
  /** The app's version as installed (the update feed serves a newer one). */
  version?: string;
  /** Milliseconds a synchronous dialog blocks the main thread (a person reading it). */
  dialogBlockMs?: number;
}

export interface HarnessEvent {
  name: string;
  data: Record<string, unknown>;
  at: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Hello {
  pid: number;
  argv: string[];
  execPath: string;
  env: Record<string, string>;
}

function waitFor<T>(emitter: EventEmitter, event: string, test: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const listener = (value: T) => {
      if (!test(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One process of the app, from its hello to its exit. */
export class Generation extends EventEmitter {
  readonly index: number;
  readonly pid: number;
  readonly hello: Hello;
  readonly events: HarnessEvent[] = [];
  readonly stderr: string[] = [];
  /** Settles when the process has gone (exit code known only for processes the launcher started). */
  readonly exited: Promise<ProcessExit>;
  exit: ProcessExit | null = null;
  private socket: net.Socket;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; name: string }>();
  private resolveExit!: (exit: ProcessExit) => void;

  constructor(index: number, hello: Hello, socket: net.Socket, child: ChildProcess | null) {
    super();
    this.index = index;
    this.pid = hello.pid;
    this.hello = hello;
    this.socket = socket;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    if (child) {
      child.once('exit', (code, signal) => this.markExited({ code, signal }));
      if (child.exitCode !== null || child.signalCode !== null) this.markExited({ code: child.exitCode, signal: child.signalCode });
    } else {
      // Not our child (started by a relaunch waiter, an installer or an AppImage script): the
      // socket closes when it dies; make sure it really has.
      socket.once('close', () => {
        const poll = setInterval(() => {
          if (alive(this.pid)) return;
          clearInterval(poll);
          this.markExited({ code: null, signal: null });
        }, 20);
      });
    }
    socket.once('close', () => {
      for (const [, call] of this.pending) call.reject(new Error(`process ${this.pid} went away during ${call.name}`));
      this.pending.clear();
    });
  }

  private markExited(exit: ProcessExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.resolveExit(exit);
    this.emit('exited', exit);
  }

  /** Called by the Harness for each line from this process. */
  receive(message: { type: string; name?: string; data?: Record<string, unknown>; at?: number; id?: number; ok?: boolean; value?: unknown; error?: string }): void {
    if (message.type === 'event' && message.name) {
      const event: HarnessEvent = { name: message.name, data: message.data ?? {}, at: message.at ?? Date.now() };
      this.events.push(event);
      this.emit('event', event);
      return;
    }
    if (message.type === 'reply' && message.id !== undefined) {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new Error(`${call.name}: ${message.error}`));
    }
  }

  /** Sends a harness command (tray.clickItem, power.shutdown, …) and waits for its answer. */
  command<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exit || this.socket.destroyed) return Promise.reject(new Error(`process ${this.pid} has exited; cannot ${name}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, name });
      this.socket.write(`${JSON.stringify({ type: 'command', id, name, args })}\n`);
    });
  }

  /** The first event named `name` (already seen or still to come) for which `test` holds. */
  waitForEvent(name: string, test: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 30_000): Promise<HarnessEvent> {
    const seen = this.events.find((event) => event.name === name && test(event.data));
    if (seen) return Promise.resolve(seen);
    return waitFor<HarnessEvent>(this, 'event', (event) => event.name === name && test(event.data), timeoutMs, `event ${name} from process ${this.pid}`);
  }

  eventsNamed(name: string): HarnessEvent[] {
    return this.events.filter((event) => event.name === name);
  }

  /** The app has emitted `ready`; its data includes userData. */
  async ready(timeoutMs = 30_000): Promise<{ userData: string; name: string; version: string }> {
    const event = await this.waitForEvent('ready', () => true, timeoutMs);
    return event.data as { userData: string; name: string; version: string };
  }

  /** Waits for the exit, failing the test if it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs = 30_000): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`process ${this.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A real signal to the process. */
  kill(signal: NodeJS.Signals): void {
    if (!this.exit && alive(this.pid)) process.kill(this.pid, signal);
  }

  get alive(): boolean {
    return this.exit === null && alive(this.pid);
  }
}

export interface OsShutdownOutcome {
  platform: ModelPlatform;
  /** What the app's handlers did with the OS's request. */
  reply: Record<string, unknown>;
  /** The app ended before the OS had to end it. */
  exitedByItself: boolean;
  /** The OS had to send SIGTERM / SIGKILL. */
  sigterm: boolean;
  sigkill: boolean;
  /** macOS: the app cancelled termination, so loginwindow gave up the logout. */
  aborted: boolean;
  elapsedMs: number;
}

export class Harness extends EventEmitter {
  readonly root: string;
  readonly home: string;
  readonly install: string;
  readonly resources: string;
  readonly bin: string;
  readonly options: Required<Pick<HarnessOptions, 'platform' | 'mode' | 'packaged' | 'version'>> & HarnessOptions;
  readonly generations: Generation[] = [];
  /** Relaunches that could not happen (the recorded executable was gone). */
  readonly failedRelaunches: Array<{ execPath: string; reason: string }> = [];
  readonly controlPath: string;
  private readonly server: net.Server;
  private readonly children = new Map<number, ChildProcess>();
  private readonly stderrByPid = new Map<number, string[]>();
  private closed = false;

  private constructor(options: HarnessOptions) {
    super();
    this.options = { platform: 'linux', mode: 'plain', packaged: true, version: '0.1.0', ...options };
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-harness-'));
    this.home = path.join(this.root, 'home');
    this.install = path.join(this.root, 'install');
    this.resources = path.join(this.root, 'resources');
    this.bin = path.join(this.root, 'bin');
    for (const dir of [this.home, this.install, this.resources, this.bin]) fs.mkdirSync(dir, { recursive: true });
    this.controlPath = path.join(this.root, 'control.sock');
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async create(options: HarnessOptions = {}): Promise<Harness> {
    const harness = new Harness(options);
    await new Promise<void>((resolve) => harness.server.listen(harness.controlPath, resolve));
    harness.writeInstallation();
    return harness;
  }

  /** userData as Electron derives it: ~/.config/<productName ?? name> on the Linux model. */
  dataDir(name = 'Baton'): string {
    switch (this.options.platform) {
      case 'darwin':
        return path.join(this.home, 'Library', 'Application Support', name);
      case 'win32':
        return path.join(this.home, 'AppData', 'Roaming', name);
      default:
        return path.join(this.home, '.config', name);
    }
  }

  get appImagePath(): string {
    return path.join(this.root, `Baton-${this.options.version}.AppImage`);
  }

  private writeInstallation(): void {
    const node = process.execPath;
    // The app's executable. The installed version lives in install/version so a "dpkg -i" of a
    // newer package (the stub below) changes what the next start runs as.
    fs.writeFileSync(path.join(this.install, 'version'), this.options.version);
    const launcher = [
      '#!/bin/sh',
      '# The installed Baton: the built main process under the Electron contract harness.',
      `if [ -z "$BATON_HARNESS_VERSION_PINNED" ]; then BATON_HARNESS_VERSION="$(cat '${this.install}/version')"; export BATON_HARNESS_VERSION; fi`,
      `BATON_HARNESS_EXEC="$0" exec '${node}' --expose-gc '${REGISTER}' "$@"`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(this.install, 'baton'), launcher, { mode: 0o755 });
    fs.writeFileSync(
      path.join(this.resources, 'app-update.yml'),
      `provider: generic\nurl: ${this.options.feedUrl ?? 'http://127.0.0.1:9/'}\nupdaterCacheDirName: baton-updater\n`,
    );
    if (this.options.mode === 'deb') fs.writeFileSync(path.join(this.resources, 'package-type'), 'deb');
    if (this.options.mode === 'appimage') fs.writeFileSync(this.appImagePath, appImageScript(this.install, this.options.version), { mode: 0o755 });
    // Stub package tools first on an absolute PATH. dpkg -i "installs" the .deb: its text says
    // which version it carries, and the stub writes it where the launcher script reads it.
    fs.writeFileSync(
      path.join(this.bin, 'dpkg'),
      ['#!/bin/sh', `echo "dpkg $*" >> '${this.root}/package-tools.log'`, `[ -e '${this.root}/dpkg-fails' ] && { echo "dpkg: error processing archive" >&2; exit 1; }`, 'if [ "$1" = "-i" ]; then', '  v=$(sed -n "s/^version=//p" "$2")', `  [ -n "$v" ] && printf %s "$v" > '${this.install}/version'`, 'fi', 'exit 0', ''].join('\n'),
      { mode: 0o755 },
    );
    // dpkg's fallback runs `apt-get install -f -y`: never the machine's real one.
    for (const tool of ['apt-get', 'apt']) {
      fs.writeFileSync(path.join(this.bin, tool), ['#!/bin/sh', `echo "${tool} $*" >> '${this.root}/package-tools.log'`, `[ -e '${this.root}/dpkg-fails' ] && exit 100`, 'exit 0', ''].join('\n'), { mode: 0o755 });
    }
    fs.writeFileSync(
      path.join(this.bin, 'pkexec'),
      ['#!/bin/sh', `echo "pkexec $*" >> '${this.root}/package-tools.log'`, '[ "$1" = "--disable-internal-agent" ] && shift', 'exec "$@"', ''].join('\n'),
      { mode: 0o755 },
    );
    if (this.options.settings) {
      const dir = this.dataDir();
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(this.options.settings, null, 2));
      // The name Electron derives today may differ (productName missing): write both.
      const lower = this.dataDir('baton');
      fs.mkdirSync(lower, { recursive: true });
      fs.writeFileSync(path.join(lower, 'config.json'), JSON.stringify(this.options.settings, null, 2));
    }
  }

  /** Points the installed app at an update feed (update-feed.ts), as app-update.yml does. */
  useFeed(url: string): void {
    this.options.feedUrl = url;
    fs.writeFileSync(path.join(this.resources, 'app-update.yml'), `provider: generic\nurl: ${url}\nupdaterCacheDirName: baton-updater\n`);
  }

  /** From now on the stub dpkg (and apt-get) fail, as on a broken package. */
  failPackageInstalls(): void {
    fs.writeFileSync(path.join(this.root, 'dpkg-fails'), '');
  }

  /** Lines the package-tool stubs logged (pkexec, dpkg). */
  packageToolLog(): string[] {
    try {
      return fs.readFileSync(path.join(this.root, 'package-tools.log'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  private baseEnv(): Record<string, string> {
    const env: Record<string, string> = {
      PATH: `${this.bin}:${(process.env.PATH ?? '/usr/bin:/bin').split(':').filter((dir) => path.isAbsolute(dir)).join(':')}`,
      HOME: this.home,
      TMPDIR: os.tmpdir(),
      LANG: 'C.UTF-8',
      BATON_HARNESS_CONTROL: this.controlPath,
      BATON_HARNESS_PLATFORM: this.options.platform,
      BATON_HARNESS_APP: APP_UNDER_TEST,
      BATON_HARNESS_RESOURCES: this.resources,
      BATON_HARNESS_PACKAGED: this.options.packaged ? '1' : '0',
      BATON_HARNESS_NODE: process.execPath,
      BATON_HARNESS_DIALOG_BLOCK_MS: String(this.options.dialogBlockMs ?? 5000),
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XDG_CACHE_HOME: path.join(this.home, '.cache'),
      ...(this.options.platform === 'win32' ? { APPDATA: path.join(this.home, 'AppData', 'Roaming'), LOCALAPPDATA: path.join(this.home, 'AppData', 'Local') } : {}),
      ...(process.env.DISPLAY ? { DISPLAY: process.env.DISPLAY } : {}),
      ...this.options.env,
    };
    return env;
  }

  /** Starts the app as a person would: the installed executable, or the AppImage. */
  async start(args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Generation> {
    const executable = this.options.mode === 'appimage' ? this.appImagePath : path.join(this.install, 'baton');
    const before = this.generations.length;
    const child = this.spawnProcess(executable, args, { ...this.baseEnv(), ...extraEnv });
    const generation = await this.generation(before + 1, 30_000);
    if (generation.pid !== child.pid) throw new Error(`expected process ${child.pid} to say hello, got ${generation.pid}`);
    return generation;
  }

  /** The n-th process (1-based) once it has said hello. */
  generation(n: number, timeoutMs = 30_000): Promise<Generation> {
    const known = this.generations[n - 1];
    if (known) return Promise.resolve(known);
    return waitFor<Generation>(this, 'generation', (generation) => generation.index === n, timeoutMs, `process #${n} of the app to start`);
  }

  /** The process after `generation` (a relaunch, an installed update). */
  next(generation: Generation, timeoutMs = 30_000): Promise<Generation> {
    return this.generation(generation.index + 1, timeoutMs);
  }

  private spawnProcess(executable: string, args: string[], env: Record<string, string>, cwd = this.root): ChildProcess {
    // Its own process group, as an app started from a desktop is: signals meant for the test runner's
    // group never reach it, and a signal the test sends reaches only it.
    const child = spawn(executable, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const lines: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    child.on('error', (error) => lines.push(`spawn failed: ${error.message}`));
    if (child.pid) {
      this.children.set(child.pid, child);
      this.stderrByPid.set(child.pid, lines);
    }
    return child;
  }

  private accept(socket: net.Socket): void {
    socket.setEncoding('utf8');
    let buffer = '';
    let generation: Generation | null = null;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { type: string } & Record<string, unknown>;
        if (message.type === 'hello') {
          const hello = message as unknown as Hello;
          const child = this.children.get(hello.pid) ?? null;
          generation = new Generation(this.generations.length + 1, hello, socket, child);
          const stderr = this.stderrByPid.get(hello.pid);
          if (stderr) (generation as { stderr: string[] }).stderr = stderr;
          this.generations.push(generation);
          const current = generation;
          generation.once('exited', () => this.afterExit(current));
          this.emit('generation', generation);
          continue;
        }
        generation?.receive(message as Parameters<Generation['receive']>[0]);
      }
    });
    socket.on('error', () => undefined);
  }

  /** relauncher.cc: once the process has exited, start what it recorded with app.relaunch(). */
  private afterExit(generation: Generation): void {
    if (this.closed) return;
    for (const record of generation.eventsNamed('relaunch')) {
      const { execPath, args, cwd } = record.data as { execPath: string; args: string[]; cwd: string };
      if (!fs.existsSync(execPath)) {
        this.failedRelaunches.push({ execPath, reason: 'the executable no longer exists (an AppImage mount vanishes when the process exits)' });
        this.emit('relaunch-failed', execPath);
        continue;
      }
      this.spawnProcess(execPath, args, generation.hello.env, fs.existsSync(cwd) ? cwd : this.root);
    }
  }

  /**
   * The OS shuts down, per platform model (SPEC L38):
   * - linux: logind's PrepareForShutdown; it waits while a delay lock is held, at most
   *   InhibitDelayMaxSec (default 5 s), then systemd sends SIGTERM and, after the stop timeout, SIGKILL.
   * - darwin: the power-off notification and terminate:; loginwindow gives up the logout when the
   *   app cancels it, and waits `patienceMs` for an app that asked for time.
   * - win32: WM_QUERYENDSESSION; an app that blocks gets `patienceMs` (the "this app is preventing
   *   shutdown" screen) before the person forces it; then WM_ENDSESSION, after which the process is ended.
   */
  async osShutdown(generation: Generation, options: { inhibitDelayMaxSec?: number; stopTimeoutMs?: number; patienceMs?: number } = {}): Promise<OsShutdownOutcome> {
    const started = Date.now();
    const platform = this.options.platform;
    const outcome: OsShutdownOutcome = { platform, reply: {}, exitedByItself: false, sigterm: false, sigkill: false, aborted: false, elapsedMs: 0 };
    const exitedWithin = async (ms: number) => {
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
      return (await Promise.race([generation.exited.then(() => 'exited' as const), timer])) === 'exited';
    };
    const endWithSignals = async (stopTimeoutMs: number) => {
      if (!generation.alive) return;
      outcome.sigterm = true;
      generation.kill('SIGTERM');
      if (await exitedWithin(stopTimeoutMs)) return;
      outcome.sigkill = true;
      generation.kill('SIGKILL');
      await generation.exited;
    };
    if (platform === 'linux') {
      outcome.reply = await generation.command<Record<string, unknown>>('power.shutdown');
      const delayMs = (options.inhibitDelayMaxSec ?? 5) * 1000;
      if (outcome.reply.lockHeld) {
        const released = generation.waitForEvent('logind.lock', (data) => data.held === false, delayMs).then(() => 'released' as const, () => 'timeout' as const);
        const result = await Promise.race([released, generation.exited.then(() => 'exited' as const)]);
        outcome.exitedByItself = result === 'exited' || (result === 'released' && (await exitedWithin(50)));
      }
      if (!generation.exit) await endWithSignals(options.stopTimeoutMs ?? 5000);
    } else if (platform === 'darwin') {
      outcome.reply = await generation.command<Record<string, unknown>>('power.shutdown');
      if (outcome.reply.terminate === 'cancelled') outcome.aborted = true;
      else {
        outcome.exitedByItself = await exitedWithin(options.patienceMs ?? 10_000);
        if (!outcome.exitedByItself) outcome.aborted = true;
      }
    } else {
      outcome.reply = await generation.command<Record<string, unknown>>('power.queryEndSession');
      if (outcome.reply.prevented) outcome.exitedByItself = await exitedWithin(options.patienceMs ?? 10_000);
      if (!generation.exit) {
        await generation.command('power.endSession').catch(() => undefined);
        if (!(await exitedWithin(options.stopTimeoutMs ?? 5000))) {
          outcome.sigkill = true;
          generation.kill('SIGKILL');
          await generation.exited;
        }
      }
    }
    outcome.elapsedMs = Date.now() - started;
    return outcome;
  }

  /** Ends whatever is still running and removes the temp tree. */
  async close(): Promise<void> {
    this.closed = true;
    for (const generation of this.generations) {
      if (generation.alive) generation.kill('SIGKILL');
    }
    for (const [pid, child] of this.children) if (child.exitCode === null && child.signalCode === null && alive(pid)) child.kill('SIGKILL');
    await Promise.all(this.generations.map((generation) => Promise.race([generation.exited, new Promise((resolve) => setTimeout(resolve, 2000))])));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (process.env.BATON_HARNESS_KEEP !== '1') fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Everything the processes reported, for a failed test's attachment. */
  transcript(): string {
    return this.generations
      .map((generation) =>
        [`── process #${generation.index} (pid ${generation.pid}) exit ${JSON.stringify(generation.exit)}`, ...generation.events.map((event) => `${event.at} ${event.name} ${JSON.stringify(event.data)}`), ...generation.stderr.map((line) => `stderr: ${line}`)].join('\n'),
      )
      .join('\n');
  }

  /** The app's own log (electron-log's file transport). */
  appLog(name = 'Baton'): string {
    for (const candidate of [name, 'baton']) {
      const logs = this.options.platform === 'darwin' ? path.join(this.home, 'Library', 'Logs', candidate) : path.join(this.dataDir(candidate), 'logs');
      try {
        return fs.readFileSync(path.join(logs, 'main.log'), 'utf8');
      } catch {
        // try the next
      }
    }
    return '';
  }
}

/**
 * A fake AppImage: running it "mounts" the app (a copy of the launcher script) in a fresh
 * `.mount_Baton*` directory and runs it with APPIMAGE and APPDIR set, as the AppImage runtime does;
 * register.mjs removes the mount when the process exits. APPIMAGE_EXIT_AFTER_INSTALL (set by
 * electron-updater when it installs without running the app) makes it exit at once.
 */
export function appImageScript(install: string, version: string): string {
  return [
    '#!/bin/sh',
    '[ "$APPIMAGE_EXIT_AFTER_INSTALL" = "true" ] && exit 0',
    'mnt=$(mktemp -d "${TMPDIR:-/tmp}/.mount_BatonXXXXXX")',
    `cp '${install}/baton' "$mnt/baton"`,
    'APPIMAGE="$(readlink -f "$0")"; APPDIR="$mnt"; BATON_HARNESS_APPIMAGE_MOUNT="$mnt"',
    `BATON_HARNESS_VERSION='${version}'; BATON_HARNESS_VERSION_PINNED=1`,
    'export APPIMAGE APPDIR BATON_HARNESS_APPIMAGE_MOUNT BATON_HARNESS_VERSION BATON_HARNESS_VERSION_PINNED',
    'exec "$mnt/baton" "$@"',
    '',
  ].join('\n');
}
