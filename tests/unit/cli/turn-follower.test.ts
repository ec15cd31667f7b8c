/**
 * `send --wait` (issue 9 item 9): the answer is printed from its row and the deltas that continue
 * it, by offset: a repeated piece is not printed twice, and after a missed piece the rest comes
 * from the row sent whole at the message's end, so stdout holds the answer exactly.
 */
import { describe, expect, it } from 'vitest';
import { followTurn } from '../../../electron/cli/turn-follower.ts';
import type { GatewayEvent, LaneStatus } from '../../../shared/gateway-events.ts';
import type { GatewayClient } from '../../../shared/protocol/client.ts';
import type { PushEvent } from '../../../shared/protocol/contract.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';

function follower() {
  let listener: ((event: PushEvent) => void) | null = null;
  const client = { onEvent: (l: (event: PushEvent) => void) => ((listener = l), () => (listener = null)) } as unknown as GatewayClient;
  let out = '';
  const followed = followTurn({
    client,
    laneKey: 'a',
    startsTurn: (event) => (event.type === 'transcript' && event.event.turnId === 't1' ? 't1' : null),
    out: (text) => (out += text),
    err: () => {},
  });
  const push = (event: GatewayEvent) => listener?.({ channel: 'gateway', event });
  return { push, followed, stdout: () => out };
}

const row = (seq: number, text: string, final: boolean): GatewayEvent => ({
  type: 'transcript',
  laneKey: 'a',
  event: { seq, sessionId: 's', turnId: 't1', createdAt: 0, kind: 'assistant_text', payload: { text, final } } as StoredEvent,
});
const delta = (seq: number, offset: number, text: string): GatewayEvent => ({ type: 'text-delta', laneKey: 'a', turnId: 't1', seq, offset, delta: text });
const idle: GatewayEvent = { type: 'lane', lane: { laneKey: 'a', activity: 'idle' } as LaneStatus };

describe('send --wait prints the answer exactly once', () => {
  it('prints the row, the deltas that continue it, skips a repeat, and mends a gap from the final row', async () => {
    const { push, followed, stdout } = follower();
    push(row(5, 'Roses', false));
    push(delta(5, 5, ' and'));
    push(delta(5, 5, ' and')); // repeated
    push(delta(5, 12, 'ips')); // " tul" (offset 9) was missed: nothing printed past the gap
    push({ type: 'text-checkpoint', laneKey: 'a', turnId: 't1', seq: 5, length: 15 });
    expect(stdout()).toBe('Roses and');
    push(row(5, 'Roses and tulips.', true));
    push(row(6, 'Next', false));
    push(delta(6, 4, ' one.'));
    push(row(6, 'Next one.', true));
    push(idle);
    expect(await followed.outcome).toEqual({ kind: 'completed' });
    expect(stdout()).toBe('Roses and tulips.\nNext one.\n');
  });
});
