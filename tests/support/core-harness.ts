/** Starts the real core (real SQLite in a temp dir) with a scripted agent and recording ports. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBatonCore, type BatonCore, type CoreSettings } from '../../electron/core/baton-core.ts';
import type { AgentFactory } from '../../electron/core/agent/agent.ts';
import type { AppPort, GatewayEventSink } from '../../electron/core/ports.ts';
import type { Banner, GatewayEvent } from '../../shared/gateway-events.ts';
import type { ExitAction } from '../../shared/lifecycle.ts';
import { ScriptedAgents } from '../fixtures/scripted-agent.ts';
import { Recorder } from './recorder.ts';

export class FakeApp implements AppPort {
  readonly actions: ExitAction[] = [];
  forced = 0;
  performExit(action: ExitAction): void {
    this.actions.push(action);
  }
  readonly forcedActions: Array<ExitAction | undefined> = [];
  forceExit(action?: ExitAction): void {
    this.forced += 1;
    this.forcedActions.push(action);
  }
}

export class RecordingSink implements GatewayEventSink {
  private readonly recorded = new Recorder<GatewayEvent>();
  failBanners = false;

  get events(): readonly GatewayEvent[] {
    return this.recorded.items;
  }

  emit(event: GatewayEvent): void {
    if (this.failBanners && event.type === 'banner') throw new Error('banner sink is down');
    this.recorded.push(event);
  }

  /** Resolves with the first recorded event that matches, waiting for it if needed. */
  waitFor(match: (event: GatewayEvent) => boolean): Promise<GatewayEvent> {
    return this.recorded.waitFor(match);
  }

  banners(): Banner[] {
    return this.events.flatMap((e) => (e.type === 'banner' ? [e.banner] : []));
  }
}

export const TEST_SETTINGS: CoreSettings = {
  busyInput: 'interrupt',
  drainTimeoutSeconds: 0.3,
  osShutdownBudgetSeconds: 0.1,
  graceSeconds: 0.3,
  autoResume: true,
  resumeFreshnessHours: 24,
  stuckLoopThreshold: 3,
};

export interface HarnessOptions {
  settings?: Partial<CoreSettings>;
  now?: () => number;
  /** Runs turns with this factory instead of the scripted agents (e.g. the real agent loop). */
  agentFactory?: (harness: CoreHarness) => AgentFactory;
}

export class CoreHarness {
  readonly dataDir: string;
  settings: CoreSettings;
  agents = new ScriptedAgents();
  app = new FakeApp();
  sink = new RecordingSink();
  readonly logs: string[] = [];
  /** The Baton version the next launch reports (an update is a launch with a new one). */
  version = '0.1.0-test';
  private current: BatonCore | null = null;
  private readonly now: (() => number) | undefined;
  private readonly agentFactory: ((harness: CoreHarness) => AgentFactory) | undefined;

  private constructor(dataDir: string, options: HarnessOptions) {
    this.dataDir = dataDir;
    this.settings = { ...TEST_SETTINGS, ...options.settings };
    this.now = options.now;
    this.agentFactory = options.agentFactory;
  }

  static async start(options: HarnessOptions = {}): Promise<CoreHarness> {
    const harness = new CoreHarness(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-core-')), options);
    await harness.launch();
    return harness;
  }

  get core(): BatonCore {
    if (!this.current) throw new Error('core is not running');
    return this.current;
  }

  /**
   * Opens the core on the data dir as a fresh process would: new agents, app port and sink.
   * `prepare` scripts the new agents before startup recovery runs (auto-resume starts at once).
   */
  async launch(prepare?: (agents: ScriptedAgents) => void): Promise<BatonCore> {
    this.agents = new ScriptedAgents();
    prepare?.(this.agents);
    this.app = new FakeApp();
    this.sink = new RecordingSink();
    this.current = await openBatonCore({
      dataDir: this.dataDir,
      agents: this.agentFactory ? this.agentFactory(this) : this.agents,
      settings: () => this.settings,
      app: this.app,
      events: this.sink,
      version: this.version,
      requestRestart: () => void this.current?.requestExit('restart'),
      log: (message) => this.logs.push(message),
      ...(this.now ? { now: this.now } : {}),
    });
    return this.current;
  }

  /** The process dies here: nothing more is written, nothing is drained. */
  crash(): void {
    this.current?.close();
    this.current = null;
  }

  async relaunch(prepare?: (agents: ScriptedAgents) => void): Promise<BatonCore> {
    this.crash();
    return this.launch(prepare);
  }

  cleanup(): void {
    this.crash();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
