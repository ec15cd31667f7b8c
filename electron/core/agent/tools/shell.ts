/**
 * The `shell` tool: one command through `/bin/sh -c` in the workspace folder.
 *
 * The command leads its own process group (`detached: true` → setsid), so stopping it — on
 * timeout, on a hard interrupt (L11), or because it left background jobs behind — reaches every
 * process it started, not only the shell. The tool settles only once the group is gone, so a
 * drain that waits for the turn knows no tool process outlives it.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { commandEnvironment } from './command-environment.ts';
import type { CommandSandbox } from './shell-sandbox.ts';
import { isProcessGroupAlive, terminateProcessGroup, waitUntilGone } from './process-group.ts';
import { defineTool, type Tool, type ToolOutcome, type ToolOutputChannel, type ToolRunContext } from './tool.ts';
import type { ToolResultDetails } from '../../../../shared/transcript.ts';
import { describeError } from '../../../../shared/errors.ts';

export interface ShellToolOptions {
  /** Wall-clock limit per command; the process group is killed when it passes. */
  timeoutMs?: number;
  /** Cap on combined stdout+stderr kept for the model; the middle is dropped beyond it. */
  maxOutputBytes?: number;
  /** Time between SIGTERM and SIGKILL when stopping the process group. */
  killGraceMs?: number;
  shellPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Where commands run sandboxed (R4); null or absent: directly, with the user's full access. */
  sandbox?: CommandSandbox | null;
  /**
   * Why commands run without a sandbox although one was asked for (bubblewrap missing, or unable
   * to create namespaces here): added to every result, so the person reading the tool card sees it.
   */
  unsandboxedReason?: string | null;
}

export const SHELL_DEFAULTS = {
  timeoutMs: 120_000,
  maxOutputBytes: 64 * 1024,
  killGraceMs: 2_000,
  shellPath: '/bin/sh',
} as const;

/**
 * Keeps the head and the tail of the output: a long build log's first lines say what ran and its
 * last lines usually say why it failed; the middle is what can go.
 */
export class OutputCollector {
  readonly #headCap: number;
  readonly #tailCap: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #total = 0;

  constructor(maxBytes: number) {
    this.#headCap = Math.ceil(maxBytes / 2);
    this.#tailCap = maxBytes - this.#headCap;
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#headBytes < this.#headCap) {
      const take = Math.min(this.#headCap - this.#headBytes, rest.length);
      this.#head.push(rest.subarray(0, take));
      this.#headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tail.length > 1 && this.#tailBytes - this.#tail[0]!.length >= this.#tailCap) {
      this.#tailBytes -= this.#tail.shift()!.length;
    }
  }

  get totalBytes(): number {
    return this.#total;
  }

