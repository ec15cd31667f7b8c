import { describe, expect, it } from 'vitest';
import { UpdateController } from '../../../electron/shell/update/update-controller.ts';
import type { UpdateState } from '../../../shared/protocol/contract.ts';

function controller(driver: { check?: () => Promise<void>; download?: () => Promise<void> } = {}) {
  const published: UpdateState[] = [];
  const calls: string[] = [];
  const told: string[] = [];
  const changes: boolean[] = [];
  const c = new UpdateController({
    driver: {
      checkForUpdates: () => (calls.push('check'), (driver.check ?? (async () => {}))()),
      downloadUpdate: () => (calls.push('download'), (driver.download ?? (async () => {}))()),
    },
    publish: (state) => published.push(state),
    changed: (state) => changes.push(state.installWhenIdle),
    install: () => calls.push('install'),
    restartGateway: () => calls.push('restart-gateway'),
    tellUser: (message) => told.push(message),
    log: () => {},
  });
  return { c, published, calls, told, changes };
}

describe('update controller (L29)', () => {
  it('carries out the policy: check, background download, install through the drain', () => {
    const { c, calls, published } = controller();
    c.dispatch({ type: 'check' });
    c.dispatch({ type: 'update-available', version: '2.0.0' });
    c.dispatch({ type: 'download-progress', fraction: 0.5 });
    c.dispatch({ type: 'update-downloaded', version: '2.0.0' });
    expect(c.ready).toBe(true);
    c.dispatch({ type: 'install' });
    expect(calls).toEqual(['check', 'download', 'install']);
    expect(published.map((s) => s.state)).toEqual(['checking', 'downloading', 'downloading', 'ready', 'installing']);
  });

  it('L28/L29: arming Install when idle reaches the tray although the windows see no change', () => {
    const { c, published, changes } = controller();
    c.dispatch({ type: 'check' });
    c.dispatch({ type: 'update-available', version: '2.0.0' });
    c.dispatch({ type: 'update-downloaded', version: '2.0.0' });
    const publishedBefore = published.length;
    changes.length = 0;
    c.dispatch({ type: 'install-when-idle', running: 1 });
    expect(published.length, 'the wire state (ready) did not change').toBe(publishedBefore);
    expect(changes, 'the tray hears the armed Install when idle').toEqual([true]);
    c.dispatch({ type: 'install-when-idle', running: 1 });
    expect(changes, 'no change, no call').toEqual([true]);
  });

  it('publishes only real changes to the renderer', () => {
    const { c, published } = controller();
    c.dispatch({ type: 'install' });
    c.dispatch({ type: 'turns-changed', running: 0 });
    expect(published).toEqual([]);
  });

  it('a failing check or download becomes the error state', async () => {
    const { c } = controller({ check: async () => Promise.reject(new Error('offline')) });
    c.dispatch({ type: 'check' });
    await expect.poll(() => c.state.phase).toBe('error');
    expect(c.state.error).toBe('offline');

    const second = controller({ download: async () => Promise.reject(new Error('disk full')) });
    second.c.dispatch({ type: 'check' });
    second.c.dispatch({ type: 'update-available', version: '2.0.0' });
    await expect.poll(() => second.c.state.error).toBe('disk full');
  });

  it('a failed install restarts the gateway and tells the user; a broken notifier is only logged', () => {
    const { c, calls, told } = controller();
    for (const event of [{ type: 'check' }, { type: 'update-available', version: '2.0.0' }, { type: 'update-downloaded', version: '2.0.0' }, { type: 'install' }] as const) c.dispatch(event);
    c.dispatch({ type: 'install-failed', message: 'installer missing' });
    expect(calls.slice(-1)).toEqual(['restart-gateway']);
    expect(told[0]).toContain('installer missing');
    expect(c.state.phase).toBe('ready');
  });
});
