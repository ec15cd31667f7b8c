import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { trayModel } from '../../../electron/shell/tray/tray-model.ts';
import { UpdateController } from '../../../electron/shell/update/update-controller.ts';
import type { UpdateState } from '../../../shared/protocol/contract.ts';
import { expectOrder, ShellHarness } from './shell-harness.ts';

let harness: ShellHarness | null = null;

afterEach(async () => {
  await harness?.cleanup();
  harness = null;
});

describe('desktop lifecycle: quit (SPEC L27, L13)', () => {
  it('quit with running turns: before-quit is cancelled, one drain runs, then the app quits once', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);

    expect(h.app.emitBeforeQuit()).toBe(false);
    // A second Cmd+Q during the drain joins it.
    expect(h.app.emitBeforeQuit()).toBe(false);
    expect(h.lifecycle.phase).toBe('draining');
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit');

    expect(h.gateway.drainsStarted()).toBe(1);
    expect(h.timeline.count('app.quit')).toBe(1);
    expect(h.timeline.count('quit')).toBe(1);
    expect(h.timeline.count('drained:quit')).toBe(2);
    // The handler starts the drain synchronously, before Electron learns the quit was cancelled.
    expectOrder(h.timeline, 'drain:quit', 'before-quit:prevented', 'gateway.stop', 'drained:quit', 'app.quit', 'before-quit:passed', 'quit');
    expect(h.timeline.entries).not.toContain('exit:70');
  });

  it('quit on a later tick: app.quit is not called from inside the drain', async () => {
    const h = (harness = await ShellHarness.start());
    h.app.emitBeforeQuit();
    await h.timeline.waitFor('gateway.stop');
    expect(h.timeline.count('app.quit')).toBe(0);
    await h.timeline.waitFor('quit');
    expect(h.timeline.count('app.quit')).toBe(1);
  });

  it("L13/L27: tray Restart, then the person quits during the drain: one drain, their quit wins — no relaunch, the marks stay for the next launch", async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 0.2, graceSeconds: 0.2 } }));
    await h.parkTurns(['a'], 'ignore');

    void h.lifecycle.restart();
    expect(h.app.emitBeforeQuit()).toBe(false);
    await h.timeline.waitFor('quit-event:0');

    expect(h.gateway.drainsStarted()).toBe(1);
    expect(h.timeline.entries).not.toContain('relaunch');
    expectOrder(h.timeline, 'drain:restart', 'drain:quit', 'before-quit:prevented', 'gateway.stop', 'drained:quit', 'app.quit', 'before-quit:passed', 'quit-event:0');
    // The turn cut short at the deadline stays marked (now for the quit), so the next launch resumes it.
    const reopened = await SessionStore.open({ dataDir: h.gateway.dataDir });
    try {
      expect(reopened.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    } finally {
      reopened.close();
    }
    h.gateway.agents.release('gate-a');
  });

  it('L13: an OS shutdown joining a restart drain wins too: quit, no relaunch', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 0.2 } }));
    await h.parkTurns(['a']);
    void h.lifecycle.restart();
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit-event:0');
    expect(h.timeline.entries).not.toContain('relaunch');
    expectOrder(h.timeline, 'drain:restart', 'drain:os-shutdown', 'gateway.stop', 'drained:quit', 'app.quit', 'quit-event:0');
  });

  it('L13: a restart joining a quit drain never turns it into a relaunch', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);
    expect(h.app.emitBeforeQuit()).toBe(false);
    void h.lifecycle.restart();
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit-event:0');
    expect(h.timeline.entries).not.toContain('relaunch');
    expectOrder(h.timeline, 'drain:quit', 'drain:restart', 'drained:quit', 'app.quit', 'quit-event:0');
  });

  it('a quit on Windows/Linux when the last window closes; macOS stays in the dock', async () => {
    const h = (harness = await ShellHarness.start({ platform: 'darwin' }));
    h.lifecycle.onWindowAllClosed();
    expect(h.lifecycle.phase).toBe('running');
    await h.cleanup();
    const linux = (harness = await ShellHarness.start({ platform: 'linux' }));
    linux.lifecycle.onWindowAllClosed();
    await linux.timeline.waitFor('quit');
    expectOrder(linux.timeline, 'drain:quit', 'app.quit', 'before-quit:passed');
  });
});

