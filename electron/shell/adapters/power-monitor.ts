/**
 * OS logoff/shutdown through `powerMonitor` (Linux, macOS; L38). Takes the powerMonitor as an
 * argument so it is tested against a model of Electron's behaviour.
 *
 * - Linux: Electron only listens for logind's PrepareForShutdown (and takes its delay inhibitor
 *   lock) when a 'shutdown' listener exists at the moment its native monitor is created — which
 *   happens on the FIRST powerMonitor listener of any kind, before that listener is counted
 *   (lib/browser/api/power-monitor.ts). A 'shutdown' listener added first therefore leaves
 *   listening off for good. So benign 'suspend'/'resume' listeners go in first, then 'shutdown'.
 * - `event.preventDefault()` is how an app asks the OS to wait: logind keeps the delay lock (up to
 *   InhibitDelayMaxSec, 5 s by default) and macOS's `terminate:` returns without quitting. The
 *   drain (OS budget) runs, and the app quits by itself afterwards, releasing the lock.
 */
import type { PreventableEvent } from '../lifecycle/desktop-lifecycle.ts';

/** The parts of Electron's `powerMonitor` used here. */
export interface PowerMonitorLike {
  on(event: 'suspend', listener: () => void): unknown;
  on(event: 'resume', listener: () => void): unknown;
  on(event: 'shutdown', listener: (event: PreventableEvent) => void): unknown;
  removeListener(event: 'suspend', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'shutdown', listener: (event: PreventableEvent) => void): unknown;
}

/** Calls `onShutdown` when the OS logs off or shuts down, holding the OS back; returns an unsubscribe. */
export function watchOsShutdown(monitor: PowerMonitorLike, onShutdown: () => void, log: (message: string) => void): () => void {
  const onSuspend = () => log('The system is suspending.');
  const onResume = () => log('The system resumed.');
  const onShutdownEvent = (event: PreventableEvent) => {
    log('The system is shutting down or logging off: draining before Baton quits.');
    event.preventDefault();
    onShutdown();
  };
  // Order matters on Linux (see above): never let 'shutdown' be the first listener.
  monitor.on('suspend', onSuspend);
  monitor.on('resume', onResume);
  monitor.on('shutdown', onShutdownEvent);
  return () => {
    monitor.removeListener('shutdown', onShutdownEvent);
    monitor.removeListener('resume', onResume);
    monitor.removeListener('suspend', onSuspend);
  };
}
