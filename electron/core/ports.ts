/**
 * What the core needs from the world around it. The desktop shell implements these with one
 * adapter per Electron API; the headless host and the tests implement them with plain Node.
 */
import type { ExitAction } from '../../shared/lifecycle.ts';
import type { GatewayEvent } from '../../shared/gateway-events.ts';

/** Receives gateway events. Delivery may fail; the core never lets that block an exit (L8). */
export interface GatewayEventSink {
  emit(event: GatewayEvent): void;
}

/** L13: what happens once the drain is over. */
export interface AppPort {
  /** Carries out the exit action: quit, relaunch (lock released first) or install the update. */
  performExit(action: ExitAction): void | Promise<void>;
  /**
   * L12: the watchdog's last resort when the orderly exit did not finish in time. `action` is the
   * exit the drain was heading for, so a forced restart still relaunches whoever started it.
   */
  forceExit(action?: ExitAction): void;
}

/** API keys live with the OS keychain (R4); the core only ever asks for one by reference. */
export interface SecretStore {
  get(ref: string): Promise<string | null>;
  set(ref: string, secret: string): Promise<void>;
  delete(ref: string): Promise<void>;
}

export interface WindowPort {
  show(): void;
  hide(): void;
  isVisible(): boolean;
  destroyAll(): void;
}

export interface UpdaterPort {
  checkForUpdates(): Promise<void>;
  downloadUpdate(): Promise<void>;
  quitAndInstall(): void;
}
