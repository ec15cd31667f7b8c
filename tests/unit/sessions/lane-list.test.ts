import { afterEach, describe, expect, it } from 'vitest';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | undefined;
afterEach(() => harness?.cleanup());

/** Statements the store's one connection ran while `work` did. */
async function statementsOf(h: ServiceHarness, work: () => Promise<unknown>): Promise<number> {
  const before = h.core.store.statementsRun;
  await work();
  return h.core.store.statementsRun - before;
}

function addLanes(h: ServiceHarness, count: number, from = 0): void {
  for (let i = from; i < from + count; i++) {
    h.core.store.ensureLane(`lane-${i}`, { title: `Lane ${i}` });
    // Every third lane has messages waiting, so the counts in the list are not all zero.
    for (let n = 0; n < i % 3; n++) h.core.store.enqueueInput(`lane-${i}`, `later ${n}`, { duringDrain: true });
  }
}

describe('the conversation list costs one query (issue 9 item 8)', () => {
  it('SPEC §2/L7: lanes.list reads every lane with its queued-input count in one statement, whatever the number of lanes', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    // Queued input must stay queued while the list is read: no turn may start and consume it.
    h.core.gateway.closeIntake();
    addLanes(h, 30);

    let listed: Awaited<ReturnType<ServiceHarness['service']['handle']>> = [];
    const statements = await statementsOf(h, async () => {
      listed = await h.service.handle('lanes.list', {});
    });

    expect(statements).toBe(1);
    // Exactly what reading each lane on its own answers, in the store's order.
    expect(listed).toEqual(h.core.store.listLanes().map((lane) => h.core.gateway.laneStatus(lane.laneKey)));
    expect(listed).toHaveLength(30);
    expect((listed as Array<{ laneKey: string; queuedInputs: number }>).find((lane) => lane.laneKey === 'lane-5')?.queuedInputs).toBe(2);
  });

  it('L8/L28: app.status reads the lanes for its banners without a query per lane', async () => {
    harness = await ServiceHarness.start();
    const h = harness;
    h.core.gateway.closeIntake();
    addLanes(h, 3);
    const few = await statementsOf(h, () => h.service.handle('app.status', {}));
    addLanes(h, 40, 3);
    const many = await statementsOf(h, () => h.service.handle('app.status', {}));

    expect(many).toBe(few);
  });
});
