/**
 * L11, L12 at scale (issue 13, bench/drain.bench.ts): when the deadline interrupts many turns at
 * once, recording their interruptions must not hold the event loop for all of them in one go. A
 * timer (the drain's grace deadline, its watchdog) has to be able to run between two batches of
 * records: on a slow disk, 1,000 fsynced records in one stretch delayed the watchdog by ~16 s.
 * (A batch commits its records together: one fsync each, not one per turn.)
 * A turn whose record was cut short by the exit is recovered at the next start with the drain's
 * reason (ResumeMarks.markCrash keeps a mark set during the turn), so yielding loses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const LANES = 60;

describe('a drain interrupting many turns (L11, L12, issue 13)', () => {
  it('L12: timers run between the interrupted turns\' records, and every turn is recorded with the drain as its cause', async () => {
    harness = await CoreHarness.start({ settings: { drainTimeoutSeconds: 0, graceSeconds: 30 } });
    const h = harness;
    const keys = Array.from({ length: LANES }, (_, i) => `lane-${i}`);
    for (const key of keys) h.agents.script(key, { steps: [{ gate: 'slow' }] });
    for (const key of keys) await h.core.gateway.send(key, 'long job');
    await h.agents.reached.waitFor(LANES);

    let ended = 0;
    let endedWhenTimerRan: number | null = null;
    const off = h.core.gateway.onTurnEnded(() => {
      ended += 1;
      // Armed at the first record: it fires as soon as the event loop gets to its timers.
      if (ended === 1) setTimeout(() => (endedWhenTimerRan = ended), 0);
    });
    const result = await h.core.requestExit('restart');
    off();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the timer has run by now, whenever it could

    expect(result.interrupted).toHaveLength(LANES);
    expect(ended).toBe(LANES);
    // Recorded all in one stretch, the timer could only run after the last record: LANES.
    expect(endedWhenTimerRan).toBeLessThan(LANES);
    for (const key of keys) {
      const sessionId = h.core.store.getLane(key)!.sessionId;
      expect(h.core.store.listEvents(sessionId).at(-1)).toMatchObject({ kind: 'interruption', payload: { cause: 'drain' } });
    }
  });
});