describe('desktop lifecycle: close to tray (L27)', () => {
  it('closing the window while a turn runs hides it to the tray (setting on)', async () => {
    const h = (harness = await ShellHarness.start());
    await h.parkTurns(['a']);
    expect(h.windows.userCloses(h.lifecycle)).toBe('hide');
    expect(h.windows.visible).toBe(false);
    h.gateway.agents.release('gate-a');
  });

  it('with nothing running, or with the setting off, close really closes', async () => {
    const h = (harness = await ShellHarness.start());
    expect(h.windows.userCloses(h.lifecycle)).toBe('close');
    h.windows.open = 1;
    await h.parkTurns(['a']);
    h.hideToTray = false;
    expect(h.windows.userCloses(h.lifecycle)).toBe('close');
    h.gateway.agents.release('gate-a');
  });

  it('close-to-tray does not block a quit in progress', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);
    h.app.emitBeforeQuit();
    // A turn still runs, but a quit is under way: the window closes instead of hiding.
    expect(h.windows.userCloses(h.lifecycle)).toBe('close');
    h.windows.open = 1;
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit');
    // Electron closed the remaining window during the final quit without it hiding.
    expect(h.timeline.entries).not.toContain('window.hide');
    expect(h.timeline.count('quit')).toBe(1);
  });
});

describe('desktop lifecycle: restart (L13)', () => {
  it('relaunch releases the single-instance lock before relaunching, then exits', async () => {
    const h = (harness = await ShellHarness.start());
    await h.lifecycle.restart();
    await h.timeline.waitFor('exit:0');
    expectOrder(h.timeline, 'drain:restart', 'gateway.stop', 'release-lock', 'relaunch', 'exit:0');
  });

  it('exits even when relaunch throws', async () => {
    const h = (harness = await ShellHarness.start());
    h.app.relaunchThrows = true;
    await h.lifecycle.restart();
    await h.timeline.waitFor('exit:0');
    expectOrder(h.timeline, 'release-lock', 'relaunch', 'exit:0');
    expect(h.gateway.logs.some((line) => line.includes('Relaunch failed'))).toBe(true);
  });

  it('L24/L27/L28: /restart typed in a conversation takes the desktop\'s one exit route: the phase and the tray show Baton is leaving, then it relaunches', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);
    const answer = await h.gateway.live.gateway.send('b', '/restart');
    expect(answer.status).toBe('command');
    // Nothing drained behind the lifecycle's back: it started the drain, and knows it is leaving.
    expect(h.lifecycle.phase).toBe('draining');
    expect(h.lifecycle.leaving).toBe(true);
    const tray = trayModel({ lanes: h.gateway.runtime.laneConditions(), leaving: h.lifecycle.leaving, update: { phase: 'idle', version: null, progress: null, installWhenIdle: false } });
    expect(tray.tooltip).toContain('Finishing 1 running turn');
    expect(tray.items.find((item) => item.action === 'restart')?.enabled).toBe(false);
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('drained:relaunch');
    expect(h.gateway.drainsStarted()).toBe(1);
    expectOrder(h.timeline, 'drain:restart', 'gateway.stop', 'release-lock', 'relaunch', 'exit:0', 'drained:relaunch');
  });
});

