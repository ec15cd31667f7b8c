/**
 * The event object Electron passes as the first argument of its emitted events
 * (shell/common/gin_helper/event_emitter.cc: an object with preventDefault() and
 * defaultPrevented, plus `sender` where the emitter is a webContents).
 */
export class ElectronEvent {
  defaultPrevented = false;
  readonly sender: unknown;

  constructor(sender?: unknown) {
    this.sender = sender;
  }

  preventDefault(): void {
    this.defaultPrevented = true;
  }
}
