import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../electron/core/gateway/gateway.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness;
afterEach(() => {
  harness?.cleanup();
});

function kinds(h: CoreHarness, lane: string): string[] {
  return h.core.store.listEvents(h.core.store.getLane(lane)!.sessionId).map((e) => e.kind);
}

function notices(h: CoreHarness, lane: string): string[] {
  return h.core.store
    .listEvents(h.core.store.getLane(lane)!.sessionId)
    .flatMap((e) => (e.kind === 'notice' ? [e.payload.text] : []));
}

describe('turns and busy input (L23, L26, R3)', () => {
  it('L26: a turn persists the user message, streamed text, tool call and tool result in order', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', {
      steps: [{ text: 'Let me look.', chunks: 3 }, { tool: { name: 'read_file', args: { path: 'a.txt' }, result: 'contents' } }, { text: 'Done.' }, { usage: { inputTokens: 12, outputTokens: 5 } }],
    });
    const reply = await harness.core.gateway.send('a', 'read a.txt');
    expect(reply.status).toBe('started');
    await harness.core.gateway.whenIdle();

    const events = harness.core.store.listEvents(harness.core.store.getLane('a')!.sessionId);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'tool_call', 'tool_dispatch', 'tool_result', 'assistant_text']);
    expect(events[1]!.payload).toEqual({ text: 'Let me look.', final: true });
    expect(events[2]!.payload).toMatchObject({ name: 'read_file', args: { path: 'a.txt' }, effect: 'read-only' });
    expect(events[5]!.payload).toEqual({ text: 'Done.', final: true });
    expect(harness.core.store.getLane('a')).toMatchObject({ inputTokens: 12, outputTokens: 5, activeTurn: null });
    // Usage is also kept per turn.
    expect(harness.core.store.getTurn(events[0]!.turnId!)).toMatchObject({ inputTokens: 12, outputTokens: 5, outcome: 'completed' });
    // Each message's first piece came with its row; the rest, streamed in the same read, with the row whole at its end (issue 9 item 9).
    const rows = harness.sink.events.flatMap((e) => (e.type === 'transcript' && e.event.kind === 'assistant_text' ? [e.event.payload] : []));
    expect(rows).toEqual([
      { text: 'Let ', final: false },
      { text: 'Let me look.', final: true },
      { text: 'Done.', final: false },
      { text: 'Done.', final: true },
    ]);
    expect(harness.sink.events.filter((e) => e.type === 'text-delta')).toEqual([]);
  });

  it('L23: with busyInput "interrupt", a message sent while the lane runs stops the turn and runs next on the same session', async () => {
    harness = await CoreHarness.start({ settings: { busyInput: 'interrupt' } });
    harness.agents.script('a', { steps: [{ text: 'working' }, { gate: 'slow' }] }, { steps: [{ text: 'switched' }] });
    await harness.core.gateway.send('a', 'first');
    await harness.agents.reached.waitFor(1);
    const session = harness.core.store.getLane('a')!.sessionId;

    const reply = await harness.core.gateway.send('a', 'second');
    expect(reply.status).toBe('interrupting');
    expect(reply.message).toContain('Stopping');
    await harness.agents.inputs.waitFor(2);
    await harness.core.gateway.whenIdle();

    expect(harness.core.store.getLane('a')!.sessionId).toBe(session);
    expect(kinds(harness, 'a')).toEqual(['user_message', 'assistant_text', 'interruption', 'user_message', 'assistant_text']);
    const interruption = harness.core.store.listEvents(session).find((e) => e.kind === 'interruption');
    expect(interruption!.payload).toEqual({ cause: 'busy-input', reason: null });
    // The second turn sees the first one's partial answer, flagged interrupted.
    expect(harness.agents.inputs.all[1]!.history.at(-1)).toMatchObject({ role: 'assistant', text: 'working', interrupted: true });
  });

  it('L23: with busyInput "queue", a message sent while the lane runs waits for the turn to finish', async () => {
    harness = await CoreHarness.start({ settings: { busyInput: 'queue' } });
    harness.agents.script('a', { steps: [{ gate: 'slow' }, { text: 'first answer' }] }, { steps: [{ text: 'second answer' }] });
    await harness.core.gateway.send('a', 'first');
    await harness.agents.reached.waitFor(1);

    const reply = await harness.core.gateway.send('a', 'second');
    expect(reply.status).toBe('queued');
    expect(harness.core.gateway.laneStatus('a')).toMatchObject({ activity: 'running', queuedInputs: 1 });
    expect(harness.agents.inputs.all).toHaveLength(1); // one turn per lane at a time
    harness.agents.release('slow');
    await harness.agents.inputs.waitFor(2);
    await harness.core.gateway.whenIdle();

    expect(kinds(harness, 'a')).toEqual(['user_message', 'assistant_text', 'user_message', 'assistant_text']);
    expect(harness.core.gateway.laneStatus('a')).toMatchObject({ activity: 'idle', queuedInputs: 0 });
  });

  it('L23: a lane is blocked from the instant its message is accepted, before its agent exists', async () => {
    harness = await CoreHarness.start({ settings: { busyInput: 'interrupt' } });
    const hold = harness.agents.holdCreation('a');
    await harness.core.gateway.send('a', 'first');
    expect(harness.core.gateway.laneStatus('a')!.activity).toBe('starting');
    const reply = await harness.core.gateway.send('a', 'second');
    expect(reply.status).toBe('queued');
    hold.release();
    await harness.agents.inputs.waitFor(2);
    await harness.core.gateway.whenIdle();
    expect(harness.agents.inputs.all.map((i) => i.userText)).toEqual(['first', 'second']);
  });

  it('R3: an agent that throws ends the turn as failed with a readable error, and the lane is not left running', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', { steps: [{ text: 'partial' }, { throws: 'connection reset by provider' }] });
    await harness.core.gateway.send('a', 'go');
    await harness.core.gateway.whenIdle();

    const events = harness.core.store.listEvents(harness.core.store.getLane('a')!.sessionId);
    expect(events.at(-1)).toMatchObject({ kind: 'error', payload: { message: 'connection reset by provider' } });
    expect(harness.core.gateway.laneStatus('a')!.activity).toBe('idle');
    expect(harness.core.store.getLane('a')!.activeTurn).toBeNull();
  });

  it('R3: an agent that cannot be constructed fails the turn with a readable error and keeps the message', async () => {
    harness = await CoreHarness.start();
    harness.agents.create = () => Promise.reject(new Error('No model provider is configured'));
    await harness.core.gateway.send('a', 'hello');
    await harness.core.gateway.whenIdle();
    const events = harness.core.store.listEvents(harness.core.store.getLane('a')!.sessionId);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'error']);
    expect(events[1]!.payload).toEqual({ message: 'Could not start the agent: No model provider is configured' });
  });

  it('an untitled conversation is named after its first message; a chosen title is kept', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', 'Plan a three-day trip to Lisbon in spring, with a budget of 800 euros and museums\nsecond line');
    await harness.core.gateway.send('b', '/title Mine');
    await harness.core.gateway.send('b', 'hello there');
    await harness.core.gateway.whenIdle();
    expect(harness.core.store.getLane('a')!.title).toBe('Plan a three-day trip to Lisbon in spring, with a budget of…');
    expect(harness.core.store.getLane('b')!.title).toBe('Mine');
  });

  it('R1: an empty message or lane key is refused with a typed error and changes nothing', async () => {
    harness = await CoreHarness.start();
    await expect(harness.core.gateway.send('a', '   ')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(harness.core.gateway.send('', 'hi')).rejects.toBeInstanceOf(InvalidInputError);
    expect(harness.core.store.listLanes()).toEqual([]);
  });
});

