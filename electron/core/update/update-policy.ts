/**
 * The update policy (SPEC L29) as a pure state machine: idle → checking → downloading → ready →
 * installing, with error on the side. No timers, no I/O: the shell feeds it events (from
 * electron-updater, the user, the turn registry) and carries out the effects it returns.
 *
 * - "Restart to update" (`install`) goes from ready to installing; the shell then drains with
 *   reason `update` and calls quitAndInstall.
 * - "Install when idle" (`install-when-idle`) installs at once when no turn runs, else arms and
 *   installs at the first `turns-changed` that reports zero running turns.
 * - A failed or vetoed install returns to ready (the download is still there), keeps the error for
 *   the user, and asks the shell to restart the gateway.
 */
import type { UpdateState } from '../../../shared/protocol/contract.ts';

export type UpdatePhase = UpdateState['state'];

export interface UpdatePolicyState {
  phase: UpdatePhase;
  /** The version being downloaded, ready or installed. */
  version: string | null;
  /** Download progress 0..1 while downloading. */
  progress: number | null;
  /** The last failure, shown to the user; cleared by the next successful step. */
  error: string | null;
  /** "Install when idle" is armed and waits for no turn to run. */
  installWhenIdle: boolean;
}

export type UpdateEvent =
  | { type: 'check' }
  | { type: 'update-available'; version: string }
  | { type: 'update-not-available' }
  | { type: 'download-progress'; fraction: number }
  | { type: 'update-downloaded'; version: string }
  | { type: 'error'; message: string }
  /** "Restart to update". */
  | { type: 'install' }
  /** "Install when idle", with the number of turns running right now. */
  | { type: 'install-when-idle'; running: number }
  | { type: 'cancel-install-when-idle' }
  /** The number of running turns changed (a turn started or ended). */
  | { type: 'turns-changed'; running: number }
  /** The installer did not take over: quitAndInstall threw, or the process was still alive after it. */
  | { type: 'install-failed'; message: string }
  /** Something refused the install (e.g. a quit was cancelled by the OS); not an error of the update itself. */
  | { type: 'install-vetoed'; message: string };

export type UpdateEffect =
  | { type: 'check-for-updates' }
  | { type: 'download' }
  /** Drain with reason `update`, back up the store, then quitAndInstall. */
  | { type: 'install' }
  /** A failed install stopped the gateway; bring it back. */
  | { type: 'restart-gateway' }
  | { type: 'tell-user'; message: string };

export interface Transition {
  state: UpdatePolicyState;
  effects: UpdateEffect[];
}

export const INITIAL_UPDATE_STATE: Readonly<UpdatePolicyState> = Object.freeze({
  phase: 'idle',
  version: null,
  progress: null,
  error: null,
  installWhenIdle: false,
});

function clampFraction(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

function stay(state: UpdatePolicyState): Transition {
  return { state, effects: [] };
}

function installing(state: UpdatePolicyState): Transition {
  return { state: { ...state, phase: 'installing', progress: null, error: null, installWhenIdle: false }, effects: [{ type: 'install' }] };
}

/** The one transition function; an event that makes no sense in a phase leaves the state as it is. */
export function transition(state: UpdatePolicyState, event: UpdateEvent): Transition {
  switch (event.type) {
    case 'check':
      // A check while downloading, ready or installing would only restart work already done.
      if (state.phase === 'idle' || state.phase === 'error') {
        return { state: { ...state, phase: 'checking', progress: null, error: null }, effects: [{ type: 'check-for-updates' }] };
      }
      return stay(state);
    case 'update-available':
      if (state.phase !== 'checking') return stay(state);
      return { state: { ...state, phase: 'downloading', version: event.version, progress: 0, error: null }, effects: [{ type: 'download' }] };
    case 'update-not-available':
      if (state.phase !== 'checking') return stay(state);
      return stay({ ...INITIAL_UPDATE_STATE });
    case 'download-progress':
      if (state.phase !== 'downloading') return stay(state);
      return stay({ ...state, progress: clampFraction(event.fraction) });
    case 'update-downloaded':
      // electron-updater may report a cached download straight from the check.
      if (state.phase !== 'downloading' && state.phase !== 'checking') return stay(state);
      return stay({ ...state, phase: 'ready', version: event.version, progress: null, error: null });
    case 'error':
      if (state.phase === 'checking' || state.phase === 'downloading') {
        return { state: { ...state, phase: 'error', progress: null, error: event.message, installWhenIdle: false }, effects: [] };
      }
      if (state.phase === 'installing') return installFailed(state, event.message);
      // An error report while idle or ready (a late background failure) changes nothing the user can act on.
      return stay(state);
    case 'install':
      if (state.phase !== 'ready') return stay(state);
      return installing(state);
    case 'install-when-idle':
      if (state.phase !== 'ready') return stay(state);
      if (event.running <= 0) return installing(state);
      return stay({ ...state, installWhenIdle: true });
    case 'cancel-install-when-idle':
      return stay({ ...state, installWhenIdle: false });
    case 'turns-changed':
      if (state.phase === 'ready' && state.installWhenIdle && event.running <= 0) return installing(state);
      return stay(state);
    case 'install-failed':
      if (state.phase !== 'installing') return stay(state);
      return installFailed(state, event.message);
    case 'install-vetoed':
      if (state.phase !== 'installing') return stay(state);
      return installFailed(state, event.message);
  }
}

function installFailed(state: UpdatePolicyState, message: string): Transition {
  return {
    state: { ...state, phase: 'ready', progress: null, error: message, installWhenIdle: false },
    effects: [
      { type: 'restart-gateway' },
      { type: 'tell-user', message: `The update${state.version ? ` to v${state.version}` : ''} could not be installed (${message}). Baton keeps running; you can try again.` },
    ],
  };
}

/** What the renderer's update banner shows (the EventHub's update channel). */
export function toUpdateState(state: UpdatePolicyState): UpdateState {
  return { state: state.phase, version: state.version, progress: state.progress, error: state.error };
}
