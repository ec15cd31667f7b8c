/**
 * The desktop lifecycle over the REAL gateway runtime (SQLite in a temp dir, scripted agents) with fake
 * Electron ports that record one timeline, so tests can assert the order of events.
 */
import { expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemorySecretStore } from '../../../electron/core/agent/memory-secret-store.ts';
import type { CoreSettings, BatonCore } from '../../../electron/core/baton-core.ts';
import type { DrainResult } from '../../../electron/core/lifecycle/drain-coordinator.ts';
import type { WindowPort } from '../../../electron/core/ports.ts';
import { GatewayRuntime } from '../../../electron/core/runtime/gateway-runtime.ts';
import { SettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { DesktopLifecycle, type GatewayControl, type InstallPort, type PreventableEvent, type ShellApp } from '../../../electron/shell/lifecycle/desktop-lifecycle.ts';
import type { ExitReason } from '../../../shared/lifecycle.ts';
import { ScriptedAgents } from '../../fixtures/scripted-agent.ts';
import { RecordingSink, TEST_SETTINGS } from '../../support/core-harness.ts';

export class Timeline {
  readonly entries: string[] = [];
  private waiters: Array<{ entry: string; resolve: () => void }> = [];
  push(entry: string): void {
    this.entries.push(entry);
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.entry !== entry) return true;
      waiter.resolve();
      return false;
    });
  }
  waitFor(entry: string): Promise<void> {
    if (this.entries.includes(entry)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ entry, resolve }));
  }
  count(entry: string): number {
    return this.entries.filter((e) => e === entry).length;
  }
  /** Asserts helper: the index of the first occurrence. */
  indexOf(entry: string): number {
    return this.entries.indexOf(entry);
  }
}

class FakeEvent implements PreventableEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

/**
 * Electron's `app` as far as the lifecycle sees it, following Electron's own contract
 * (shell/browser/browser.cc, api/electron_api_app.cc):
 * - `quit()`: `before-quit` (preventable: a prevented one cancels the quit) → each window's
 *   `close` (a window that cancels its close cancels the quit) → `will-quit` → `'quit'(0)`.
 * - `exit(code)`: windows are destroyed WITHOUT `close`, `before-quit`/`will-quit` are skipped,
 *   but `'quit'(code)` is still emitted (Browser::ExitWithCode → Shutdown → App::OnQuit).
 * - After the process is gone nothing more happens: later quit()/exit() calls are recorded only.
 */
export class FakeElectronApp implements ShellApp {
  relaunchThrows = false;
  lifecycle!: DesktopLifecycle;
  /** Set once `'quit'` was emitted: the process is gone. */
  exitCode: number | null = null;
  private readonly quitListeners: Array<(code: number) => void> = [];
  private readonly timeline: Timeline;
  private readonly windows: FakeWindows;
  constructor(timeline: Timeline, windows: FakeWindows) {
    this.timeline = timeline;
    this.windows = windows;
  }
  /** `app.on('quit', (event, exitCode) => …)`. */
  onQuit(listener: (code: number) => void): void {
    this.quitListeners.push(listener);
  }
  quit(): void {
    this.timeline.push('app.quit');
    if (this.exitCode !== null) return;
    this.emitBeforeQuit();
  }
  /** Cmd+Q, the menu's Quit: what Electron does on app.quit(). */
  emitBeforeQuit(): boolean {
    const event = new FakeEvent();
    this.lifecycle.onBeforeQuit(event);
    this.timeline.push(event.prevented ? 'before-quit:prevented' : 'before-quit:passed');
    if (event.prevented) return false;
    // Electron then closes every window; a window that cancels its close cancels the quit.
    if (!this.windows.closeAll(this.lifecycle)) {
      this.timeline.push('quit:cancelled-by-window');
      return false;
    }
    this.timeline.push('will-quit');
    this.timeline.push('quit');
    this.emitQuit(0);
    return true;
  }
  exit(code: number): void {
    this.timeline.push(`exit:${code}`);
    if (this.exitCode !== null) return;
    this.windows.destroyAll('exit');
    this.emitQuit(code);
  }
  relaunch(): void {
    this.timeline.push('relaunch');
    if (this.relaunchThrows) throw new Error('relaunch is not possible here');
  }
  releaseSingleInstanceLock(): void {
    this.timeline.push('release-lock');
  }
  private emitQuit(code: number): void {
    this.exitCode = code;
    this.timeline.push(`quit-event:${code}`);
    for (const listener of this.quitListeners) listener(code);
  }
}