  text(): string {
    const tail = Buffer.concat(this.#tail);
    const keptTail = tail.subarray(Math.max(0, tail.length - this.#tailCap));
    const omitted = this.#total - this.#headBytes - keptTail.length;
    const head = Buffer.concat(this.#head).toString('utf8');
    if (omitted <= 0) return head + keptTail.toString('utf8');
    return `${head}\n[... output truncated: ${omitted} bytes omitted out of ${this.#total} ...]\n${keptTail.toString('utf8')}`;
  }
}

const shellArgs = z.object({
  command: z.string().trim().min(1, 'command must not be empty').describe('The command line, run by /bin/sh -c in the workspace folder.'),
});

type StopReason = 'timeout' | 'interrupted';

/**
 * A sandbox's processes all die with its init when the command ends (the kernel ends a PID
 * namespace with its init), but the sandbox's outer process may report the exit a moment before
 * they are gone. Bounded: anything still there after this is treated as a leftover and stopped.
 */
const SANDBOX_TEARDOWN_MS = 1_000;

/** Once every process in the group is gone, pipes close within milliseconds. */
const STREAM_DRAIN_MS = 500;

/** Unlike racing a timers/promises delay, leaves no timer behind to hold the process open. */
function withTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function interruptedBeforeStart(): ToolOutcome {
  return { isError: true, output: '[interrupted: the command was not started because the turn was interrupted]' };
}

export { commandEnvironment };

export async function runShellCommand(command: string, context: ToolRunContext, options: ShellToolOptions = {}): Promise<ToolOutcome> {
  const timeoutMs = options.timeoutMs ?? SHELL_DEFAULTS.timeoutMs;
  const graceMs = options.killGraceMs ?? SHELL_DEFAULTS.killGraceMs;
  const { signal, workspaceDir } = context;
  if (signal.aborted) return interruptedBeforeStart();

  // spawn reports a missing cwd as the shell itself missing (ENOENT on /bin/sh); say what is wrong.
  const dirOk = await stat(workspaceDir).then((s) => s.isDirectory(), () => false);
  if (!dirOk) return { isError: true, output: `The workspace folder is not available: ${workspaceDir}` };
  if (signal.aborted) return interruptedBeforeStart();

  const shellPath = options.shellPath ?? SHELL_DEFAULTS.shellPath;
  const { file, args } = options.sandbox ? options.sandbox.wrap(shellPath, command, workspaceDir) : { file: shellPath, args: ['-c', command] };
  // Either way the command leads a new process group: inside the sandbox every process stays in it.
  const child = spawn(file, args, {
    cwd: workspaceDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? commandEnvironment(process.env),
  });
  const output = new OutputCollector(options.maxOutputBytes ?? SHELL_DEFAULTS.maxOutputBytes);
  // Issue 10: each piece also goes to the card as it comes; a decoder per stream keeps a character
  // split across two reads whole.
  const watch = (stream: ToolOutputChannel) => {
    const decoder = new StringDecoder('utf8');
    return {
      data: (chunk: Buffer) => {
        output.push(chunk);
        const text = decoder.write(chunk);
        if (text !== '') context.output?.(stream, text);
      },
      end: () => {
        const text = decoder.end();
        if (text !== '') context.output?.(stream, text);
      },
    };
  };
  const stdout = watch('stdout');
  const stderr = watch('stderr');
  child.stdout.on('data', stdout.data);
  child.stderr.on('data', stderr.data);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, sig) => resolve([code, sig])));
  const closed = new Promise<true>((resolve) => child.once('close', () => resolve(true)));
  const startError = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    // Kept for the child's lifetime: an unheard 'error' event would throw.
    child.on('error', resolve);
  });
  if (startError) return { isError: true, output: `Could not start the shell: ${describeError(startError)}` };
  const pgid = child.pid!;

  let stopReason: StopReason | null = null;
  let leaderExited = false;
  let termination: Promise<boolean> | null = null;
  const stop = (reason: StopReason) => {
    if (stopReason !== null || leaderExited) return;
    stopReason = reason;
    termination = terminateProcessGroup(pgid, graceMs);
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('interrupted');
  signal.addEventListener('abort', onAbort, { once: true });
  // The signal may have fired between the check above and the listener.
  if (signal.aborted) onAbort();

  try {
    const [code, exitSignal] = await exited;
    leaderExited = true;
    clearTimeout(timer);

    // Background jobs (`cmd &`) would otherwise outlive the call, beyond any later interrupt's reach.
    let leftovers = false;
    if (termination === null && options.sandbox) await waitUntilGone(pgid, SANDBOX_TEARDOWN_MS);
    if (termination === null && (await isProcessGroupAlive(pgid))) {
      leftovers = true;
      termination = terminateProcessGroup(pgid, graceMs);
    }
    const groupGone = termination === null ? true : await termination;

    // A process that left the group (setsid) may still hold our pipes; don't wait on it forever.
    // Short, because an interrupted turn has its own grace period to record the result in (L11).
    const streamsClosed = await withTimeout(closed, STREAM_DRAIN_MS, false);
    if (!streamsClosed) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
    stdout.end();
    stderr.end();

    const lines = [output.totalBytes === 0 ? '(no output)' : output.text().replace(/\n$/, '')];
    const reason = stopReason as StopReason | null;
    if (reason === 'interrupted') {
      lines.push('[interrupted: the command was stopped before it finished; its process group was killed]');
    } else if (reason === 'timeout') {
      lines.push(`[timed out after ${timeoutMs / 1000} s: the command's process group was killed]`);
    } else if (code !== null) {
      lines.push(`[exit code ${code}]`);
    } else {
      lines.push(`[killed by signal ${exitSignal ?? 'unknown'}]`);
    }
    if (leftovers) lines.push('[background processes still running when the command finished were stopped]');
    if (!groupGone) lines.push(`[warning: some processes of process group ${pgid} could not be confirmed stopped]`);
    if (!streamsClosed) lines.push('[warning: a process outside the command\'s group kept its output open; later output was not captured]');
    if (options.unsandboxedReason) lines.push(`[not sandboxed: ${options.unsandboxedReason}]`);

    const details: ToolResultDetails = { exitCode: code, signal: exitSignal, ...(reason !== null ? { stopped: reason } : {}) };
    return { isError: reason !== null || code !== 0, output: lines.join('\n'), details };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

export function createShellTool(options: ShellToolOptions = {}): Tool {
  const timeoutS = (options.timeoutMs ?? SHELL_DEFAULTS.timeoutMs) / 1000;
  const capKiB = Math.round((options.maxOutputBytes ?? SHELL_DEFAULTS.maxOutputBytes) / 1024);
  return defineTool({
    name: 'shell',
    description:
      `Run a shell command with /bin/sh -c in the workspace folder and return its combined stdout and stderr with the exit code. ` +
      `No stdin. Commands are stopped after ${timeoutS} s; output beyond about ${capKiB} KiB is truncated in the middle. ` +
      'Background processes (started with &) are stopped when the command finishes.' +
      (options.sandbox ? ` ${options.sandbox.description}` : ''),
    schema: shellArgs,
    effect: 'side-effecting',
    run: (args, context) => runShellCommand(args.command, context, options),
  });
}