describe('desktop lifecycle: OS shutdown, signals, watchdog (L10, L12, L27)', () => {
  it('an OS session end drains with the short OS budget, not the drain timeout', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 0.5 } }));
    await h.parkTurns(['a']);
    const started = Date.now();
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit');
    expect(Date.now() - started).toBeLessThan(5_000);
    const banner = h.gateway.sink.banners().find((b) => b.kind === 'drain' && b.scope === 'global');
    expect(banner).toMatchObject({ reason: 'os-shutdown' });
    expectOrder(h.timeline, 'drain:os-shutdown', 'gateway.stop', 'app.quit', 'quit');
  });

  it('L38: SIGTERM joins a running quit drain and shortens it to the OS budget', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 0.5 } }));
    await h.parkTurns(['a']);
    h.app.emitBeforeQuit();
    const started = Date.now();
    h.lifecycle.onSignal('SIGTERM');
    await h.timeline.waitFor('quit');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.gateway.drainsStarted()).toBe(1);
    expectOrder(h.timeline, 'drain:quit', 'drain:signal', 'app.quit', 'quit');
  });

  it('the watchdog fires when the exit hangs after the drain: windows destroyed first, then exit', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 0, graceSeconds: 0 } }));
    h.gateway.stopHangs = true;
    h.app.emitBeforeQuit();
    // The drain coordinator's own watchdog: deadline (now) + grace (0) + 2 s.
    await h.timeline.waitFor('exit:0');
    expectOrder(h.timeline, 'drain:quit', 'gateway.stop', 'windows.destroy', 'exit:0');
    expect(h.timeline.entries).not.toContain('app.quit');
  });

  it("the lifecycle's own fallback ends a quit that a listener holds up after the drain", async () => {
    const h = (harness = await ShellHarness.start());
    h.app.emitBeforeQuit();
    await h.timeline.waitFor('quit');
    const fallback = h.timers.find((timer) => !timer.cancelled);
    expect(fallback).toBeDefined();
    fallback!.fire();
    expectOrder(h.timeline, 'quit', 'windows.destroy', 'exit:0');
  });
});

