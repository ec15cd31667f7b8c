/**
 * The headless host (SPEC L30): the same core as the desktop app, with the renderer served over
 * HTTP and the gateway over a WebSocket on loopback. The composition root for machines where no
 * Electron binary can run (servers, CI, no display). Started through main.ts, which first takes
 * the secrets out of the process environment (R4) before this module and its graph are loaded.
 *
 *   node electron/host/main.ts [--data-dir DIR] [--port N] [--host ADDR --allow-remote] [--new-token]
 *
 * The port and the random access token are kept per data dir in host.json (0600, host-address.ts):
 * every launch listens at the same URL, so open windows reconnect by themselves (L33). --new-token
 * replaces the token; BATON_ACCESS_TOKEN, when set, overrides it for one launch.
 *
 * R4: the host holds no secret in its process environment (which any process of the user can read
 * in /proc/<pid>/environ): keys and the token are taken out of it at start and kept in memory; see
 * secret-handoff.ts.
 *
 * Signals (SIGNAL_EXITS): SIGTERM, SIGINT and SIGHUP drain with the short budget and quit; SIGUSR1
 * restarts. Exit codes (EXIT_CODES, shared/lifecycle.ts): 0 after a quit, 75 after a restart drain
 * (SIGUSR1, /restart, the UI's restart) so the supervisor relaunches it (scripts/supervise-host.sh),
 * 78 when it cannot start, 64 for a bad command line, 70 when the drain watchdog had to force a quit.
 *
 * API keys entered in the UI are kept in memory only (MemorySecretStore): there is no OS keychain
 * to put them in here, and they are never written to disk, so they must be entered again after a
 * relaunch. Keys from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENAI_BASE_URL, …) are
 * used when no provider is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, SIGNAL_EXITS, type ExitAction, type ExitReason } from '../../shared/lifecycle.ts';
import { McpManager } from '../core/agent/mcp/mcp-manager.ts';
import { MemorySecretStore } from '../core/agent/memory-secret-store.ts';
import { ModelAgentFactory } from '../core/agent/model-agent-factory.ts';
import { bubblewrapStatus } from '../core/agent/tools/shell-sandbox.ts';
import { openBatonCore, type BatonCore } from '../core/baton-core.ts';
import type { AppPort } from '../core/ports.ts';
import { EventHub } from '../core/protocol/event-hub.ts';
import { GatewayService } from '../core/protocol/gateway-service.ts';
import { ProtocolServer } from '../core/protocol/protocol-server.ts';
import { SettingsStore } from '../core/settings/settings-store.ts';
import { ACCESS_TOKEN_ENV, accessTokenFromEnv } from './access.ts';
import { listenOnPlannedPort, planHostAddress, saveHostAddress } from './host-address.ts';
import { parseHostArgs, USAGE, UsageError, type HostOptions } from './host-options.ts';
import type { HeldSecrets } from './secret-handoff.ts';
import { startHostServer, type HostServer } from './host-server.ts';
import { describeError } from '../../shared/errors.ts';

/** WebSocket close codes the windows see: 1012 "service restart" comes back, 1001 "going away" does not. */
const CLOSE_RESTART = 1012;
const CLOSE_GOING_AWAY = 1001;
const MCP_STOP_BUDGET_MS = 2_000;

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

