/**
 * Issue 11 (SPEC L36, L13): a backup restore leaves the desktop app through its one exit route
 * with exit reason `restore`, a relaunch: drain, single-instance lock released, relaunch, exit 0 —
 * and a forced exit (the watchdog) during a restore drain still relaunches, as a forced restart does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectOrder, ShellHarness } from './shell-harness.ts';

let harness: ShellHarness | null = null;

afterEach(async () => {
  await harness?.cleanup();
  harness = null;
});

describe('desktop exit route for a restore (issue 11, L36, L13)', () => {
  it('L13: a restore drains, releases the lock and relaunches, like a restart', async () => {
    const h = (harness = await ShellHarness.start());
    await h.lifecycle.requestExit('restore');
    await h.timeline.waitFor('quit-event:0');
    expectOrder(h.timeline, 'drain:restore', 'release-lock', 'relaunch', 'exit:0');
  });

  it('L12/L13: the watchdog forcing a restore drain still relaunches (the restore happens at the next start)', async () => {
    const h = (harness = await ShellHarness.start({ settings: { drainTimeoutSeconds: 5 } }));
    await h.parkTurns(['a']);
    void h.lifecycle.requestExit('restore');
    h.lifecycle.forceExit();
    await h.timeline.waitFor('exit:70');
    expect(h.timeline.entries).toContain('relaunch');
    h.gateway.agents.release('gate-a');
  });
});
