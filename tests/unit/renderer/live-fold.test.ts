/**
 * The renderer's fold of live pushes from the real gateway (rows, streamed deltas, checkpoints, lane
 * changes) must end in the same rows it builds from the stored transcript after a reload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reduce } from '../../../renderer/src/state/app-state.ts';
import { buildTranscript, type TranscriptItem } from '../../../renderer/src/state/transcript-model.ts';
import { CoreHarness } from '../../support/core-harness.ts';
import { windowOnNewLane } from './live-window.ts';

let harness: CoreHarness | undefined;
afterEach(() => harness?.cleanup());

function comparable(items: readonly TranscriptItem[]): unknown[] {
  return items.map(({ key: _key, ...rest }) => rest);
}

describe('live pushes and a reload agree', () => {
  it('streamed text with flushes, a tool call, then a failed turn', async () => {
    harness = await CoreHarness.start();
    const h = harness;
    const opened = windowOnNewLane(h, 'a');
    const { sessionId, seen } = opened;
    let state = opened.state;

    // Chunks 80 ms apart cross the 250 ms flush, so rows are re-sent while deltas keep coming.
    h.agents.script('a', {
      steps: [
        { text: 'Reading the file and thinking about it carefully.', chunks: 6, chunkDelayMs: 80 },
        { tool: { name: 'read_file', args: { path: 'a.txt' }, result: 'contents' } },
        { text: 'It says contents.', chunks: 2 },
      ],
    });
    h.agents.script('a', { steps: [{ text: 'Half', chunks: 1 }, { fail: 'HTTP 500 from the provider' }] });
    await h.core.gateway.send('a', 'read a.txt');
    await h.core.gateway.whenIdle();
    await h.core.gateway.send('a', 'again');
    await h.core.gateway.whenIdle();

    const pushes = h.sink.events.slice(seen);
    // Text travels once: a row when its first piece is saved, deltas, checkpoints (no text), the row whole at its end.
    expect(pushes.filter((event) => event.type === 'text-delta')).toHaveLength(5); // the pieces 80 ms apart
    expect(pushes.some((event) => event.type === 'text-checkpoint')).toBe(true);
    const rowPushes = new Map<number, number>();
    for (const event of pushes) if (event.type === 'transcript' && event.event.kind === 'assistant_text') rowPushes.set(event.event.seq, (rowPushes.get(event.event.seq) ?? 0) + 1);
    expect([...rowPushes.values()]).toEqual([2, 2, 2]);
    for (const event of pushes) state = reduce(state, { type: 'push', event: { channel: 'gateway', event } });

    expect(state.transcript.status).toBe('ready');
    if (state.transcript.status !== 'ready') return;
    const live = state.transcript.model;
    const reloaded = buildTranscript('a', sessionId, h.core.store.listEvents(sessionId));
    expect(live.live).toBeNull();
    expect(comparable(live.items)).toEqual(comparable(reloaded.items));
    expect(reloaded.items.map((item) => item.type)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'error']);
    expect(reloaded.items.at(-1)).toMatchObject({ type: 'error', retryText: 'again' });
  });
});
