/**
 * The headless host under a supervisor, as scripts/start.sh runs it, but in the test process so a
 * test can watch and steer it: one data directory, one fixed loopback port and one access token
 * for the whole session, so the open window reconnects after every relaunch. When the host exits
 * with 75 (a restart drain) it is started again at once; any other exit (quit, SIGKILL) leaves it
 * down until the test starts it again, as a person would.
 *
 * Also used without a browser by the kill soak (soak.ts).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EXIT_CODES } from '../../../shared/lifecycle.ts';
import type { GatewayClient } from '../../../shared/protocol/client.ts';
import type { MethodName, Params, Result } from '../../../shared/protocol/contract.ts';
import { HostProcess, type HostExit } from '../../fixtures/host-process.ts';
import { Recorder } from '../../support/recorder.ts';
import { startScriptedOpenAIServer, type ChatRequestBody, type ChatRequestMessage, type RecordedRequest, type ScriptedOpenAIServer } from '../../fixtures/scripted-openai-server.ts';


export interface SupervisorOptions {
  /** Written to config.json before the first start (drain timeout, approvals, …). */
  settings?: Record<string, unknown>;
  /**
   * Point the host at the scripted model through OPENAI_BASE_URL (default). False starts it with
   * no model at all, as on a first run, so the person has to set a provider up in the window.
   */
  modelFromEnv?: boolean;
  /** Port to keep across launches; a free one is picked when omitted. */
  port?: number;
  /** More environment for the host (e.g. OLLAMA_HOST). */
  env?: Record<string, string>;
}

/** A loopback port nobody listens on right now, from the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LaunchExit extends HostExit {
  /** 1-based launch number that exited. */
  launch: number;
}

export class Supervisor {
  readonly dataDir: string;
  readonly port: number;
  readonly token: string;
  readonly model: ScriptedOpenAIServer;
  /** Every host process started, in order. */
  readonly launches = new Recorder<HostProcess>();
  readonly exits = new Recorder<LaunchExit>();
  private readonly env: NodeJS.ProcessEnv;
  private stopped = false;
  private relaunchFailure: Error | null = null;
  private readonly failureWaiters: Array<(error: Error) => void> = [];

  private constructor(dataDir: string, port: number, model: ScriptedOpenAIServer, modelFromEnv: boolean, extraEnv: Record<string, string> = {}) {
    this.dataDir = dataDir;
    this.port = port;
    this.model = model;
    // At least 32 URL-safe characters, or the host ignores it (electron/host/access.ts).
    this.token = `e2e-${randomBytes(24).toString('base64url')}`;
    this.env = {
      BATON_ACCESS_TOKEN: this.token,
      ...(modelFromEnv ? { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-e2e-scripted', OPENAI_MODEL: 'scripted-env-model' } : {}),
      ...extraEnv,
    };
  }

  static async create(options: SupervisorOptions = {}): Promise<Supervisor> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-'));
    if (options.settings) fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(options.settings, null, 2));
    const model = await startScriptedOpenAIServer();
    const port = options.port ?? (await freePort());
    return new Supervisor(dataDir, port, model, options.modelFromEnv ?? true, options.env);
  }

  /** The address a person opens: the same for every launch of this session. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  /** The newest host process (running or not). */
  get host(): HostProcess {
    const host = this.launches.items.at(-1);
    if (!host) throw new Error('Baton was never started.');
    return host;
  }

  get launchCount(): number {
    return this.launches.size;
  }

  get running(): boolean {
    const host = this.launches.items.at(-1);
    return host !== undefined && host.child.exitCode === null && host.child.signalCode === null;
  }

