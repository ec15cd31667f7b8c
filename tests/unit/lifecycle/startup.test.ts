import { afterEach, describe, expect, it } from 'vitest';
import type { BatonCore } from '../../../electron/core/baton-core.ts';
import { SessionStore } from '../../../electron/core/sessions/store.ts';
import { conditionSentence, laneCondition } from '../../../shared/lane-condition.ts';
import type { TurnScript } from '../../fixtures/scripted-agent.ts';
import { CoreHarness } from '../../support/core-harness.ts';

let harness: CoreHarness;
afterEach(() => harness?.cleanup());

/** L20/L21: the Resume / Discard offer a lane's summary makes (shared/lane-condition.ts), or null. */
function offer(core: BatonCore, laneKey: string) {
  const status = core.gateway.laneStatus(laneKey)!;
  return laneCondition(status) === 'interrupted' ? { laneKey, reason: status.resumeReason, stale: status.resumeStale, text: conditionSentence(status)! } : null;
}

const HANG: TurnScript = { steps: [{ text: 'partial answer' }, { gate: 'never' }] };

/** Runs a turn that parks at a gate, then "kills" the process mid-turn. */
async function crashMidTurn(h: CoreHarness, laneKey: string, script: TurnScript = HANG): Promise<void> {
  h.agents.script(laneKey, script);
  if (h.core.gateway.laneStatus(laneKey)?.activity !== 'running') await h.core.gateway.send(laneKey, 'do the thing');
  await h.agents.inputs.waitFor(1, (i) => i.laneKey === laneKey);
  await h.agents.reached.waitFor(1);
  // Streamed text reaches the disk within 250 ms (L26); crash after it did.
  if (script.steps.some((step) => 'text' in step)) await h.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text');
  h.crash();
}