function log(message: string): void {
  process.stderr.write(`[baton] ${message}\n`);
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function exitCodeFor(action: ExitAction): number {
  return action === 'relaunch' ? EXIT_CODES.relaunch : EXIT_CODES.quit;
}

async function withinBudget(work: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/**
 * @param env The host's configuration environment: `process.env` plus the secrets held in memory
 *   (provider keys, the access token). Commands never get it; they start from `process.env`.
 */
export async function runHost(options: HostOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // SPEC L27/L30: one route for every exit — signals, `/restart`, the window's restart. Handlers go
  // in first, so an exit asked for during startup (turns may already be resuming) waits for the
  // drain instead of killing the process.
  let pendingExit: ExitReason | null = null;
  let exitRoute = (reason: ExitReason): void => {
    pendingExit ??= reason;
  };
  for (const [signal, reason] of Object.entries(SIGNAL_EXITS)) process.on(signal, () => exitRoute(reason));

  const version = readVersion();
  fs.mkdirSync(options.dataDir, { recursive: true });

  const settings = SettingsStore.open({ dir: options.dataDir });
  for (const notice of settings.notices) log(notice.message);
  for (const warning of settings.warnings) log(warning);

  if (settings.get().shellSandbox !== 'off') {
    // Checked once, at start (R4); the answer is logged so a missing sandbox is never silent.
    void bubblewrapStatus().then((probe) =>
      log(probe.available ? 'Shell commands run in a bubblewrap sandbox.' : `Shell commands are NOT sandboxed: ${probe.reason}. They run with your user's full access.`),
    );
  }

  const secrets = new MemorySecretStore();
  const mcp = new McpManager({ log, clientInfo: { name: 'baton', version } });
  // Started before the core so that turns resumed at startup already have their MCP tools.
  const mcpReport = await mcp.start(settings.get().mcpServers);
  for (const error of mcpReport.errors) log(error);

  const agents = new ModelAgentFactory({
    settings: () => settings.get(),
    secrets,
    env,
    dataDir: options.dataDir,
    extraTools: () => mcp.tools(),
  });
  const hub = new EventHub({ log });

  let core: BatonCore | null = null;
  let server: HostServer | null = null;
  let drainReason: ExitReason | null = null;
  /** Set once the drain is over and the exit is under way: the code the watchdog must keep. */
  let exitCode: number | null = null;

  const app: AppPort = {
    async performExit(action) {
      if (exitCode !== null) return;
      const code = exitCodeFor(action);
      exitCode = code;
      if (action === 'install-update') log('The headless host has no updater; quitting instead.');
      // Answers still on their way out (the `app.restart` that started this drain) go first.
      await new Promise((resolve) => setImmediate(resolve));
      await server?.close(action === 'relaunch' ? CLOSE_RESTART : CLOSE_GOING_AWAY, action === 'relaunch' ? 'Baton is restarting' : 'Baton quit');
      await withinBudget(mcp.stop(), MCP_STOP_BUDGET_MS);
      core?.close();
      log(action === 'relaunch' ? `Restarting: exiting with code ${code} for the supervisor to relaunch.` : 'Baton quit.');
      process.exit(code);
    },
    forceExit(action) {
      if (exitCode !== null) {
        // The drain finished; only closing sockets or MCP servers was slow. Exit as planned.
        process.exit(exitCode);
      }
      log('The drain did not finish in time; forcing the exit.');
      // A forced restart still wants its relaunch: the turn journal recovers what was cut short.
      process.exit(action === 'relaunch' || drainReason === 'restart' ? EXIT_CODES.relaunch : EXIT_CODES.forced);
    },
  };

  try {
    core = await openBatonCore({ dataDir: options.dataDir, agents, settings: () => settings.get(), app, events: hub, version, log, requestRestart: () => exitRoute('restart') });
  } catch (error) {
    log(`Baton could not start: ${describeError(error)}`);
    await withinBudget(mcp.stop(), MCP_STOP_BUDGET_MS);
    process.exit(EXIT_CODES.startFailed);
  }
  const opened = core;

  const requestExit = (reason: ExitReason): void => {
    if (drainReason !== null) {
      log(`Already ${drainReason === 'restart' ? 'restarting' : 'quitting'}; waiting for running turns to finish.`);
    } else {
      drainReason = reason;
      const running = opened.gateway.runningLanes().length;
      log(`${reason === 'restart' ? 'Restarting' : 'Quitting'} (${reason}): draining ${running} running turn${running === 1 ? '' : 's'}.`);
    }
    opened.requestExit(reason).then(
      (result) => {
        if (result.timedOut) log(`Interrupted ${result.interrupted.length} turn(s) at the deadline; they resume after the next start.`);
      },
      (error: unknown) => {
        log(`The drain failed: ${describeError(error)}`);
        app.forceExit();
      },
    );
  };

  const service = new GatewayService({ core: opened, settings, secrets, hub, version, requestExit, log, env });
  const protocol = new ProtocolServer({ service, hub, log });
  // L33: the token and port stay the same per data dir (host.json), so open windows reconnect after any relaunch.
  const givenToken = accessTokenFromEnv(env);
  if (env[ACCESS_TOKEN_ENV] && givenToken === null) {
    log(`${ACCESS_TOKEN_ENV} is too short or has characters other than A-Z a-z 0-9 _ -; ignoring it.`);
  }
  const address = planHostAddress({ dataDir: options.dataDir, requestedPort: options.port, portGiven: options.portGiven, newToken: options.newToken, givenToken, log });
  const token = address.token;
  try {
    server = await listenOnPlannedPort(
      address,
      (port) => startHostServer({ host: options.host, port, allowRemote: options.allowRemote, token, rendererDir: options.rendererDir, protocol, log }),
      log,
    );
    saveHostAddress(address, { host: options.host, port: server.port }, log);
  } catch (error) {
    log(`Could not listen on ${options.host}:${address.port}: ${describeError(error)}`);
    opened.close();
    await withinBudget(mcp.stop(), MCP_STOP_BUDGET_MS);
    process.exit(EXIT_CODES.startFailed);
  }

  // From now on an exit starts (or joins) the drain; one asked for during startup does so now.
  exitRoute = requestExit;

  const { startup } = opened;
  if (startup.recovered.length > 0) log(`Recovered ${startup.recovered.length} interrupted conversation(s).`);
  if (startup.autoResumed.length > 0) log(`Resuming ${startup.autoResumed.length} conversation(s).`);
  if (!fs.existsSync(path.join(options.rendererDir, 'index.html'))) log(`No built renderer in ${options.rendererDir}; the page explains how to build it.`);
  process.stdout.write(`Baton is running at ${server.url}\n`);
  // For scripts and tests: one machine-readable line.
  process.stdout.write(
    `BATON_READY ${JSON.stringify({ url: server.url, origin: server.origin, port: server.port, token, instanceId: hub.instanceId, dataDir: options.dataDir, pid: process.pid, version })}\n`,
  );
  if (pendingExit) requestExit(pendingExit);
}

/** The command line, then the host; `held` are the secrets main.ts took out of the environment. */
export async function main(held: HeldSecrets): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  let options: HostOptions;
  try {
    options = parseHostArgs(process.argv.slice(2), process.env, repoRoot);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${error.showUsage ? `${USAGE}\n` : ''}`);
    process.exit(EXIT_CODES.usage);
  }
  await runHost(options, { ...process.env, ...held });
}
