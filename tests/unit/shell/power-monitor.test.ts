/**
 * L38 (issue 8 findings 3, 5): OS shutdown through powerMonitor, against a model of Electron's
 * behaviour written from its contract:
 * - lib/browser/api/power-monitor.ts: the native monitor is created on the first listener of any
 *   event; on Linux, shutdown listening is set from the 'shutdown' listener count at that moment
 *   (before the new listener is counted), and updated by later newListener/removeListener events.
 * - shell/browser/lib/power_observer_linux.cc: PrepareForShutdown is only turned into a 'shutdown'
 *   event while listening; the delay lock is kept only if the handler called preventDefault().
 * - shell/browser/mac/electron_application.mm: `terminate:` quits the app unless a 'shutdown'
 *   handler called preventDefault().
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { watchOsShutdown } from '../../../electron/shell/adapters/power-monitor.ts';
import { ShellHarness } from './shell-harness.ts';

class PowerMonitorModel extends EventEmitter {
  readonly listeningCalls: boolean[] = [];
  readonly platform: 'linux' | 'darwin';
  constructor(platform: 'linux' | 'darwin') {
    super();
    this.platform = platform;
    this.once('newListener', () => {
      if (this.platform !== 'linux') return;
      this.listeningCalls.push(this.listenerCount('shutdown') > 0);
      this.on('newListener', (event: string) => {
        if (event === 'shutdown') this.listeningCalls.push(true);
      });
      this.on('removeListener', (event: string) => {
        if (event === 'shutdown') this.listeningCalls.push(this.listenerCount('shutdown') > 0);
      });
    });
  }
  get listening(): boolean {
    return this.listeningCalls.at(-1) ?? false;
  }
  /** logind PrepareForShutdown(true) / macOS willPowerOff: whether the OS was asked to wait. */
  osShutdown(): { emitted: boolean; heldBack: boolean } {
    if (this.platform === 'linux' && !this.listening) return { emitted: false, heldBack: false };
    let prevented = false;
    this.emit('shutdown', { preventDefault: () => void (prevented = true) });
    return { emitted: true, heldBack: prevented };
  }
}

let harness: ShellHarness | null = null;
afterEach(async () => {
  await harness?.cleanup();
  harness = null;
});

describe('powerMonitor shutdown (L38)', () => {
  it('Linux: listening for logind is on, the shutdown event arrives and the delay lock is kept', () => {
    const monitor = new PowerMonitorModel('linux');
    let shutdowns = 0;
    watchOsShutdown(monitor, () => void shutdowns++, () => {});
    expect(monitor.listening).toBe(true);
    expect(monitor.osShutdown()).toEqual({ emitted: true, heldBack: true });
    expect(shutdowns).toBe(1);
  });

  it('Linux: the shutdown drains with the OS budget and Baton quits by itself afterwards', async () => {
    const h = (harness = await ShellHarness.start({ settings: { osShutdownBudgetSeconds: 0.1, graceSeconds: 0.2 } }));
    await h.parkTurns(['a']);
    const monitor = new PowerMonitorModel('linux');
    watchOsShutdown(monitor, () => h.lifecycle.onSessionEnd(), () => {});
    expect(monitor.osShutdown().heldBack).toBe(true);
    // The write-ahead marks are written before the OS could go on.
    expect(h.gateway.live.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    await h.timeline.waitFor('quit-event:0');
    expect(h.timeline.indexOf('drain:os-shutdown')).toBeLessThan(h.timeline.indexOf('app.quit'));
  });

  it('macOS: terminate: is held back (preventDefault), so the app quits by itself after the drain', () => {
    const monitor = new PowerMonitorModel('darwin');
    let shutdowns = 0;
    watchOsShutdown(monitor, () => void shutdowns++, () => {});
    expect(monitor.osShutdown()).toEqual({ emitted: true, heldBack: true });
    expect(shutdowns).toBe(1);
  });

  it('unsubscribing turns Linux listening off again', () => {
    const monitor = new PowerMonitorModel('linux');
    const stop = watchOsShutdown(monitor, () => {}, () => {});
    stop();
    expect(monitor.listening).toBe(false);
  });
});
