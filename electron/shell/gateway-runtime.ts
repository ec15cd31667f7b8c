/**
 * The gateway inside the desktop app, as one unit the lifecycle can stop and start again: MCP
 * servers, agent factory, core (store, gateway, drain), EventHub, GatewayService and ProtocolServer,
 * wired exactly as the headless host wires them (electron/host/main.ts). Plain Node: no Electron.
 *
 * Each start gets a fresh EventHub (a new instance id), so windows that reconnect after a gateway
 * restart resync their state instead of replaying events of a core that no longer exists.
 */
import { countConditions, type ConditionCounts } from '../../shared/lane-condition.ts';
import type { ExitReason } from '../../shared/lifecycle.ts';
import type { UpdateState } from '../../shared/protocol/contract.ts';
import type { Transport } from '../../shared/protocol/transport.ts';
import { McpManager } from '../core/agent/mcp/mcp-manager.ts';
import { ModelAgentFactory } from '../core/agent/model-agent-factory.ts';
import { openBatonCore, type BatonCore } from '../core/baton-core.ts';
import type { DrainResult } from '../core/lifecycle/drain-coordinator.ts';
import type { AppPort, SecretStore } from '../core/ports.ts';
import { EventHub } from '../core/protocol/event-hub.ts';
import { GatewayService } from '../core/protocol/gateway-service.ts';
import { ProtocolServer, type Connection } from '../core/protocol/protocol-server.ts';
import type { SettingsStore } from '../core/settings/settings-store.ts';
import type { GatewayControl } from './lifecycle/desktop-lifecycle.ts';
import { defaultLog, type Log } from '../../shared/log.ts';

const MCP_STOP_BUDGET_MS = 2_000;

export interface GatewayRuntimeOptions {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  version: string;
  /** The lifecycle: carries out the drain's exit action. */
  app: AppPort;
  /** What `app.restart` from a window does (the shell turns it into an update when one is ready). */
  requestExit: (reason: ExitReason) => void;
  /** The update state a fresh hub starts with. */
  updateState: () => UpdateState;
  /** Called after each start with the fresh core and hub (tray, notifications, update wiring). */
  onStarted?: (started: { core: BatonCore; hub: EventHub }) => void;
  env?: NodeJS.ProcessEnv;
  log?: Log;
}

interface Running {
  core: BatonCore;
  hub: EventHub;
  service: GatewayService;
  protocol: ProtocolServer;
  mcp: McpManager;
}

async function withinBudget(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class GatewayRuntime implements GatewayControl {
  private readonly options: GatewayRuntimeOptions;
  private readonly log: Log;
  private running: Running | null = null;

  constructor(options: GatewayRuntimeOptions) {
    this.options = options;
    this.log = options.log ?? defaultLog;
  }

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

  async start(): Promise<BatonCore> {
    if (this.running) return this.running.core;
    const { settings, secrets, version, dataDir } = this.options;
    const mcp = new McpManager({ log: this.log, clientInfo: { name: 'baton', version } });
    // Started before the core so that turns resumed at startup already have their MCP tools.
    const report = await mcp.start(settings.get().mcpServers);
    for (const error of report.errors) this.log(error);
    const agents = new ModelAgentFactory({
      settings: () => settings.get(),
      secrets,
      env: this.options.env ?? process.env,
      dataDir,
      extraTools: () => mcp.tools(),
    });
    const hub = new EventHub({ log: this.log });
    hub.setUpdateState(this.options.updateState());
    let core: BatonCore;
    try {
      core = await openBatonCore({
        dataDir,
        agents,
        settings: () => settings.get(),
        app: this.options.app,
        events: hub,
        version,
        log: this.log,
        // /restart typed in a conversation takes the same route as the tray's Restart.
        requestRestart: () => this.options.requestExit('restart'),
      });
    } catch (error) {
      await withinBudget(mcp.stop(), MCP_STOP_BUDGET_MS);
      throw error;
    }
    const service = new GatewayService({ core, settings, secrets, hub, version, requestExit: this.options.requestExit, log: this.log, env: this.options.env ?? process.env });
    const protocol = new ProtocolServer({ service, hub, log: this.log });
    this.running = { core, hub, service, protocol, mcp };
    this.options.onStarted?.({ core, hub });
    return core;
  }

  /** Serves one window over its MessagePort. */
  accept(transport: Transport): Connection {
    return this.live().protocol.accept(transport);
  }

  requestExit(reason: ExitReason): Promise<DrainResult> {
    return this.live().core.requestExit(reason);
  }

  runningTurns(): number {
    return this.running?.core.gateway.runningLanes().length ?? 0;
  }

  /** Conversations by condition (L28, L31), from the same lane summaries the window reads. */
  laneConditions(): ConditionCounts {
    const core = this.running?.core;
    return countConditions(core ? core.store.listLanes().flatMap((lane) => core.gateway.laneStatus(lane.laneKey) ?? []) : []);
  }

  backupNow(label: string): Promise<string> {
    return this.live().core.store.backupNow(label);
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.protocol.closeAll();
    await withinBudget(running.mcp.stop(), MCP_STOP_BUDGET_MS);
    running.core.close();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private live(): Running {
    if (!this.running) throw new Error('The gateway is not running.');
    return this.running;
  }
}
