/**
 * Issue 10, the activity view (L31): the lane summary — built in one place, Gateway.statusOf —
 * carries what the view shows of a live turn: when it started, how many tool calls (steps) it has
 * made, and the tool it is asking about or running. The real gateway and agent loop run against
 * the scripted OpenAI-compatible HTTP server over real SQLite, and every change reaches front ends
 * as the existing `lane` push.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayEvent, LaneStatus } from '../../shared/gateway-events.ts';
import { startScriptedOpenAIServer, textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';
import { startScriptedModelCore } from '../support/scripted-model-core.ts';

function lanePush(match: (lane: LaneStatus) => boolean): (event: GatewayEvent) => boolean {
  return (event) => event.type === 'lane' && match(event.lane);
}

describe('activity view: the lane summary of a live turn (issue 10, L31)', () => {
  it('L31: a turn waiting for an approval reports its start time, step count and current tool in the lane summary and its lane push; idle lanes report none', async () => {
    const before = Date.now();
    const server = await startScriptedOpenAIServer();
    const h = await startScriptedModelCore(server);
    try {
      server.enqueue(
        toolCallReply([
          { id: 'c1', name: 'read_file', args: { path: 'missing.txt' } },
          { id: 'c2', name: 'shell', args: { command: 'true' } },
        ]),
        textReply('Done.'),
      );
      await h.core.gateway.send('a', 'read then run');
      const pushed = await h.sink.waitFor(lanePush((lane) => lane.laneKey === 'a' && lane.awaitingApproval));
      const waiting = (pushed as Extract<GatewayEvent, { type: 'lane' }>).lane;
      expect(waiting).toMatchObject({ activity: 'running', stepCount: 2, currentTool: 'shell', approvals: [{ callId: 'c2', tool: 'shell' }] });
      expect(waiting.turnStartedAt).toBeGreaterThanOrEqual(before);
      expect(waiting.turnStartedAt).toBeLessThanOrEqual(Date.now());
      // lanes.list reads the same builder.
      const listed = h.core.gateway.laneViews().find((view) => view.status.laneKey === 'a')!.status;
      expect(listed).toMatchObject({ stepCount: 2, currentTool: 'shell', turnStartedAt: waiting.turnStartedAt });

      h.core.gateway.answerApproval('a', 'c2', { decision: 'once' });
      await h.core.gateway.whenIdle();
      expect(h.core.gateway.laneStatus('a')).toMatchObject({ activity: 'idle', stepCount: 0, currentTool: null, turnStartedAt: null, approvals: [] });
      // The tool's end was told too: a push with no current tool while the turn still ran.
      expect(h.sink.events.some((e) => e.type === 'lane' && e.lane.laneKey === 'a' && e.lane.activity === 'running' && e.lane.stepCount === 2 && e.lane.currentTool === null)).toBe(true);
    } finally {
      h.cleanup();
      await server.close();
    }
  });
});
