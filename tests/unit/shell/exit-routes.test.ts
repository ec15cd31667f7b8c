/**
 * The exit routes fixed for issue 8 (desktop-shell audit findings 1, 4–7, 11, 19–21), over the
 * real core and the harness's Electron/electron-updater models (shell-harness.ts).
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CleanExitMarker } from '../../../electron/core/lifecycle/clean-exit-marker.ts';
import { drainBudgetMs, graceMs } from '../../../electron/core/lifecycle/drain-budget.ts';
import { UpdateController } from '../../../electron/shell/update/update-controller.ts';
import { expectOrder, ShellHarness } from './shell-harness.ts';

let harness: ShellHarness | null = null;

afterEach(async () => {
  await harness?.cleanup();
  harness = null;
});

/** An update policy at `ready`, wired to the lifecycle as main.ts wires it. */
function readyUpdate(h: ShellHarness, told: string[] = []): UpdateController {
  const controller = new UpdateController({
    driver: { checkForUpdates: async () => {}, downloadUpdate: async () => {} },
    publish: () => {},
    install: () => void h.lifecycle.requestExit('update'),
    restartGateway: () => void h.lifecycle.recoverFromFailedInstall(),
    tellUser: (message) => told.push(message),
    log: () => {},
  });
  controller.dispatch({ type: 'check' });
  controller.dispatch({ type: 'update-available', version: '2.0.0' });
  controller.dispatch({ type: 'update-downloaded', version: '2.0.0' });
  h.installer.downloaded = true;
  h.updateReady = () => controller.ready;
  h.beginUpdateInstall = () => controller.dispatch({ type: 'install' });
  return controller;
}

describe('L37: a restart with a downloaded update is the update route, never a silent install', () => {
  it('tray Restart mid-turn with an update ready: drain (update), backup, update marker, lock released, quitAndInstall', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    const controller = readyUpdate(h);
    await h.parkTurns(['a']);
    void h.lifecycle.restart();
    expect(controller.state.phase).toBe('installing');
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit-event:0');

    expectOrder(h.timeline, 'drain:update', 'backup:pre-update', 'gateway.stop', 'windows.destroy', 'release-lock', 'quitAndInstall', 'quit-event:0');
    expect(h.timeline.entries).not.toContain('relaunch');
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
    expect(h.timeline.entries.filter((e) => e.startsWith('exit:'))).toEqual([]);
    // The marker the next launch reads says "update": it shows "Updated to vX — N conversations resumed".
    expect(new CleanExitMarker(h.gateway.dataDir).consume()).toMatchObject({ reason: 'update' });
  });

  it('/restart typed in a conversation with an update ready takes the same route', async () => {
    const h = (harness = await ShellHarness.start());
    readyUpdate(h);
    await h.gateway.live.gateway.send('a', '/restart');
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:update', 'backup:pre-update', 'release-lock', 'quitAndInstall');
    expect(h.timeline.entries).not.toContain('relaunch');
  });

  it("a restart's app.exit(0) emits 'quit'(0) with install-on-quit off: nothing installs on the way out", async () => {
    const h = (harness = await ShellHarness.start());
    // electron-updater holds a download the policy does not offer (yet): a plain restart.
    h.installer.downloaded = true;
    await h.lifecycle.restart();
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:restart', 'release-lock', 'relaunch', 'exit:0', 'quit-event:0');
    expect(h.installer.installOnQuit).toBe(false);
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
  });

  it('a forced exit (watchdog) never installs, even after a quit drain with an update ready', async () => {
    const h = (harness = await ShellHarness.start({ updateReady: () => true, settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);
    h.app.emitBeforeQuit();
    h.lifecycle.forceExit('quit');
    await h.timeline.waitFor('exit:70');
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
    expect(h.timeline.entries).not.toContain('installOnQuit:true');
    h.gateway.agents.release('gate-a');
  });
});

describe('L29: updater errors and late updater quits during an update (audit findings 6, 7)', () => {
  it('an updater error during the update drain never restarts the gateway mid-drain; the install fails after it', async () => {
    const told: string[] = [];
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 }, onInstallFailed: (message) => controller.dispatch({ type: 'install-failed', message }) }));
    const controller = readyUpdate(h, told);
    await h.parkTurns(['a']);
    controller.dispatch({ type: 'install' });
    expect(h.lifecycle.phase).toBe('draining');
    // What the adapter does with an updater 'error': the lifecycle first, else the policy.
    const owned = h.lifecycle.installFailed('Squirrel: signature mismatch');
    if (!owned) controller.dispatch({ type: 'error', message: 'Squirrel: signature mismatch' });
    // Even an error reaching the policy directly (a rejected download promise) cannot restart it.
    controller.dispatch({ type: 'error', message: 'late download failure' });
    await h.lifecycle.recoverFromFailedInstall();
    expect(h.timeline.entries).not.toContain('gateway.restart');
    expect(h.gateway.runningTurns()).toBe(1);

    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('window.show');
    expectOrder(h.timeline, 'drain:update', 'gateway.stop', 'install-failed', 'gateway.restart', 'window.show');
    expect(h.timeline.entries).not.toContain('quitAndInstall');
    expect(controller.state.phase).toBe('ready');
    expect(h.lifecycle.phase).toBe('running');
  });

  it("macOS: Squirrel's own quit arriving while running starts the update route; its before-quit is cancelled", async () => {
    const h = (harness = await ShellHarness.start({ platform: 'darwin', settings: { drainTimeoutSeconds: 5 } }));
    const controller = readyUpdate(h);
    await h.parkTurns(['a']);
    h.lifecycle.onBeforeQuitForUpdate();
    expect(h.app.emitBeforeQuit()).toBe(false);
    expect(controller.state.phase).toBe('installing');
    expect(h.gateway.runningTurns()).toBe(1);
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:update', 'before-quit:prevented', 'backup:pre-update', 'quitAndInstall', 'before-quit:passed', 'quit-event:0');
  });
});