export class FakeWindows implements WindowPort {
  visible = true;
  open = 1;
  private readonly timeline: Timeline;
  constructor(timeline: Timeline) {
    this.timeline = timeline;
  }
  show(): void {
    this.visible = true;
    if (this.open === 0) this.open = 1;
    this.timeline.push('window.show');
  }
  hide(): void {
    this.visible = false;
    this.timeline.push('window.hide');
  }
  isVisible(): boolean {
    return this.visible && this.open > 0;
  }
  /** `destroy()` emits no `close` (base-window.md); app.exit destroys windows the same way. */
  destroyAll(by?: 'exit'): void {
    if (by === 'exit' && this.open === 0) return;
    this.open = 0;
    this.timeline.push(by === 'exit' ? 'windows.destroy:exit' : 'windows.destroy');
  }
  /** The user clicks the window's close button; returns what happened. */
  userCloses(lifecycle: DesktopLifecycle): 'hide' | 'close' {
    const event = new FakeEvent();
    const outcome = lifecycle.onWindowClose(event);
    if (!event.prevented) {
      this.open = 0;
      this.timeline.push('window.closed');
    }
    return outcome;
  }
  /** Electron's quit closes every window; false when one cancelled its close. */
  closeAll(lifecycle: DesktopLifecycle): boolean {
    if (this.open > 0) this.userCloses(lifecycle);
    return this.open === 0;
  }
}

/**
 * electron-updater behind the InstallPort, following its source (BaseUpdater.js 6.8):
 * - install-on-quit: on any `'quit'` with exit code 0, when autoInstallOnAppQuit is on and an
 *   update is downloaded, it runs `install(isSilent=true, isForceRunAfter=false)`, unless
 *   quitAndInstall already ran. The flag starts where the adapter sets it (off, see
 *   electron/shell/adapters/electron-updater.ts, whose own test proves that default).
 * - `quitAndInstall()`: starts the installer, then on the next tick emits
 *   `before-quit-for-update` and calls `app.quit()` (unless `takesOver` is false, modelling an
 *   installer that never takes over, e.g. Squirrel.Mac still fetching).
 */
export class FakeInstaller implements InstallPort {
  installOnQuit = false;
  /** electron-updater has a verified download it could install. */
  downloaded = false;
  takesOver = true;
  quitAndInstallThrows: string | null = null;
  private quitAndInstallCalled = false;
  private readonly timeline: Timeline;
  private readonly app: FakeElectronApp;
  constructor(timeline: Timeline, app: FakeElectronApp) {
    this.timeline = timeline;
    this.app = app;
    app.onQuit((code) => {
      if (this.quitAndInstallCalled || !this.installOnQuit || code !== 0 || !this.downloaded) return;
      this.timeline.push('install-on-quit:silent');
    });
  }
  quitAndInstall(): void {
    this.timeline.push('quitAndInstall');
    if (this.quitAndInstallThrows) throw new Error(this.quitAndInstallThrows);
    this.quitAndInstallCalled = true;
    if (!this.takesOver) return;
    setImmediate(() => {
      this.app.lifecycle.onBeforeQuitForUpdate();
      this.app.quit();
    });
  }
  setInstallOnQuit(enabled: boolean): void {
    this.installOnQuit = enabled;
    this.timeline.push(`installOnQuit:${enabled}`);
  }
}

/**
 * The real gateway runtime (electron/core/runtime, as main.ts builds it: MCP manager, core, hub,
 * service, protocol server) as the GatewayControl the lifecycle stops and restarts, wired to the
 * lifecycle as main.ts wires it. Only the model agents are scripted.
 */
export class RealGateway implements GatewayControl {
  agents = new ScriptedAgents();
  sink = new RecordingSink();
  stopHangs = false;
  readonly logs: string[] = [];
  readonly dataDir: string;
  readonly runtime: GatewayRuntime;
  private readonly timeline: Timeline;
  constructor(timeline: Timeline, dataDir: string, settings: CoreSettings, lifecycle: () => DesktopLifecycle) {
    this.timeline = timeline;
    this.dataDir = dataDir;
    const store = SettingsStore.open({ dir: dataDir });
    for (const [key, value] of Object.entries(settings)) store.set(key as keyof CoreSettings, value as never);
    this.runtime = new GatewayRuntime({
      dataDir,
      settings: store,
      secrets: new MemorySecretStore(),
      version: '1.0.0-test',
      app: { performExit: (action) => lifecycle().performExit(action), forceExit: (action) => lifecycle().forceExit(action) },
      // main.ts: the window's restart and /restart typed in a conversation take the shell's one route.
      requestExit: (reason) => void lifecycle().requestExit(reason),
      // A fresh launch of the gateway gets fresh agents and a fresh recording of its events.
      agents: () => (this.agents = new ScriptedAgents()),
      onStarted: ({ hub }) => {
        const sink = (this.sink = new RecordingSink());
        hub.listen((frame) => {
          if (frame.event.channel === 'gateway') sink.emit(frame.event.event);
        });
      },
      env: {},
      log: (message) => this.logs.push(message),
    });
  }

  get started(): boolean {
    return this.runtime.started;
  }

