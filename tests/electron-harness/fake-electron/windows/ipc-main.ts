/**
 * ipcMain (docs/api/ipc-main.md; lib/browser/ipc-main-impl.ts, lib/browser/api/web-contents.ts):
 * an EventEmitter whose events carry the sender webContents and the sender frame, plus
 * handle/handleOnce/removeHandler for ipcRenderer.invoke. A second `handle` for one channel throws,
 * as in Electron.
 */
import { EventEmitter } from 'node:events';

export type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

class IpcMain extends EventEmitter {
  private readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (typeof handler !== 'function') throw new Error(`Expected handler to be a function, but found type '${typeof handler}'`);
    this.handlers.set(channel, handler);
  }

  handleOnce(channel: string, handler: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.handlers.delete(channel);
      return handler(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** For WebContents: the handler of an invoke, or undefined (the renderer then gets an error). */
  handlerFor(channel: string): InvokeHandler | undefined {
    return this.handlers.get(channel);
  }
}

export const ipcMain = new IpcMain();