describe('startup recovery (SPEC §5)', () => {
  it('L15: a lane with an open turn journal after a kill becomes resume pending with reason crash', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');

    const core = await harness.launch();

    expect(core.previousExit).toBeNull();
    expect(core.startup.recovered).toMatchObject([{ laneKey: 'a', reason: 'crash', restartFailureCount: 1 }]);
    const lane = core.store.getLane('a')!;
    expect(lane).toMatchObject({ resumePending: true, resumeReason: 'crash', activeTurn: null, suspended: false });
    // Nothing persisted before the kill is missing; the interruption is recorded after it.
    const events = core.store.listEvents(lane.sessionId);
    expect(events.map((e) => e.kind)).toEqual(['user_message', 'assistant_text', 'interruption']);
    expect(events[1]!.payload).toEqual({ text: 'partial answer', final: false });
  });

  it('L15: an idle, recently active lane is not suspended or marked', async () => {
    harness = await CoreHarness.start();
    await harness.core.gateway.send('idle', 'hello');
    await harness.core.gateway.whenIdle();
    harness.crash();

    const core = await harness.launch();
    expect(core.startup.recovered).toEqual([]);
    expect(core.store.getLane('idle')).toMatchObject({ suspended: false, resumePending: false, restartFailureCount: 0 });
  });

  it('L15/L16: resume-pending lanes below the threshold are never suspended', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await harness.core.gateway.send('p', 'hello');
    await harness.core.gateway.whenIdle();
    harness.core.store.markResumePending('p', 'restart_timeout');
    harness.crash();

    const core = await harness.launch();
    expect(core.startup.suspended).toEqual([]);
    expect(core.store.getLane('p')).toMatchObject({ suspended: false, resumePending: true, resumeReason: 'restart_timeout' });
    expect(core.startup.awaitingUser).toEqual(['p']);
  });

  it('L16/L25: three consecutive crash-restarts suspend the lane; its next message starts a fresh session and Restore brings the old one back', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: true } });
    await crashMidTurn(harness, 'loop');
    // The first relaunch auto-resumes the lane (L20) and the resumed turn dies again; after that
    // the lane waits for the user (once per interruption), who resumes it, and it dies again.
    for (let i = 1; i < 3; i++) {
      await harness.launch((agents) => agents.script('loop', HANG));
      if (i === 1) expect(harness.core.startup.autoResumed).toEqual(['loop']);
      else {
        expect(harness.core.startup.awaitingUser).toEqual(['loop']);
        expect(harness.core.gateway.requestResume('loop')).toBe(true);
      }
      await harness.agents.reached.waitFor(1);
      harness.crash();
    }
    const core = await harness.launch();

    expect(core.store.getLane('loop')!.restartFailureCount).toBe(3);
    expect(core.startup.suspended).toEqual(['loop']);
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.gateway.laneStatus('loop')).toMatchObject({ suspended: true, resumePending: false }); // suspension beats resume pending
    expect(laneCondition(core.gateway.laneStatus('loop')!)).toBe('suspended');
    expect(conditionSentence(core.gateway.laneStatus('loop')!)).toContain('interrupted 3 times in a row');
    const oldSession = core.store.getLane('loop')!.sessionId;

    // L5: suspended beats resume pending: the next access gets a new session, reason "suspended".
    harness.agents.script('loop', { steps: [{ text: 'fresh start' }] });
    await core.gateway.send('loop', 'hello again');
    await core.gateway.whenIdle();
    const lane = core.store.getLane('loop')!;
    expect(lane.sessionId).not.toBe(oldSession);
    expect(core.store.getSession(lane.sessionId)).toMatchObject({ autoResetReason: 'suspended', previousSessionId: oldSession });
    expect(lane).toMatchObject({ suspended: false, resumePending: false, restartFailureCount: 0 });
    const [input] = harness.agents.inputs.all;
    expect(input!.note).toBeNull();
    expect(input!.history).toEqual([]);
    const reset = harness.sink.banners().find((b) => b.kind === 'session-reset');
    expect(reset).toMatchObject({ laneKey: 'loop', previousSessionId: oldSession });
    expect(reset!.text).toContain('reset after repeated interruptions');

    expect(core.gateway.restoreSession('loop', oldSession)).toBe(true);
    const restored = core.store.getLane('loop')!;
    expect(restored.sessionId).toBe(oldSession);
    const oldKinds = core.store.listEvents(oldSession).map((e) => e.kind);
    expect(oldKinds.filter((k) => k === 'user_message')).toHaveLength(1);
    expect(oldKinds.filter((k) => k === 'interruption')).toHaveLength(3);
  });

  it('L16/L22: a completed turn clears the failure count and the resume mark; an interrupted one clears neither', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');
    let core = await harness.launch();
    expect(core.store.getLane('a')).toMatchObject({ restartFailureCount: 1, resumePending: true });

    // A /stop interruption is not an exit: the count and the mark stay.
    harness.agents.script('a', { steps: [{ gate: 'g1' }] });
    await core.gateway.send('a', 'try again');
    await harness.agents.reached.waitFor(1);
    await core.gateway.send('a', '/stop');
    await core.gateway.whenIdle();
    expect(core.store.getLane('a')).toMatchObject({ restartFailureCount: 1, resumePending: true, resumeReason: 'crash' });

    // A failed turn keeps them too.
    harness.agents.script('a', { steps: [{ fail: 'provider down' }] });
    await core.gateway.send('a', 'and again');
    await core.gateway.whenIdle();
    expect(core.store.getLane('a')).toMatchObject({ restartFailureCount: 1, resumePending: true });

    await core.gateway.send('a', 'finally');
    await core.gateway.whenIdle();
    core = harness.core;
    expect(core.store.getLane('a')).toMatchObject({ restartFailureCount: 0, resumePending: false, resumeReason: null });
  });

  it('L16: a restart that interrupts nothing never resets the failure count', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');
    let core = await harness.launch();
    await core.requestExit('restart');
    core = await harness.relaunch();
    expect(core.store.getLane('a')!.restartFailureCount).toBe(1);
  });
});