  /** Starts the host and waits for its ready line. */
  async start(): Promise<HostProcess> {
    if (this.stopped) throw new Error('The supervisor was stopped.');
    if (this.running) throw new Error('Baton is already running.');
    const host = await HostProcess.start(this.dataDir, this.env, { port: this.port });
    const launch = this.launches.size + 1;
    this.launches.push(host);
    void host.exited.then((exit) => {
      this.exits.push({ ...exit, launch });
      if (exit.code === EXIT_CODES.relaunch && !this.stopped) {
        this.start().catch((error: unknown) => {
          this.relaunchFailure = error instanceof Error ? error : new Error(String(error));
          for (const fail of this.failureWaiters.splice(0)) fail(this.relaunchFailure);
        });
      }
    });
    return host;
  }

  /** Resolves with launch number `n` (1-based) once it is ready; rejects if a relaunch failed. */
  waitForLaunch(n: number): Promise<HostProcess> {
    if (this.relaunchFailure) return Promise.reject(this.relaunchFailure);
    return Promise.race([
      this.launches.waitFor(() => true, n - 1),
      new Promise<never>((_, reject) => this.failureWaiters.push(reject)),
    ]);
  }

  /** Resolves when launch `n` has exited. */
  waitForExit(n: number): Promise<LaunchExit> {
    return this.exits.waitFor((exit) => exit.launch === n);
  }

  /**
   * SIGUSR1: a restart through the drain. Resolves with the exit (75 expected) of the current
   * launch; the supervisor is already starting the next one.
   */
  async restartBySignal(): Promise<LaunchExit> {
    const launch = this.launchCount;
    this.host.signal('SIGUSR1');
    return this.waitForExit(launch);
  }

  /** SIGTERM: quit through the drain (exit 0, not relaunched). */
  async quit(): Promise<LaunchExit> {
    const launch = this.launchCount;
    this.host.signal('SIGTERM');
    return this.waitForExit(launch);
  }

  /** SIGKILL: no drain, no chance to write anything (not relaunched). */
  async crash(): Promise<LaunchExit> {
    const launch = this.launchCount;
    this.host.signal('SIGKILL');
    return this.waitForExit(launch);
  }

  /** A protocol client of the current launch, with the page's Origin (closed at the next exit). */
  client(): Promise<GatewayClient> {
    return this.host.client();
  }

  /** One protocol call on the current launch, over a connection opened for it. */
  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const client = await this.host.client();
    try {
      return await client.call(method, params);
    } finally {
      client.close();
    }
  }

  /**
   * The assistant texts the store holds for a conversation's current session. Streamed text is
   * saved at least every 250 ms (L26): poll this before a kill that must not lose a partial answer.
   */
  async savedAssistantTexts(laneKey: string): Promise<string[]> {
    const transcript = await this.call('transcript.get', { laneKey });
    return transcript.events.flatMap((event) => (event.kind === 'assistant_text' ? [event.payload.text] : []));
  }

  /** What the host wrote to stderr, every launch, for a failing test's report. */
  log(): string {
    return this.launches.items.map((host, i) => [`── launch ${i + 1} (pid ${host.child.pid})`, ...host.stderr.items].join('\n')).join('\n');
  }

  async stop(options: { keepDataDir?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const host of this.launches.items) host.kill();
    await Promise.all(this.launches.items.map((host) => host.exited));
    await this.model.close();
    if (!options.keepDataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ── reading the scripted model's request log ──────────────────────────────────────────────────

function textOf(message: ChatRequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) {
    return message.content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String((part as { text: unknown }).text) : '')).join('');
  }
  return '';
}

/** The system messages Baton adds to a request on its own (L19): they start with "[Baton]". */
export function batonNotes(request: RecordedRequest<ChatRequestBody>): string[] {
  return request.body.messages.filter((m) => m.role === 'system').map(textOf).filter((text) => text.startsWith('[Baton]'));
}

/** The newest user message of a request. */
export function lastUserText(request: RecordedRequest<ChatRequestBody> | { body: ChatRequestBody }): string {
  const users = request.body.messages.filter((m) => m.role === 'user');
  const last = users.at(-1);
  return last ? textOf(last) : '';
}

export function allTexts(request: RecordedRequest<ChatRequestBody>): string[] {
  return request.body.messages.map(textOf);
}
