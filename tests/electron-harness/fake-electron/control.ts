/**
 * The harness process's end of the control channel (tests/electron-harness/launcher.ts holds the
 * other end). Not part of Electron: it is how the test watches and drives the fake OS around the
 * app. Every generation of the app — including one started by a relaunch, an AppImage waiter
 * script or an updater — connects to the unix socket named by BATON_HARNESS_CONTROL, so the test
 * sees all of them.
 *
 * Wire format: one JSON object per line.
 *   harness → test: {type:'hello', pid, argv, execPath, env}, {type:'event', name, data, at},
 *                   {type:'reply', id, ok, value|error}
 *   test → harness: {type:'command', id, name, args}
 */
import net from 'node:net';

export type CommandHandler = (args: Record<string, unknown>) => unknown;

const handlers = new Map<string, CommandHandler>();
const controlPath = process.env.BATON_HARNESS_CONTROL;
let socket: net.Socket | null = null;
let lineBuffer = '';

function write(message: unknown): void {
  if (!socket || socket.destroyed) return;
  socket.write(`${JSON.stringify(message)}\n`);
}

async function run(id: number, name: string, args: Record<string, unknown>): Promise<void> {
  const handler = handlers.get(name);
  if (!handler) {
    write({ type: 'reply', id, ok: false, error: `unknown harness command: ${name}` });
    return;
  }
  try {
    const value = await handler(args);
    write({ type: 'reply', id, ok: true, value: value ?? null });
  } catch (error) {
    write({ type: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

function onData(chunk: string): void {
  lineBuffer += chunk;
  let newline: number;
  while ((newline = lineBuffer.indexOf('\n')) >= 0) {
    const line = lineBuffer.slice(0, newline);
    lineBuffer = lineBuffer.slice(newline + 1);
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { type: string; id: number; name: string; args?: Record<string, unknown> };
    if (message.type === 'command') void run(message.id, message.name, message.args ?? {});
  }
}

/**
 * Connects once and resolves when connected (or when there is no test listening). register.mjs
 * waits for it before loading the app, so the hello is on the wire before the app can block the
 * thread (a second instance's synchronous hand-over) or exit.
 */
export function connectControl(): Promise<void> {
  if (socket || !controlPath) return Promise.resolve();
  socket = net.createConnection(controlPath);
  socket.setEncoding('utf8');
  socket.on('data', onData);
  // The test may already be gone (its timeout); the app must not crash because of the harness.
  socket.on('error', () => undefined);
  write({ type: 'hello', pid: process.pid, argv: process.argv, execArgv: process.execArgv, execPath: process.execPath, env: process.env });
  const connecting = socket;
  return new Promise((resolve) => {
    connecting.once('connect', () => resolve());
    connecting.once('error', () => resolve());
  });
}

/** Tells the test something happened (an app event, a dialog, a relaunch record, …). */
export function report(name: string, data: Record<string, unknown> = {}): void {
  write({ type: 'event', name, data, at: Date.now() });
}

/** A command the test can send to this process (e.g. 'tray.click', 'power.shutdown'). */
export function onCommand(name: string, handler: CommandHandler): void {
  handlers.set(name, handler);
}

/** Flushes what was written, then lets go of the socket (right before the process exits). */
export function closeControl(): Promise<void> {
  const current = socket;
  if (!current || current.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    current.end(() => resolve());
    setTimeout(resolve, 500).unref();
  });
}

/** Synchronous variant for paths that cannot await (a process killed right after). */
export function hasControl(): boolean {
  return socket !== null && !socket.destroyed;
}