describe('composer commands (L24, L25)', () => {
  it('L24: /help lists every command and is never sent to the model', async () => {
    harness = await CoreHarness.start();
    const reply = await harness.core.gateway.send('a', '/help');
    expect(reply.status).toBe('command');
    for (const name of ['/new', '/stop', '/resume', '/title', '/status', '/restart', '/help']) expect(reply.message).toContain(name);
    expect(harness.agents.inputs.all).toHaveLength(0);
    expect(kinds(harness, 'a')).toEqual(['notice']);
  });

  it('L24: an unknown command gets a clear reply', async () => {
    harness = await CoreHarness.start();
    const reply = await harness.core.gateway.send('a', '/frobnicate now');
    expect(reply.message).toBe('Unknown command /frobnicate. Type /help to see the commands.');
  });

  it('L24: "//" sends a message that starts with a slash', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '//etc/hosts is what file?');
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.userText).toBe('/etc/hosts is what file?');
  });

  it('L24: /stop interrupts the running turn without suspending the lane', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', { steps: [{ gate: 'slow' }] });
    await harness.core.gateway.send('a', 'go');
    await harness.agents.reached.waitFor(1);
    const reply = await harness.core.gateway.send('a', '/stop');
    expect(reply.message).toBe('Stopping the running turn.');
    await harness.core.gateway.whenIdle();
    const lane = harness.core.store.getLane('a')!;
    expect(lane).toMatchObject({ suspended: false, resumePending: false, activeTurn: null });
    expect(kinds(harness, 'a')).toContain('interruption');
    expect((await harness.core.gateway.send('a', '/stop')).message).toBe('Nothing is running in this conversation.');
  });

  it('L24: /new starts a fresh session; /resume lists and restores the earlier one by title or id', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '/title Trip planning');
    await harness.core.gateway.send('a', 'plan a trip');
    await harness.core.gateway.whenIdle();
    const first = harness.core.store.getLane('a')!.sessionId;

    await harness.core.gateway.send('a', '/new');
    const second = harness.core.store.getLane('a')!.sessionId;
    expect(second).not.toBe(first);
    expect(harness.core.store.getSession(first)!.endedAt).not.toBeNull();

    const list = await harness.core.gateway.send('a', '/resume');
    expect(list.message).toContain('Trip planning');
    expect(list.message).toContain(first);

    const restored = await harness.core.gateway.send('a', '/resume trip');
    expect(restored.message).toBe('Restored “Trip planning”.');
    expect(harness.core.store.getLane('a')!.sessionId).toBe(first);
    expect(kinds(harness, 'a')).toContain('user_message');

    expect((await harness.core.gateway.send('a', '/resume nothing-like-this')).message).toContain('No earlier session matches');
  });

  it('L24: /new and /resume are refused while a turn runs', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '/title Earlier');
    const earlier = harness.core.store.getLane('a')!.sessionId;
    await harness.core.gateway.send('a', '/new');
    harness.agents.script('a', { steps: [{ gate: 'slow' }] });
    await harness.core.gateway.send('a', 'go');
    await harness.agents.reached.waitFor(1);
    const session = harness.core.store.getLane('a')!.sessionId;
    expect(session).not.toBe(earlier);

    expect((await harness.core.gateway.send('a', '/new')).message).toContain('Send /stop first');
    expect((await harness.core.gateway.send('a', `/resume ${earlier}`)).message).toContain('Send /stop first');
    expect(harness.core.store.getLane('a')!.sessionId).toBe(session);
    harness.agents.release('slow');
  });

  it('L24: /status shows the session id, state, tokens and whether a turn runs', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', { steps: [{ usage: { inputTokens: 100, outputTokens: 7 } }, { gate: 'slow' }] });
    await harness.core.gateway.send('a', 'go');
    await harness.agents.reached.waitFor(1);
    const reply = await harness.core.gateway.send('a', '/status');
    const session = harness.core.store.getLane('a')!.sessionId;
    expect(reply.message).toContain(`Session: ${session}`);
    expect(reply.message).toContain('Running: running');
    expect(reply.message).toContain('Tokens: 100 in, 7 out');
    expect(reply.message).toContain('State: running');
    harness.agents.release('slow');
  });

  it('L24: /title renames the conversation', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '/title  Budget 2027 ');
    expect(harness.core.store.getLane('a')!.title).toBe('Budget 2027');
    expect((await harness.core.gateway.send('a', '/title')).message).toBe('Usage: /title <text>');
    expect(notices(harness, 'a')).toContain('Renamed to “Budget 2027”.');
  });

  it('L24/L27: /restart restarts Baton through the drain', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('b', { steps: [{ gate: 'slow' }] });
    await harness.core.gateway.send('b', 'go');
    await harness.agents.reached.waitFor(1);
    await harness.core.gateway.send('a', '/restart');
    expect(harness.core.drain.draining).toBe(true);
    const result = await harness.core.requestExit('restart'); // joins the drain /restart started
    expect(result.action).toBe('relaunch');
    expect(harness.app.actions).toEqual(['relaunch']);
    expect(harness.core.store.getLane('b')!.resumeReason).toBe('restart_timeout');
  });
});

