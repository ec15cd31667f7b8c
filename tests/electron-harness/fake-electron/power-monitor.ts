/**
 * powerMonitor: the JavaScript layer modelled on lib/browser/api/power-monitor.ts, over a native
 * model per platform.
 *
 * JS layer (the part that decides whether Linux ever emits 'shutdown'): the native monitor is
 * created on the *first* 'newListener' of any event, from a once('newListener') that runs before
 * that listener is added. On Linux it then calls setListeningForShutdown(listenerCount('shutdown')
 * > 0) — so if 'shutdown' is the first listener, the count is still 0 and the call is `false` —
 * and only later 'newListener'/'removeListener' events for 'shutdown' update it.
 *
 * Native models (what the OS does; the test drives them through the control channel):
 * - Linux, shell/browser/lib/power_observer_linux.cc: listening for shutdown takes a logind
 *   "delay" inhibitor lock. On PrepareForShutdown(true) with a handler, 'shutdown' is emitted; if
 *   the handler did not call preventDefault() the lock is released at once, otherwise it is held
 *   until the process exits. Without a handler there is no lock and no event. logind waits for
 *   delay locks at most InhibitDelayMaxSec (default 5 s), then systemd sends SIGTERM and later
 *   SIGKILL — that timing is modelled test-side (launcher.ts), since it outlives this process.
 * - macOS, shell/browser/mac/electron_application.mm + the power observer: the power-off
 *   notification emits 'shutdown'; preventDefault() makes the following terminate: a no-op (the app
 *   quits by itself later); otherwise terminate: calls Browser::Quit(), and a quit the app
 *   cancels (before-quit prevented, a window close prevented) makes loginwindow abort the logout.
 * - Windows, shell/browser/native_window_views_win.cc: WM_QUERYENDSESSION emits
 *   'query-session-end' on every window (preventDefault() asks Windows to wait); WM_ENDSESSION
 *   emits 'session-end', and then — unless the app is already quitting — the process is
 *   terminated immediately (TerminateCurrentProcessImmediately), so only synchronous work survives.
 */
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { onCommand, report } from './control.ts';
import { ElectronEvent } from './electron-event.ts';
import { harness } from './platform.ts';
import { windowsRuntime } from './windows/index.ts';

class NativePowerMonitor {
  listeningForShutdown = false;
  lockHeld = false;
  userStoppedShutdown = false;

  setListeningForShutdown(listening: boolean): void {
    report('power.setListeningForShutdown', { listening });
    this.listeningForShutdown = listening;
    this.setLock(listening);
  }

  setLock(held: boolean): void {
    if (this.lockHeld === held) return;
    this.lockHeld = held;
    report('logind.lock', { held });
  }
}

let native: NativePowerMonitor | null = null;

class PowerMonitor extends EventEmitter {
  constructor() {
    super();
    this.once('newListener', () => {
      native = new NativePowerMonitor();
      if (harness.platform === 'linux') {
        const pm = native;
        pm.setListeningForShutdown(this.listenerCount('shutdown') > 0);
        this.on('newListener', (event: string) => {
          if (event === 'shutdown') pm.setListeningForShutdown(this.listenerCount('shutdown') + 1 > 0);
        });
        this.on('removeListener', (event: string) => {
          if (event === 'shutdown') pm.setListeningForShutdown(this.listenerCount('shutdown') > 0);
        });
      }
    });
  }

  getSystemIdleState(): string {
    return 'active';
  }
  getSystemIdleTime(): number {
    return 0;
  }
  getCurrentThermalState(): string {
    return 'nominal';
  }
  isOnBatteryPower(): boolean {
    return false;
  }
  get onBatteryPower(): boolean {
    return false;
  }
}

export const powerMonitor = new PowerMonitor();

function emitShutdown(): { emitted: boolean; prevented: boolean } {
  const event = new ElectronEvent();
  powerMonitor.emit('shutdown', event);
  return { emitted: true, prevented: event.defaultPrevented };
}

interface SessionWindow extends EventEmitter {
  isDestroyed(): boolean;
}

function sessionWindows(): SessionWindow[] {
  return (windowsRuntime.allWindows() as unknown as SessionWindow[]).filter((window) => !window.isDestroyed());
}

/** Linux: logind's PrepareForShutdown(true). macOS: the power-off notification, then terminate:. */
onCommand('power.shutdown', () => {
  if (harness.platform === 'linux') {
    if (!native || !native.listeningForShutdown) {
      report('power.shutdown', { platform: 'linux', emitted: false, lockHeld: false });
      return { emitted: false, prevented: false, lockHeld: false };
    }
    const { prevented } = emitShutdown();
    // "The user didn't try to prevent shutdown": the lock goes, logind continues at once.
    if (!prevented) native.setLock(false);
    report('power.shutdown', { platform: 'linux', emitted: true, prevented, lockHeld: native.lockHeld });
    return { emitted: true, prevented, lockHeld: native.lockHeld };
  }
  if (harness.platform === 'darwin') {
    const { emitted, prevented } = native ? emitShutdown() : { emitted: false, prevented: false };
    if (native && prevented) native.userStoppedShutdown = true;
    // -[ElectronApplication terminate:]
    let terminate: 'deferred' | 'quitting' | 'cancelled';
    if (native?.userStoppedShutdown) terminate = 'deferred';
    else {
      app.quit();
      terminate = app.harnessQuitState().quitting ? 'quitting' : 'cancelled';
    }
    report('power.shutdown', { platform: 'darwin', emitted, prevented, terminate });
    if (terminate === 'cancelled') report('os.shutdown-aborted', { why: 'the app cancelled the quit that terminate: asked for' });
    return { emitted, prevented, terminate };
  }
  throw new Error('Windows ends sessions through power.queryEndSession / power.endSession');
});

/** Windows WM_QUERYENDSESSION on every window. */
onCommand('power.queryEndSession', () => {
  let prevented = false;
  for (const window of sessionWindows()) {
    const event = new ElectronEvent(window);
    window.emit('query-session-end', event);
    prevented ||= event.defaultPrevented;
  }
  report('power.queryEndSession', { prevented });
  return { prevented };
});

/** Windows WM_ENDSESSION: handlers run, then the process is ended unless it is quitting. */
onCommand('power.endSession', () => {
  for (const window of sessionWindows()) window.emit('session-end', new ElectronEvent(window));
  const quitting = app.harnessQuitState().quitting;
  report('power.endSession', { terminated: !quitting });
  if (!quitting) process.kill(process.pid, 'SIGKILL');
  return { terminated: false };
});

onCommand('power.suspend', () => {
  powerMonitor.emit('suspend', new ElectronEvent());
});
onCommand('power.resume', () => {
  powerMonitor.emit('resume', new ElectronEvent());
});
onCommand('power.state', () => ({ created: native !== null, listening: native?.listeningForShutdown ?? false, lockHeld: native?.lockHeld ?? false }));