describe('L38: OS shutdown and signals (audit findings 4, 5, 19, 20)', () => {
  it('Windows session-end: the write-ahead marks are in the store before the handler returns', async () => {
    const h = (harness = await ShellHarness.start({ platform: 'win32', settings: { osShutdownBudgetSeconds: 5 } }));
    await h.parkTurns(['a']);
    h.lifecycle.onSessionEnd();
    // Electron terminates the process as soon as session-end handlers return: no await here.
    expect(h.gateway.live.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    h.gateway.agents.release('gate-a');
    await h.timeline.waitFor('quit');
  });

  it('Windows query-session-end with running turns holds the session end, drains with the OS budget, then quits', async () => {
    const h = (harness = await ShellHarness.start({ platform: 'win32', settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.2, graceSeconds: 0.2 } }));
    await h.parkTurns(['a'], 'honour');
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    expect(h.lifecycle.onQueryEndSession(event)).toBe(true);
    expect(event.prevented).toBe(true);
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:os-shutdown', 'gateway.stop', 'app.quit', 'before-quit:passed', 'quit-event:0');
  });

  it('Windows query-session-end with nothing running does not hold the session end', async () => {
    const h = (harness = await ShellHarness.start({ platform: 'win32' }));
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    expect(h.lifecycle.onQueryEndSession(event)).toBe(false);
    expect(event.prevented).toBe(false);
    await h.timeline.waitFor('quit-event:0');
  });

  it('SIGTERM is recorded as exit reason signal, with the OS budget and the shutdown resume reason', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 0.2 } }));
    await h.parkTurns(['a'], 'ignore');
    const started = Date.now();
    h.lifecycle.onSignal('SIGTERM');
    const banner = h.gateway.sink.banners().find((b) => b.kind === 'drain' && b.scope === 'global');
    expect(banner).toMatchObject({ reason: 'signal' });
    expect(h.gateway.live.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    await h.timeline.waitFor('quit-event:0');
    expect(Date.now() - started).toBeLessThan(5_000);
    h.gateway.agents.release('gate-a');
  });

  it('an OS shutdown joining a quit drain with an update ready: no backup, install-on-quit stays off', async () => {
    const h = (harness = await ShellHarness.start({ updateReady: () => true, settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 0.2 } }));
    await h.parkTurns(['a']);
    h.app.emitBeforeQuit();
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit-event:0');
    expect(h.timeline.entries).not.toContain('backup:pre-update');
    expect(h.timeline.entries).not.toContain('installOnQuit:true');
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
    h.gateway.agents.release('gate-a');
  });

  it('an OS shutdown arriving after install-on-quit was armed switches it off again', async () => {
    const h = (harness = await ShellHarness.start({ updateReady: () => true }));
    h.app.emitBeforeQuit();
    await h.timeline.waitFor('installOnQuit:true');
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit-event:0');
    expect(h.timeline.entries).not.toContain('install-on-quit:silent');
  });

  it('budgets: signal gets the OS budget; a short exit fits logind\'s 5 s InhibitDelayMaxSec with room to quit', () => {
    const defaults = { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 3, graceSeconds: 5 };
    expect(drainBudgetMs('signal', defaults)).toBe(3000);
    expect(drainBudgetMs('os-shutdown', defaults) + graceMs(defaults, 'os-shutdown')).toBeLessThanOrEqual(4000);
    expect(drainBudgetMs('signal', defaults) + graceMs(defaults, 'signal')).toBeLessThanOrEqual(4000);
    // A person's quit keeps the full grace.
    expect(graceMs(defaults, 'quit')).toBe(5000);
  });

  it('an OS shutdown joining a quit drain also shortens its grace', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 60, osShutdownBudgetSeconds: 0.1, graceSeconds: 30 } }));
    // A turn that ignores the interrupt keeps running through the grace.
    await h.parkTurns(['a'], 'ignore');
    h.app.emitBeforeQuit();
    const started = Date.now();
    h.lifecycle.onSessionEnd();
    await h.timeline.waitFor('quit-event:0');
    expect(Date.now() - started).toBeLessThan(5_000);
    h.gateway.agents.release('gate-a');
  });
});

describe('L27: exits asked for during startup (audit finding 11)', () => {
  it('a signal and a quit during startup are queued, then drained once the gateway runs — never exit 70', async () => {
    const h = (harness = await ShellHarness.start({ startupPending: true, settings: { osShutdownBudgetSeconds: 0.1 } }));
    h.lifecycle.onSignal('SIGTERM');
    expect(h.app.emitBeforeQuit()).toBe(false);
    expect(h.timeline.entries.some((e) => e.startsWith('drain:') || e.startsWith('exit:'))).toBe(false);
    h.lifecycle.gatewayStarted();
    await h.timeline.waitFor('quit-event:0');
    expect(h.gateway.drainsStarted()).toBe(1);
    expectOrder(h.timeline, 'drain:signal', 'gateway.stop', 'app.quit', 'quit-event:0');
    expect(h.timeline.entries).not.toContain('exit:70');
  });
});

describe('L13: the single-instance lock before the installer starts the new version (finding 21)', () => {
  it('Install when idle releases the lock before quitAndInstall', async () => {
    const h = (harness = await ShellHarness.start());
    const controller = readyUpdate(h);
    controller.dispatch({ type: 'install-when-idle', running: 0 });
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:update', 'backup:pre-update', 'release-lock', 'quitAndInstall');
    expect(fs.existsSync(h.gateway.dataDir)).toBe(true);
  });
});
