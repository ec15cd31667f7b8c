/**
 * The gateway as one unit, the same for both composition roots (issue 9, item 1): the desktop
 * shell (electron/shell/main.ts) stops and starts it in-process around a failed update install;
 * the headless host (electron/host/run-host.ts) runs it once. Plain Node: no Electron.
 *
 * Parts, in start order (docs/architecture.md, "Runtime and the exit route"):
 *   1. MCP servers, before the core, so turns resumed at startup already have their tools;
 *   2. the agent factory (model provider + built-in and MCP tools, read per turn);
 *   3. the EventHub, fresh per start (a new instance id, so windows that reconnect after a
 *      gateway restart resync instead of replaying events of a core that no longer exists);
 *   4. the core: store, gateway, drain, startup recovery (openBatonCore);
 *   5. the GatewayService (every contract method) and the ProtocolServer (connections).
 * Stop runs the other way: connections, then the MCP servers within one budget, then the store.
 *
 * Exits: the root passes its one `requestExit(reason)`; `/restart` typed in a conversation and a
 * window's `app.restart` go there, never straight to the drain, so the root's phase, tray and exit
 * codes always know Baton is leaving. `drain(reason)` is what that route calls once it decided.
 */
import type { ExitReason } from '../../../shared/lifecycle.ts';
import { countConditions, type ConditionCounts } from '../../../shared/lane-condition.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { maskingLog } from '../../../shared/url-credentials.ts';
import type { UpdateState } from '../../../shared/protocol/contract.ts';
import type { Transport } from '../../../shared/protocol/transport.ts';
import type { AgentFactory } from '../agent/agent.ts';
import { McpManager } from '../agent/mcp/mcp-manager.ts';
import { ModelAgentFactory } from '../agent/model-agent-factory.ts';
import type { Tool } from '../agent/tools/tool.ts';
import { openBatonCore, type BatonCore } from '../baton-core.ts';
import type { DrainResult } from '../lifecycle/drain-coordinator.ts';
import type { AppPort, SecretStore } from '../ports.ts';
import { EventHub } from '../protocol/event-hub.ts';
import { GatewayService } from '../protocol/gateway-service.ts';
import { ProtocolServer, type Connection } from '../protocol/protocol-server.ts';
import type { SettingsStore } from '../settings/settings-store.ts';

/**
 * How long stopping the MCP servers may hold up an exit or a failed start. Their child processes
 * are ours to end, but a server that ignores its stdin closing must not keep Baton from leaving.
 */
export const MCP_STOP_BUDGET_MS = 2_000;

export interface GatewayRuntimeOptions {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  version: string;
  /** Carries out the drain's exit action (L13): the root's lifecycle. */
  app: AppPort;
  /** The root's one exit route: `/restart` and a window's `app.restart` go there. */
  requestExit: (reason: ExitReason) => void;
  /** The update state a fresh hub starts with (the desktop's updater; idle where there is none). */
  updateState?: () => UpdateState;
  /** Called after each start with the fresh core and hub (tray, notifications, update wiring). */
  onStarted?: (started: { core: BatonCore; hub: EventHub }) => void;
  /** The agents' configuration environment (provider keys, base URLs); `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Makes the agents from the MCP tools; the real model agents by default. */
  agents?: (tools: () => Tool[]) => AgentFactory;
  log?: Log;
}

interface Running {
  core: BatonCore;
  hub: EventHub;
  service: GatewayService;
  protocol: ProtocolServer;
  mcp: McpManager;
}

/** Waits for `work` at most `ms`; its failure is not the caller's concern (it is logged where it happens). */
export async function withinBudget(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

export class GatewayRuntime {
  private readonly options: GatewayRuntimeOptions;
  private readonly log: Log;
  private running: Running | null = null;

  constructor(options: GatewayRuntimeOptions) {
    this.options = options;
    // Issue 10, R4: nothing the runtime's parts log shows an address's password.
    this.log = maskingLog(options.log ?? defaultLog);
  }

  /** False before the first start, after a stop, and during a restart's gap. */
  get started(): boolean {
    return this.running !== null;
  }

  get core(): BatonCore {
    return this.live().core;
  }

  get hub(): EventHub {
    return this.live().hub;
  }

  get service(): GatewayService {
    return this.live().service;
  }

  get protocol(): ProtocolServer {
    return this.live().protocol;
  }

  /** Starts every part in order; a part that fails stops the ones already started, then throws. */
  async start(): Promise<BatonCore> {
    if (this.running) return this.running.core;
    const { settings, secrets, version, dataDir, requestExit } = this.options;
    const log = this.log;
    const mcp = new McpManager({ log, clientInfo: { name: 'baton', version }, resolveSecret: (ref) => secrets.get(ref) });
    const report = await mcp.start(settings.get().mcpServers);
    for (const error of report.errors) log(error);
    const tools = () => mcp.tools();
    const agents =
      this.options.agents?.(tools) ??
      new ModelAgentFactory({ settings: () => settings.get(), secrets, env: this.options.env ?? process.env, dataDir, extraTools: tools });
    const hub = new EventHub({ log });
    if (this.options.updateState) hub.setUpdateState(this.options.updateState());
    let core: BatonCore;
    try {
      core = await openBatonCore({
        dataDir,
        agents,
        settings: () => settings.get(),
        app: this.options.app,
        events: hub,
        version,
        log,
        requestRestart: () => requestExit('restart'),
      });
    } catch (error) {
      await withinBudget(mcp.stop(), MCP_STOP_BUDGET_MS);
      throw error;
    }
    // The service applies MCP settings changes to the running servers at once (issue 10).
    const service = new GatewayService({ core, settings, secrets, hub, version, requestExit, log, mcp, env: this.options.env ?? process.env });
    const protocol = new ProtocolServer({ service, hub, log });
    this.running = { core, hub, service, protocol, mcp };
    this.options.onStarted?.({ core, hub });
    return core;
  }

  /** Serves one front end (a window's MessagePort, a WebSocket) over its transport. */
  accept(transport: Transport): Connection {
    return this.live().protocol.accept(transport);
  }

  /** Starts the drain, or joins the one under way. Only the root's `requestExit` calls this. */
  drain(reason: ExitReason): Promise<DrainResult> {
    return this.live().core.requestExit(reason);
  }

  runningTurns(): number {
    return this.running?.core.gateway.runningLanes().length ?? 0;
  }

  /** Conversations by condition (L28, L31), from the same lane summaries the window reads. */
  laneConditions(): ConditionCounts {
    return countConditions((this.running?.core.gateway.laneViews() ?? []).map((view) => view.status));
  }

  backupNow(label: string): Promise<string> {
    return this.live().core.store.backupNow(label);
  }

  /** Closes the connections, stops the MCP servers (within MCP_STOP_BUDGET_MS) and closes the store. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.protocol.closeAll();
    running.service.dispose();
    await withinBudget(running.mcp.stop(), MCP_STOP_BUDGET_MS);
    running.core.close();
  }

  /** A fresh core and hub on the same data dir (the desktop, after a failed install). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private live(): Running {
    if (!this.running) throw new Error('The gateway is not running.');
    return this.running;
  }
}
