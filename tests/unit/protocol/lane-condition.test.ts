/**
 * One lane condition (issue 9 item 4; SPEC L16, L20, L21, L28, L31): for the same lane, read over
 * the real protocol, every consumer — the gateway's /status, the window's badge and banner, the
 * tray's count and the CLI's list — shows the same condition, in the words of shared/lane-condition.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { laneState } from '../../../electron/cli/commands.ts';
import { INITIAL_UPDATE_STATE } from '../../../electron/core/update/update-policy.ts';
import { trayStatusLine } from '../../../electron/shell/tray/tray-model.ts';
import { laneBadges } from '../../../renderer/src/lib/lane-badges.ts';
import { initialState, laneConditionView, reduce } from '../../../renderer/src/state/app-state.ts';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { CONDITION_WORDS, conditionSentence, countConditions, laneCondition, LANE_CONDITIONS, type LaneCondition } from '../../../shared/lane-condition.ts';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import { Recorder } from '../../support/recorder.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

let harness: ServiceHarness | undefined;
afterEach(() => {
  harness?.cleanup();
  harness = undefined;
});

/** What each front end shows for one lane summary. */
function shown(lane: LaneStatus) {
  const state = reduce(initialState(), { type: 'lanes-loaded', lanes: [lane] });
  const counts = countConditions([lane]);
  return {
    badge: laneBadges(lane).filter((badge) => badge.kind !== 'queued'),
    banner: laneConditionView(state, lane.laneKey),
    tray: trayStatusLine({ lanes: counts, leaving: false, update: INITIAL_UPDATE_STATE }),
    cli: laneState(lane),
  };
}

describe('one lane condition, the same in every front end', () => {
  it('L16, L20, L28, L31: idle, running, awaiting-approval, interrupted and suspended lanes read the same in /status, the sidebar, the banner, the tray and the CLI', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const pushes = new Recorder<PushEvent>();
    client.onEvent(pushes.push);
    const lanes = {} as Record<LaneCondition, string>;
    for (const condition of LANE_CONDITIONS) lanes[condition] = (await client.call('lanes.create', { title: condition })).laneKey;

    harness.agents.script(lanes.running, { steps: [{ gate: 'held' }] });
    await client.call('message.send', { laneKey: lanes.running, text: 'work' });
    await harness.agents.reached.waitFor(1);
    harness.agents.script(lanes['awaiting-approval'], { steps: [{ asks: { name: 'shell', args: { command: 'make deploy' } } }] });
    await client.call('message.send', { laneKey: lanes['awaiting-approval'], text: 'deploy' });
    await pushes.waitFor((push) => push.channel === 'gateway' && push.event.type === 'lane' && push.event.lane.awaitingApproval);
    harness.core.store.markResumePending(lanes.interrupted, 'restart_timeout');
    harness.core.store.markResumePending(lanes.suspended, 'crash');
    harness.core.store.suspend(lanes.suspended);

    const summaries = new Map((await client.call('lanes.list', {})).map((lane) => [lane.laneKey, lane] as const));
    const table = [];
    for (const condition of LANE_CONDITIONS) {
      const lane = summaries.get(lanes[condition])!;
      const status = (await client.call('message.send', { laneKey: lane.laneKey, text: '/status' })).message;
      table.push({ condition, derived: laneCondition(lane), status: status.split('\n').find((line) => line.startsWith('State: ')), ...shown(lane) });
    }

    const sentence = (condition: LaneCondition) => conditionSentence(summaries.get(lanes[condition])!);
    const suffix = (condition: LaneCondition) => (sentence(condition) ? ` — ${sentence(condition)}` : '');
    // condition → [sidebar badge, banner sentence, tray line, CLI state]
    const seen: Record<LaneCondition, [string | null, string | null, string, string]> = {
      idle: [null, null, '0 running', 'idle'],
      running: [CONDITION_WORDS.running.badge, null, '1 running', 'running'],
      'awaiting-approval': ['Needs you', 'A tool call is waiting for your approval.', '0 running · 1 needs you', 'waiting for your approval'],
      interrupted: ['Interrupted', 'Interrupted by a restart. Resume where it left off, or discard.', '0 running · 1 interrupted', 'interrupted by a restart'],
      suspended: ['Suspended', sentence('suspended'), '0 running', 'suspended'],
    };
    expect(table).toEqual(
      LANE_CONDITIONS.map((condition) => {
        const [badge, text, tray, cli] = seen[condition];
        return {
          condition,
          derived: condition,
          status: `State: ${CONDITION_WORDS[condition].state}${suffix(condition)}`,
          badge: badge === null ? [] : [{ kind: condition, label: badge }],
          banner: { condition, text },
          tray,
          cli,
        };
      }),
    );
    expect(sentence('suspended')).toContain('Your next message starts a fresh session');
    // The suspended lane's mark is never offered as a resume (L16): the summary says so too.
    expect(summaries.get(lanes.suspended)).toMatchObject({ suspended: true, resumePending: false });
    harness.agents.release('held');
  });

  it('L31: answering the approval returns the lane to running, and its end to idle, each pushed as a lane summary', async () => {
    harness = await ServiceHarness.start();
    const client = await harness.client();
    const pushes = new Recorder<PushEvent>();
    client.onEvent(pushes.push);
    const { laneKey } = await client.call('lanes.create', {});
    harness.agents.script(laneKey, { steps: [{ asks: { name: 'shell' } }, { text: 'deployed' }] });
    const conditions = () =>
      pushes.items.flatMap((push) => (push.channel === 'gateway' && push.event.type === 'lane' && push.event.lane.laneKey === laneKey ? [laneCondition(push.event.lane)] : []));

    await client.call('message.send', { laneKey, text: 'deploy' });
    const asked = await pushes.waitFor((push) => push.channel === 'gateway' && push.event.type === 'transcript' && push.event.event.kind === 'approval_request');
    const callId = asked.channel === 'gateway' && asked.event.type === 'transcript' && asked.event.event.kind === 'approval_request' ? asked.event.event.payload.callId : '';
    await pushes.waitFor((push) => push.channel === 'gateway' && push.event.type === 'lane' && push.event.lane.awaitingApproval);
    expect(await client.call('approval.answer', { laneKey, callId, approved: true })).toEqual({ answered: true });
    await harness.core.gateway.whenIdle();
    await pushes.waitFor((push) => push.channel === 'gateway' && push.event.type === 'lane' && push.event.lane.activity === 'idle' && conditions().includes('awaiting-approval'));
    // Collapse repeats: the order of conditions the window went through.
    const path = conditions().filter((c, i, all) => i === 0 || all[i - 1] !== c);
    expect(path).toEqual(['idle', 'running', 'awaiting-approval', 'running', 'idle']);
  });
});