describe('client message ids (L32)', () => {
  it('L32: a message resent with the same client id is taken once and answered as the first time', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', { steps: [{ text: 'hello back' }] });
    const first = await harness.core.gateway.send('a', 'hello', { clientId: 'client-0001' });
    const again = await harness.core.gateway.send('a', 'hello', { clientId: 'client-0001' });
    await harness.core.gateway.whenIdle();
    expect(again).toEqual(first);
    const users = harness.core.store.listEvents(harness.core.store.getLane('a')!.sessionId).filter((e) => e.kind === 'user_message');
    // One message, and it carries the window's id so the window knows it as its own.
    expect(users.map((e) => e.payload)).toEqual([{ text: 'hello', clientId: 'client-0001' }]);
    expect(harness.agents.inputs.all).toHaveLength(1);
  });

  it('L32/L7: a resend of a message queued during a drain is recognised after the relaunch and never queued twice', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', { steps: [{ text: 'working' }, { gate: 'never' }] });
    await harness.core.gateway.send('a', 'long job');
    await harness.agents.reached.waitFor(1);
    harness.core.gateway.closeIntake();
    const queued = await harness.core.gateway.send('a', 'later', { clientId: 'client-0002' });
    expect(queued.status).toBe('queued-for-restart');
    const core = await harness.relaunch((agents) => agents.script('a', { steps: [{ text: 'done' }] }));
    expect(await core.gateway.send('a', 'later', { clientId: 'client-0002' })).toEqual(queued);
    await harness.agents.inputs.waitFor(1);
    await core.gateway.whenIdle();
    const texts = core.store
      .listEvents(core.store.getLane('a')!.sessionId)
      .flatMap((e) => (e.kind === 'user_message' ? [e.payload.text] : []));
    expect(texts).toEqual(['long job', 'later']);
  });

  it('L32: a command resent with its client id runs once', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '/title Plans', { clientId: 'client-0003' });
    await harness.core.gateway.send('a', '/title Plans', { clientId: 'client-0003' });
    expect(notices(harness, 'a')).toEqual(['Renamed to “Plans”.']);
  });

  it('R1/L32: a client id already used for another conversation is refused', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('a', '/help', { clientId: 'client-0004' });
    await expect(harness.core.gateway.send('b', 'hi', { clientId: 'client-0004' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