describe('desktop lifecycle: updates (L29)', () => {
  async function readyUpdate(h: ShellHarness, published: UpdateState[], told: string[]): Promise<UpdateController> {
    const controller = new UpdateController({
      driver: { checkForUpdates: async () => {}, downloadUpdate: async () => {} },
      publish: (state) => published.push(state),
      install: () => void h.lifecycle.requestExit('update'),
      restartGateway: () => void h.lifecycle.recoverFromFailedInstall(),
      tellUser: (message) => told.push(message),
    });
    controller.dispatch({ type: 'check' });
    controller.dispatch({ type: 'update-available', version: '2.0.0' });
    controller.dispatch({ type: 'update-downloaded', version: '2.0.0' });
    h.installer.downloaded = true;
    h.updateReady = () => controller.ready;
    h.beginUpdateInstall = () => controller.dispatch({ type: 'install' });
    return controller;
  }

  it('"Restart to update": drain with reason update, back up, stop, destroy windows, release the lock, then quitAndInstall', async () => {
    const h = (harness = await ShellHarness.start());
    const controller = await readyUpdate(h, [], []);
    controller.dispatch({ type: 'install' });
    // The updater's own quit (before-quit-for-update, then app.quit) goes through untouched.
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:update', 'backup:pre-update', 'gateway.stop', 'windows.destroy', 'release-lock', 'quitAndInstall', 'before-quit:passed', 'quit-event:0');
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
  });

  it('a failed install returns to ready, restarts the gateway, shows a window and tells the user', async () => {
    let controller: UpdateController | null = null;
    const published: UpdateState[] = [];
    const told: string[] = [];
    const h = (harness = await ShellHarness.start({ onInstallFailed: (message) => controller?.dispatch({ type: 'install-failed', message }) }));
    controller = await readyUpdate(h, published, told);
    h.installer.quitAndInstallThrows = 'installer missing';

    controller.dispatch({ type: 'install' });
    await h.timeline.waitFor('window.show');

    expect(controller.state).toMatchObject({ phase: 'ready', version: '2.0.0', error: 'installer missing' });
    expect(published.map((s) => s.state)).toEqual(['checking', 'downloading', 'ready', 'installing', 'ready']);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('installer missing');
    expect(h.lifecycle.phase).toBe('running');
    expectOrder(h.timeline, 'quitAndInstall', 'install-failed', 'gateway.restart', 'window.show');
    expect(h.timeline.count('gateway.restart')).toBe(1);

    // The restarted gateway takes work again, and a later quit drains normally.
    const sent = await h.gateway.live.gateway.send('b', 'hello again');
    expect(sent.status).toBe('started');
    await h.gateway.live.gateway.whenIdle();
    expect(h.app.emitBeforeQuit()).toBe(false);
    await h.timeline.waitFor('quit');
  });

  it('a quit during the install does not force the exit or start a second drain', async () => {
    const h = (harness = await ShellHarness.start());
    const controller = await readyUpdate(h, [], []);
    controller.dispatch({ type: 'install' });
    await h.timeline.waitFor('quitAndInstall');
    expect(await h.lifecycle.requestExit('quit')).toBeNull();
    expect(h.timeline.entries).not.toContain('windows.destroy:forced');
    expect(h.timeline.entries.filter((e) => e.startsWith('exit:'))).toEqual([]);
    expect(h.timeline.count('drain:quit')).toBe(0);
  });

  it('a quit while the gateway comes back from a failed install waits for it, then drains normally', async () => {
    let controller: UpdateController | null = null;
    const h = (harness = await ShellHarness.start({ onInstallFailed: (message) => controller?.dispatch({ type: 'install-failed', message }) }));
    controller = await readyUpdate(h, [], []);
    h.installer.quitAndInstallThrows = 'no installer';
    controller.dispatch({ type: 'install' });
    await h.timeline.waitFor('gateway.restart');
    expect(h.app.emitBeforeQuit()).toBe(false);
    await h.timeline.waitFor('quit');
    expectOrder(h.timeline, 'gateway.restart', 'drain:quit', 'app.quit', 'quit');
    expect(h.timeline.entries).not.toContain('exit:70');
  });

  it('an install the installer never takes over counts as failed after the install timeout', async () => {
    let controller: UpdateController | null = null;
    const h = (harness = await ShellHarness.start({ onInstallFailed: (message) => controller?.dispatch({ type: 'install-failed', message }) }));
    controller = await readyUpdate(h, [], []);
    h.installer.takesOver = false;
    controller.dispatch({ type: 'install' });
    await h.timeline.waitFor('quitAndInstall');
    const installTimer = h.timers.find((timer) => !timer.cancelled);
    installTimer!.fire();
    await h.timeline.waitFor('window.show');
    expect(controller.state.phase).toBe('ready');
  });

  it('"Install when idle" installs at the first moment no turn runs', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    const controller = await readyUpdate(h, [], []);
    await h.parkTurns(['a']);
    controller.dispatch({ type: 'install-when-idle', running: h.gateway.runningTurns() });
    h.gateway.live.gateway.onTurnEnded(() => controller.dispatch({ type: 'turns-changed', running: h.gateway.runningTurns() }));
    expect(h.timeline.entries.some((e) => e.startsWith('drain:'))).toBe(false);
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quitAndInstall');
    expectOrder(h.timeline, 'drain:update', 'backup:pre-update', 'quitAndInstall');
  });

  it('L37: install-on-quit is armed only for a quit, after the pre-update backup', async () => {
    const h = (harness = await ShellHarness.start({ updateReady: () => true }));
    h.app.emitBeforeQuit();
    await h.timeline.waitFor('quit');
    expectOrder(h.timeline, 'drain:quit', 'backup:pre-update', 'installOnQuit:true', 'gateway.stop', 'app.quit', 'quit-event:0', 'install-on-quit:silent');
  });

  it('an OS shutdown with an update ready does not install on the way out', async () => {
    const h = (harness = await ShellHarness.start({ updateReady: () => true, settings: { osShutdownBudgetSeconds: 0.1 } }));
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit');
    expect(h.installer.installOnQuit).toBe(false);
    expect(h.timeline.entries).not.toContain('backup:pre-update');
  });
});
