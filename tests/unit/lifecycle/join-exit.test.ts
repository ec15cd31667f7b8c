/**
 * SPEC §4 / L13: which exit wins when a second trigger joins a drain — one rule (joinExit in
 * shared/lifecycle.ts), used by the drain coordinator and both composition roots.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_REASONS, exitActionFor, joinExit, type ExitReason } from '../../../shared/lifecycle.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

describe('joinExit: the join rule (SPEC §4, L13)', () => {
  it('a later quit, signal or OS shutdown cancels a pending relaunch', () => {
    for (const later of ['quit', 'signal', 'os-shutdown'] as const) expect(exitActionFor(joinExit('restart', later))).toBe('quit');
  });

  it('a restart joining anything else never turns it into a relaunch', () => {
    for (const first of EXIT_REASONS) expect(joinExit(first, 'restart')).toBe(first);
  });

  it('L13: an update upgrades a quit or a restart to install-update, and a later quit or restart keeps it', () => {
    expect(joinExit('quit', 'update')).toBe('update');
    expect(joinExit('restart', 'update')).toBe('update');
    expect(joinExit('update', 'quit')).toBe('update');
    expect(joinExit('update', 'restart')).toBe('update');
  });

  it('the OS going down beats an update: there is no time for an installer', () => {
    expect(joinExit('update', 'os-shutdown')).toBe('os-shutdown');
    expect(joinExit('os-shutdown', 'update')).toBe('os-shutdown');
    expect(joinExit('signal', 'update')).toBe('signal');
    expect(joinExit('signal', 'os-shutdown')).toBe('os-shutdown');
  });

  it('is one order: the same winner whichever trigger came first, and joining is idempotent', () => {
    for (const a of EXIT_REASONS) {
      expect(joinExit(a, a)).toBe(a);
      for (const b of EXIT_REASONS) {
        expect(joinExit(a, b)).toBe(joinExit(b, a));
        for (const c of EXIT_REASONS) expect(joinExit(joinExit(a, b), c)).toBe(joinExit(a, joinExit(b, c)));
      }
    }
  });
});

describe('DrainCoordinator.join uses the rule (SPEC §4, L9, L13)', () => {
  async function parkTurn(h: CoreHarness, interrupts: 'honour' | 'ignore'): Promise<void> {
    h.agents.script('a', { steps: [{ text: 'working' }, { gate: 'gate-a' }, { text: ' done' }], interrupts });
    await h.core.gateway.send('a', 'a long task');
    await h.agents.reached.waitFor(1, (name) => name === 'gate-a');
  }

  it('a quit joining a restart drain: one drain, exit action quit, the running lane stays marked for the quit', async () => {
    const h = (harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.2, graceSeconds: 0.2 } }));
    await parkTurn(h, 'ignore');
    const restarting = h.core.requestExit('restart');
    expect(h.core.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'restart_timeout' });
    expect(h.core.requestExit('quit')).toBe(restarting);
    const result = await restarting;
    expect(result).toMatchObject({ reason: 'quit', action: 'quit', interrupted: ['a'] });
    expect(h.app.actions).toEqual(['quit']);
    expect(h.core.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    h.agents.release('gate-a');
  });

  it('L9: a signal joining a restart after its deadline re-marks the interrupted lanes for the shutdown', async () => {
    const h = (harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0.05, graceSeconds: 0.5 } }));
    await parkTurn(h, 'ignore');
    const live = h.core.gateway.registry.get('a')!;
    const interrupted = new Promise<void>((resolve) => live.hardAbort.signal.addEventListener('abort', () => resolve(), { once: true }));
    const restarting = h.core.requestExit('restart');
    await interrupted;
    expect(h.core.store.getLane('a')?.resumeReason).toBe('restart_timeout');
    void h.core.requestExit('signal');
    const result = await restarting;
    expect(result.action).toBe('quit');
    expect(h.core.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'shutdown_timeout' });
    h.agents.release('gate-a');
  });

  it.each<[ExitReason, ExitReason, string]>([
    ['quit', 'restart', 'quit'],
    ['restart', 'update', 'install-update'],
    ['quit', 'update', 'install-update'],
  ])('%s joined by %s ends in %s', async (first, second, action) => {
    const h = (harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await parkTurn(h, 'honour');
    const drained = h.core.requestExit(first);
    void h.core.requestExit(second);
    h.agents.release('gate-a');
    expect((await drained).action).toBe(action);
    expect(h.app.actions).toEqual([action]);
  });
});