describe('resume after relaunch (SPEC §6)', () => {
  it('L18/L19/L20: a fresh crash-interrupted lane resumes at once on the same session with exactly one resume note', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a', { steps: [{ tool: { name: 'read_file', args: { path: 'x' }, effect: 'read-only', gate: 'reading' } }] });
    const sessionBefore = (await SessionStore.open({ dataDir: harness.dataDir }).then((s) => {
      const id = s.getLane('a')!.sessionId;
      s.close();
      return id;
    }));

    const core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'continuing' }] }));
    expect(core.startup.autoResumed).toEqual(['a']);
    const [input] = await harness.agents.inputs.waitFor(1);
    await core.gateway.whenIdle();

    expect(input!.sessionId).toBe(sessionBefore);
    expect(input!.userText).toBeNull();
    expect(input!.note).toMatchObject({ kind: 'resume', reason: 'crash' });
    expect(input!.note!.text).toContain('interrupted by a crash');
    expect(input!.note!.text).toContain('before repeating it');
    // L18: the unanswered read gets a synthetic result saying its outcome is unknown.
    const last = input!.history.at(-1)!;
    expect(last).toMatchObject({ role: 'tool', synthetic: true, isError: true });
    // L19: the note is never stored as user text; only a marker for the "Resumed" divider is kept.
    const events = core.store.listEvents(sessionBefore);
    expect(events.filter((e) => e.kind === 'user_message')).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('interrupted by a crash');
    expect(events.filter((e) => e.kind === 'note_marker').map((e) => e.payload)).toEqual([{ note: 'resume', reason: 'crash' }]);
    expect(core.store.getLane('a')).toMatchObject({ resumePending: false, restartFailureCount: 0 });

    // The next turn carries no note at all.
    await core.gateway.send('a', 'thanks');
    const inputs = await harness.agents.inputs.waitFor(2);
    expect(inputs[1]!.note).toBeNull();
    expect(inputs[1]!.userText).toBe('thanks');
  });

  it('L20: a lane whose interrupted turn left a side-effecting call unfinished is not resumed automatically; Resume continues it', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a', { steps: [{ tool: { name: 'shell', args: { command: 'rm -rf build' }, effect: 'side-effecting', gate: 'shell' } }] });

    const core = await harness.launch();
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.startup.awaitingUser).toEqual(['a']);
    const banner = offer(core, 'a');
    expect(banner).toMatchObject({ laneKey: 'a', reason: 'crash', stale: false });
    expect(banner!.text).toContain('Interrupted by a crash');

    expect(core.gateway.requestResume('a')).toBe(true);
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.note).toMatchObject({ kind: 'resume' });
    await core.gateway.whenIdle();
    expect(core.store.getLane('a')!.resumePending).toBe(false);
  });

  it('L20: a call the interrupted turn recorded and the resumed turn started, then lost, still blocks auto-resume', async () => {
    harness = await CoreHarness.start();
    const store = harness.core.store;
    store.ensureLane('a');
    const first = store.beginTurn({ laneKey: 'a', turnId: 'turn_T1', trigger: 'message', userText: 'deploy' });
    store.appendEvent(first.sessionId, 'turn_T1', { kind: 'tool_call', payload: { callId: 'X', name: 'shell', args: { command: 'deploy' }, effect: 'side-effecting' } });
    harness.crash();
    let core = await harness.launch();
    expect(core.startup.awaitingUser).toEqual(['a']);
    // The user clicks Resume; the resumed turn starts the recorded call, and Baton dies mid-call.
    core.store.beginTurn({ laneKey: 'a', turnId: 'turn_T2', trigger: 'resume' });
    core.store.appendEvent(first.sessionId, 'turn_T2', { kind: 'tool_dispatch', payload: { callId: 'X' } });
    harness.crash();

    core = await harness.launch();
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.startup.awaitingUser).toEqual(['a']);
  });

  it('L15/L19: a crash during a turn that resumed an old interruption is reported as a crash, at that turn’s last sign of life', async () => {
    let clock = Date.now();
    harness = await CoreHarness.start({ now: () => clock, settings: { autoResume: false } });
    const store = harness.core.store;
    store.ensureLane('a');
    store.markResumePending('a', 'restart_timeout');
    clock += 48 * 60 * 60 * 1000; // two days later the user's message resumes it
    store.beginTurn({ laneKey: 'a', turnId: 'turn_late', trigger: 'message', userText: 'carry on' });
    clock += 10_000;
    harness.crash();

    const core = await harness.launch();
    // The user's message of the late turn is its last sign of life (not the mark of two days ago).
    expect(core.store.getLane('a')).toMatchObject({ resumePending: true, resumeReason: 'crash', lastResumeMarkedAt: clock - 10_000 });
  });

  it('L20: a tool that can restart or quit Baton is never re-run automatically', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a', { steps: [{ tool: { name: 'restart_baton', effect: 'lifecycle', gate: 'restarting' } }] });
    const core = await harness.launch();
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.startup.awaitingUser).toEqual(['a']);
  });

  it('L20: the user’s next message also resumes, with the note and the user’s text unchanged', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');
    const core = await harness.launch();
    await core.gateway.send('a', 'where were we?');
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.userText).toBe('where were we?');
    expect(input!.note).toMatchObject({ kind: 'resume', reason: 'crash' });
  });

  it('L20/L21: "Discard" clears the mark and keeps the transcript', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');
    const core = await harness.launch();
    const before = core.store.listEvents(core.store.getLane('a')!.sessionId).length;
    expect(core.gateway.discardResume('a')).toBe(true);
    expect(core.store.getLane('a')!.resumePending).toBe(false);
    expect(core.store.listEvents(core.store.getLane('a')!.sessionId)).toHaveLength(before);
  });

  it('L21: a mark older than the freshness limit is not auto-resumed; the user is offered resume or a fresh start', async () => {
    let clock = Date.now();
    harness = await CoreHarness.start({ now: () => clock });
    await crashMidTurn(harness, 'a');
    await harness.launch((agents) => agents.script('a', HANG)); // the crash is found now: marked at `clock`, auto-resumed once
    await harness.agents.reached.waitFor(1);
    harness.crash();
    clock += 25 * 60 * 60 * 1000;

    const core = await harness.launch();
    expect(core.startup.autoResumed).toEqual([]);
    const banner = offer(core, 'a');
    expect(banner).toMatchObject({ laneKey: 'a', stale: true });
    expect(banner!.text).toContain('start fresh');
  });

  it('L20: auto-resume happens once per interrupted turn', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a');
    // The auto-resume is accepted but the process dies before the resumed turn starts.
    const first = await harness.launch((agents) => agents.holdCreation('a'));
    expect(first.startup.autoResumed).toEqual(['a']);
    harness.crash();

    const second = await harness.launch();
    expect(second.startup.autoResumed).toEqual([]);
    expect(second.startup.awaitingUser).toEqual(['a']);
  });

  it('L15/L19/L21: a crash found days later is marked with the last sign of life: offered, not auto-resumed, and the note says "about 3 days ago"', async () => {
    let clock = Date.UTC(2026, 10, 27, 17, 0, 0); // Friday evening
    harness = await CoreHarness.start({ now: () => clock });
    await crashMidTurn(harness, 'a');
    clock += 3 * 24 * 60 * 60 * 1000; // opened again on Monday

    const core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'picking up' }] }));
    const lane = core.store.getLane('a')!;
    expect(lane).toMatchObject({ resumePending: true, resumeReason: 'crash' });
    expect(clock - lane.lastResumeMarkedAt!).toBeGreaterThanOrEqual(3 * 24 * 60 * 60 * 1000);
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.startup.awaitingUser).toEqual(['a']);
    expect(offer(core, 'a')).toMatchObject({ laneKey: 'a', stale: true });

    // Resume by hand: the model hears the truth about when.
    expect(core.gateway.requestResume('a')).toBe(true);
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(input!.note!.text).toContain('interrupted by a crash about 3 days ago');
  });

  it('L15: a long streamed answer keeps the crash mark at its last flush, not at the start of the turn', async () => {
    let clock = Date.UTC(2026, 10, 27, 9, 0, 0);
    harness = await CoreHarness.start({ now: () => clock, settings: { autoResume: false } });
    harness.agents.script('a', HANG);
    await harness.core.gateway.send('a', 'write a long essay');
    await harness.agents.reached.waitFor(1);
    await harness.sink.waitFor((e) => e.type === 'transcript' && e.event.kind === 'assistant_text');
    const started = clock;
    // A later flush of the same streamed message is the newest evidence the turn was alive.
    const store = harness.core.store;
    const streamed = store.listEvents(store.getLane('a')!.sessionId).find((e) => e.kind === 'assistant_text')!;
    clock += 10 * 60 * 1000;
    store.updateEventPayload(streamed.seq, { kind: 'assistant_text', payload: { text: 'partial answer, longer', final: false } });
    harness.crash();
    clock += 60 * 60 * 1000;

    const core = await harness.launch();
    expect(core.store.getLane('a')!.lastResumeMarkedAt).toBe(started + 10 * 60 * 1000);
  });

  it('L20/L22: an automatic resume that fails keeps the mark and is not repeated at the next launch; the user decides', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a');
    const first = await harness.launch((agents) => agents.script('a', { steps: [{ fail: 'provider answered 500' }] }));
    expect(first.startup.autoResumed).toEqual(['a']);
    await harness.agents.inputs.waitFor(1);
    await first.gateway.whenIdle();
    expect(first.store.getLane('a')).toMatchObject({ resumePending: true });

    const second = await harness.relaunch();
    expect(second.startup.autoResumed).toEqual([]);
    expect(second.startup.awaitingUser).toEqual(['a']);
    expect(offer(second, 'a')).toMatchObject({ laneKey: 'a' });
  });

  it('L20: after Discard, a later interruption is auto-resumed again (once per interruption, not once per lane)', async () => {
    harness = await CoreHarness.start();
    await crashMidTurn(harness, 'a');
    let core = await harness.launch((agents) => agents.script('a', { steps: [{ fail: 'provider answered 500' }] }));
    await harness.agents.inputs.waitFor(1);
    await core.gateway.whenIdle();
    expect(core.gateway.discardResume('a')).toBe(true);
    await crashMidTurn(harness, 'a');

    core = await harness.launch((agents) => agents.script('a', { steps: [{ text: 'back' }] }));
    expect(core.startup.autoResumed).toEqual(['a']);
  });

  it('L17: after recovery and suspension, startup resumes fresh lanes and replays queued input, each lane exactly once', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('typed', HANG);
    await harness.core.gateway.send('typed', 'long job');
    await harness.agents.reached.waitFor(1);
    await crashMidTurn(harness, 'crashed');
    // Not a drain: write the message the way a drain queues it, straight into the store of the dead process.
    const store = await SessionStore.open({ dataDir: harness.dataDir });
    store.enqueueInput('typed', 'and then this', { duringDrain: true });
    store.close();

    const core = await harness.launch((agents) => {
      agents.script('crashed', { steps: [{ text: 'resumed' }] });
      agents.script('typed', { steps: [{ text: 'answered' }] });
    });
    expect(core.startup.recovered.map((r) => r.laneKey).sort()).toEqual(['crashed', 'typed']);
    // The lane with a queued message is not auto-resumed on its own: its message resumes it, with the note.
    expect(core.startup.autoResumed).toEqual(['crashed']);
    expect(core.startup.replayed).toEqual(['typed']);
    const inputs = await harness.agents.inputs.waitFor(2);
    await core.gateway.whenIdle();
    const typed = inputs.find((i) => i.laneKey === 'typed')!;
    expect(typed.userText).toBe('and then this');
    expect(typed.note).toMatchObject({ kind: 'resume', reason: 'crash' });
    expect(inputs.filter((i) => i.laneKey === 'crashed')).toHaveLength(1);
    expect(core.store.listQueuedInputs()).toEqual([]);
  });

  it('L20: with auto-resume off, a fresh resume-pending lane waits for the user', async () => {
    harness = await CoreHarness.start({ settings: { autoResume: false } });
    await crashMidTurn(harness, 'a');
    const core = await harness.launch();
    expect(core.startup.autoResumed).toEqual([]);
    expect(core.startup.awaitingUser).toEqual(['a']);
    expect(harness.agents.inputs.all).toHaveLength(0);
  });

  it('L11/L19: after a restart drain the resumed turn is told it was a restart', async () => {
    harness = await CoreHarness.start();
    harness.agents.script('a', HANG);
    await harness.core.gateway.send('a', 'long job');
    await harness.agents.reached.waitFor(1);
    await harness.core.requestExit('restart');

    const core = await harness.relaunch();
    const [input] = await harness.agents.inputs.waitFor(1);
    expect(core.startup.autoResumed).toEqual(['a']);
    expect(input!.note!.text).toContain('interrupted by a restart');
    // L18: the partial answer is kept and flagged interrupted.
    expect(input!.history.at(-1)).toMatchObject({ role: 'assistant', text: 'partial answer', interrupted: true });
  });
});
