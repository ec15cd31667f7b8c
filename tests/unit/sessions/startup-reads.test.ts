/**
 * Issue 13 (start ≤ 5× `node -e ''` with 10,000 conversations): a start reads only the lanes it acts
 * on. Every query the startup recovery runs on the lanes table must be answered from an index, not
 * by scanning every lane (L9, L16, L20 are what those queries decide).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

function lanePlans(h: CoreHarness): Array<{ sql: string; plan: string[] }> {
  const store = h.core.store;
  return store.statementsCompiled
    .filter((sql) => /^\s*SELECT\b/i.test(sql) && /\bFROM lanes\b/i.test(sql))
    .map((sql) => ({
      sql,
      plan: store.withConnection((db) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1)) as Array<{ detail: string }>).map((row) => row.detail),
    }));
}

describe('a start reads only the lanes it acts on (issue 13)', () => {
  it('L9/L16/L20: open turns, resume marks and restart failures are found through indexes, never a scan of every lane', async () => {
    harness = await CoreHarness.start();
    for (let i = 0; i < 200; i++) harness.core.store.ensureLane(`lane-${i}`);
    harness.agents.script('lane-7', { steps: [{ gate: 'slow' }] });
    await harness.core.gateway.send('lane-7', 'long job');
    await harness.agents.reached.waitFor(1);
    await harness.relaunch(); // a crash: lane-7's turn was open

    const plans = lanePlans(harness);
    expect(plans.length).toBeGreaterThanOrEqual(3);
    // A scan of the table, or of its primary key's index, visits every lane; a partial index holds only the few that answer yes.
    const scans = plans.filter((p) => p.plan.some((detail) => /^SCAN lanes( USING (COVERING )?INDEX sqlite_autoindex_\w+)?$/.test(detail)));
    expect(scans.map((p) => p.sql)).toEqual([]);
    expect(harness.core.startup.autoResumed).toEqual(['lane-7']);
  });
});