  get live(): BatonCore {
    return this.runtime.core;
  }

  drain(reason: ExitReason): Promise<DrainResult> {
    this.timeline.push(`drain:${reason}`);
    return this.runtime.drain(reason).then((result) => {
      this.timeline.push(`drained:${result.action}`);
      return result;
    });
  }
  runningTurns(): number {
    return this.runtime.runningTurns();
  }
  backupNow(label: string): Promise<string> {
    this.timeline.push(`backup:${label}`);
    return this.runtime.backupNow(label);
  }
  stop(): Promise<void> {
    this.timeline.push('gateway.stop');
    if (this.stopHangs) return new Promise(() => {});
    return this.runtime.stop();
  }
  restart(): Promise<void> {
    this.timeline.push('gateway.restart');
    return this.runtime.restart();
  }
  /** Drains started (one global drain banner each). */
  drainsStarted(): number {
    return this.sink.banners().filter((banner) => banner.kind === 'drain' && banner.scope === 'global').length;
  }
}

export interface ShellHarnessOptions {
  settings?: Partial<CoreSettings>;
  hideToTrayWhileRunning?: boolean;
  platform?: NodeJS.Platform;
  updateReady?: () => boolean;
  onInstallFailed?: (message: string) => void;
  /** Leaves the lifecycle in its `starting` phase; call `lifecycle.gatewayStarted()` yourself. */
  startupPending?: boolean;
}

export class ShellHarness {
  readonly timeline = new Timeline();
  readonly windows = new FakeWindows(this.timeline);
  readonly app = new FakeElectronApp(this.timeline, this.windows);
  readonly installer = new FakeInstaller(this.timeline, this.app);
  readonly gateway: RealGateway;
  readonly lifecycle: DesktopLifecycle;
  readonly failures: string[] = [];
  /** Fallback timers the lifecycle armed, fired by hand. */
  readonly timers: Array<{ ms: number; fire: () => void; cancelled: boolean }> = [];
  hideToTray: boolean;
  updateReady: () => boolean;
  /** What `beginUpdateInstall` does (the update policy's "install"); set by tests with a policy. */
  beginUpdateInstall: (() => void) | null = null;

  private constructor(dataDir: string, options: ShellHarnessOptions) {
    this.hideToTray = options.hideToTrayWhileRunning ?? true;
    this.updateReady = options.updateReady ?? (() => false);
    this.gateway = new RealGateway(this.timeline, dataDir, { ...TEST_SETTINGS, ...options.settings }, () => this.lifecycle);
    this.lifecycle = new DesktopLifecycle({
      app: this.app,
      windows: this.windows,
      installer: this.installer,
      gateway: this.gateway,
      platform: options.platform ?? 'linux',
      hideToTrayWhileRunning: () => this.hideToTray,
      updateReady: () => this.updateReady(),
      beginUpdateInstall: () => this.beginUpdateInstall?.(),
      startsRunning: options.startupPending !== true,
      onInstallFailed: (message) => {
        this.failures.push(message);
        this.timeline.push('install-failed');
        options.onInstallFailed?.(message);
      },
      setTimer: (task, ms) => {
        const timer = { ms, fire: task, cancelled: false };
        this.timers.push(timer);
        return { cancel: () => void (timer.cancelled = true) };
      },
      log: (message) => this.gateway.logs.push(message),
    });
    this.app.lifecycle = this.lifecycle;
    // An update that is "ready" for the lifecycle is one electron-updater has downloaded.
    this.installer.downloaded = options.updateReady !== undefined;
  }

  static async start(options: ShellHarnessOptions = {}): Promise<ShellHarness> {
    const harness = new ShellHarness(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-shell-')), options);
    await harness.gateway.runtime.start();
    return harness;
  }

  /** Starts a turn on each lane that parks at a gate, and waits until each runs there. */
  async parkTurns(lanes: string[], interrupts: 'honour' | 'ignore' = 'honour'): Promise<void> {
    for (const lane of lanes) {
      this.gateway.agents.script(lane, { steps: [{ text: `working on ${lane}` }, { gate: `gate-${lane}` }, { text: ' done' }], interrupts });
      await this.gateway.live.gateway.send(lane, `task for ${lane}`);
    }
    await this.gateway.agents.reached.waitFor(lanes.length, (name) => lanes.some((lane) => name === `gate-${lane}`));
  }

  async cleanup(): Promise<void> {
    await this.gateway.runtime.stop();
    fs.rmSync(this.gateway.dataDir, { recursive: true, force: true });
  }
}

/** The entries happen in this order in the timeline (each present). */
export function expectOrder(timeline: Timeline, ...entries: string[]): void {
  const positions = entries.map((entry) => timeline.indexOf(entry));
  for (const [i, position] of positions.entries()) expect(position, `${entries[i]} in ${timeline.entries.join(', ')}`).toBeGreaterThanOrEqual(0);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}
