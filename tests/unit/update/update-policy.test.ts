import { describe, expect, it } from 'vitest';
import {
  INITIAL_UPDATE_STATE,
  toUpdateState,
  transition,
  type UpdateEvent,
  type UpdatePhase,
  type UpdatePolicyState,
} from '../../../electron/core/update/update-policy.ts';

function at(phase: UpdatePhase, extra: Partial<UpdatePolicyState> = {}): UpdatePolicyState {
  return { ...INITIAL_UPDATE_STATE, phase, ...(phase === 'idle' ? {} : { version: '2.0.0' }), ...extra };
}

function run(state: UpdatePolicyState, ...events: UpdateEvent[]) {
  let current = state;
  const effects = [];
  for (const event of events) {
    const next = transition(current, event);
    current = next.state;
    effects.push(...next.effects);
  }
  return { state: current, effects };
}

describe('update policy (SPEC L29)', () => {
  it('idle → checking on check, and asks for a check', () => {
    const { state, effects } = run(at('idle'), { type: 'check' });
    expect(state.phase).toBe('checking');
    expect(effects).toEqual([{ type: 'check-for-updates' }]);
  });

  it('error → checking on check clears the error', () => {
    const { state } = run(at('error', { error: 'offline' }), { type: 'check' });
    expect(state).toMatchObject({ phase: 'checking', error: null });
  });

  it.each(['checking', 'downloading', 'ready', 'installing'] as const)('a check while %s changes nothing', (phase) => {
    const before = at(phase);
    const { state, effects } = run(before, { type: 'check' });
    expect(state).toEqual(before);
    expect(effects).toEqual([]);
  });

  it('checking → downloading when an update is available, and the download starts in the background', () => {
    const { state, effects } = run(at('checking', { version: null }), { type: 'update-available', version: '2.1.0' });
    expect(state).toMatchObject({ phase: 'downloading', version: '2.1.0', progress: 0 });
    expect(effects).toEqual([{ type: 'download' }]);
  });

  it('checking → idle when there is no update', () => {
    const { state } = run(at('checking'), { type: 'update-not-available' });
    expect(state).toEqual(INITIAL_UPDATE_STATE);
  });

  it('download progress is recorded and clamped to 0..1 while downloading only', () => {
    expect(run(at('downloading'), { type: 'download-progress', fraction: 0.42 }).state.progress).toBe(0.42);
    expect(run(at('downloading'), { type: 'download-progress', fraction: 7 }).state.progress).toBe(1);
    expect(run(at('downloading'), { type: 'download-progress', fraction: Number.NaN }).state.progress).toBe(0);
    expect(run(at('ready'), { type: 'download-progress', fraction: 0.5 }).state.phase).toBe('ready');
  });

  it('downloading → ready when the download finishes', () => {
    const { state } = run(at('downloading', { progress: 0.9 }), { type: 'update-downloaded', version: '2.0.0' });
    expect(state).toMatchObject({ phase: 'ready', version: '2.0.0', progress: null, error: null });
  });

  it('checking → ready when electron-updater reports a download it already had', () => {
    expect(run(at('checking'), { type: 'update-downloaded', version: '2.0.0' }).state.phase).toBe('ready');
  });

  it('checking → error and downloading → error keep the message', () => {
    expect(run(at('checking'), { type: 'error', message: 'offline' }).state).toMatchObject({ phase: 'error', error: 'offline' });
    expect(run(at('downloading'), { type: 'error', message: 'disk full' }).state).toMatchObject({ phase: 'error', error: 'disk full' });
  });

  it('a late error report while idle or ready changes nothing', () => {
    expect(run(at('idle'), { type: 'error', message: 'x' }).state).toEqual(at('idle'));
    expect(run(at('ready'), { type: 'error', message: 'x' }).state).toEqual(at('ready'));
  });

  it('"Restart to update": ready → installing with one install effect', () => {
    const { state, effects } = run(at('ready'), { type: 'install' });
    expect(state.phase).toBe('installing');
    expect(effects).toEqual([{ type: 'install' }]);
  });

  it.each(['idle', 'checking', 'downloading', 'installing', 'error'] as const)('install is refused while %s', (phase) => {
    expect(run(at(phase), { type: 'install' }).effects).toEqual([]);
  });

  it('"Install when idle" with no running turn installs at once', () => {
    const { state, effects } = run(at('ready'), { type: 'install-when-idle', running: 0 });
    expect(state.phase).toBe('installing');
    expect(effects).toEqual([{ type: 'install' }]);
  });

  it('"Install when idle" with running turns waits, and installs at the first moment no turn runs', () => {
    const armed = run(at('ready'), { type: 'install-when-idle', running: 2 });
    expect(armed.state).toMatchObject({ phase: 'ready', installWhenIdle: true });
    expect(armed.effects).toEqual([]);
    const stillBusy = run(armed.state, { type: 'turns-changed', running: 1 });
    expect(stillBusy.state.phase).toBe('ready');
    const idle = run(stillBusy.state, { type: 'turns-changed', running: 0 });
    expect(idle.state).toMatchObject({ phase: 'installing', installWhenIdle: false });
    expect(idle.effects).toEqual([{ type: 'install' }]);
  });

  it('turns going idle without "install when idle" armed do not install', () => {
    expect(run(at('ready'), { type: 'turns-changed', running: 0 }).effects).toEqual([]);
  });

  it('"Install when idle" can be cancelled', () => {
    const { state, effects } = run(at('ready'), { type: 'install-when-idle', running: 3 }, { type: 'cancel-install-when-idle' }, { type: 'turns-changed', running: 0 });
    expect(state).toMatchObject({ phase: 'ready', installWhenIdle: false });
    expect(effects).toEqual([]);
  });

  it('"Install when idle" is ignored before an update is ready', () => {
    expect(run(at('downloading'), { type: 'install-when-idle', running: 0 }).state.phase).toBe('downloading');
  });

  it('a failed install returns to ready, restarts the gateway and tells the user', () => {
    const { state, effects } = run(at('installing'), { type: 'install-failed', message: 'installer crashed' });
    expect(state).toMatchObject({ phase: 'ready', version: '2.0.0', error: 'installer crashed', installWhenIdle: false });
    expect(effects[0]).toEqual({ type: 'restart-gateway' });
    expect(effects[1]).toMatchObject({ type: 'tell-user' });
    expect((effects[1] as { message: string }).message).toContain('v2.0.0');
  });

  it('a vetoed install returns to ready as well', () => {
    const { state, effects } = run(at('installing'), { type: 'install-vetoed', message: 'the quit was cancelled' });
    expect(state.phase).toBe('ready');
    expect(effects.map((e) => e.type)).toEqual(['restart-gateway', 'tell-user']);
  });

  it('an updater error while installing counts as a failed install', () => {
    const { state, effects } = run(at('installing'), { type: 'error', message: 'signature mismatch' });
    expect(state).toMatchObject({ phase: 'ready', error: 'signature mismatch' });
    expect(effects.map((e) => e.type)).toEqual(['restart-gateway', 'tell-user']);
  });

  it('install-failed outside installing changes nothing', () => {
    expect(run(at('ready'), { type: 'install-failed', message: 'x' })).toEqual({ state: at('ready'), effects: [] });
  });

  it('after a failed install the user can try again', () => {
    const { state, effects } = run(at('installing'), { type: 'install-failed', message: 'x' }, { type: 'install' });
    expect(state.phase).toBe('installing');
    expect(effects.at(-1)).toEqual({ type: 'install' });
  });

  it('the full happy path, and what the renderer sees at each step', () => {
    const seen: string[] = [];
    let state = at('idle');
    for (const event of [
      { type: 'check' },
      { type: 'update-available', version: '3.0.0' },
      { type: 'download-progress', fraction: 0.5 },
      { type: 'update-downloaded', version: '3.0.0' },
      { type: 'install' },
    ] satisfies UpdateEvent[]) {
      state = transition(state, event).state;
      seen.push(toUpdateState(state).state);
    }
    expect(seen).toEqual(['checking', 'downloading', 'downloading', 'ready', 'installing']);
    expect(toUpdateState(state)).toEqual({ state: 'installing', version: '3.0.0', progress: null, error: null });
  });
});
