/**
 * Runs the pure update policy (electron/core/update/update-policy.ts) against the world: events
 * from electron-updater, the tray and the renderer go in; its effects (check, download, install
 * through the drain, restart the gateway, tell the user) are carried out here, and every state is
 * pushed to the renderer's update banner through the EventHub's update channel (L29).
 */
import type { UpdateState } from '../../../shared/protocol/contract.ts';
import { INITIAL_UPDATE_STATE, toUpdateState, transition, type UpdateEffect, type UpdateEvent, type UpdatePolicyState } from '../../core/update/update-policy.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

/** The parts of electron-updater the policy drives (see ../adapters/electron-updater.ts). */
export interface UpdateDriver {
  checkForUpdates(): Promise<void>;
  downloadUpdate(): Promise<void>;
}

export interface UpdateControllerOptions {
  driver: UpdateDriver;
  /** The EventHub's update channel: called when what the windows see of the update changes. */
  publish: (state: UpdateState) => void;
  /**
   * Any change of the policy's state, including what the windows do not see (Install when idle
   * armed): the tray shows it, so it must hear it even when no other event follows (L28, L29).
   */
  changed?: (state: UpdatePolicyState) => void;
  /** Drain with reason update, then install (DesktopLifecycle). */
  install: () => void;
  /** A failed install stopped the gateway: bring it back (idempotent). */
  restartGateway: () => void;
  tellUser: (message: string) => void;
  log?: Log;
}

export class UpdateController {
  private readonly options: UpdateControllerOptions;
  private current: UpdatePolicyState = { ...INITIAL_UPDATE_STATE };
  private readonly log: Log;

  constructor(options: UpdateControllerOptions) {
    this.options = options;
    this.log = options.log ?? defaultLog;
  }

  get state(): UpdatePolicyState {
    return { ...this.current };
  }

  get ready(): boolean {
    return this.current.phase === 'ready';
  }

  dispatch(event: UpdateEvent): void {
    const before = this.current;
    const { state, effects } = transition(before, event);
    this.current = state;
    if (state !== before && JSON.stringify(toUpdateState(state)) !== JSON.stringify(toUpdateState(before))) {
      this.options.publish(toUpdateState(state));
    }
    if (JSON.stringify(state) !== JSON.stringify(before)) this.options.changed?.({ ...state });
    for (const effect of effects) this.run(effect);
  }

  private run(effect: UpdateEffect): void {
    switch (effect.type) {
      case 'check-for-updates':
        this.options.driver.checkForUpdates().catch((error: unknown) => this.dispatch({ type: 'error', message: describeError(error) }));
        return;
      case 'download':
        this.options.driver.downloadUpdate().catch((error: unknown) => this.dispatch({ type: 'error', message: describeError(error) }));
        return;
      case 'install':
        this.options.install();
        return;
      case 'restart-gateway':
        this.options.restartGateway();
        return;
      case 'tell-user':
        try {
          this.options.tellUser(effect.message);
        } catch (error) {
          this.log(`Could not tell the user: ${describeError(error)}`);
        }
        return;
    }
  }
}

