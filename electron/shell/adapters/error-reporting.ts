/**
 * Uncaught exceptions and unhandled rejections in the main process (L39). electron-log's error
 * handler opens `dialog.showErrorBox` for every uncaught exception by default, and that box is
 * synchronous (a nested GTK/Win32/Cocoa loop): the main process — the gateway, its streams, the
 * drain and its watchdog — would wait for a click, even while hidden to the tray or during an OS
 * shutdown. So the handler only logs (electron-log's file transport) and tells the owner without
 * blocking (`report`, a notification at most once a minute in main.ts).
 */

/** electron-log's `log.errorHandler` (electron-log/src/node/ErrorHandler.js). */
export interface ErrorCatcher {
  startCatching(options: { showDialog?: boolean; onError?: (details: { error: Error; errorName?: string }) => boolean | void }): void;
}

export function catchMainProcessErrors(catcher: ErrorCatcher, report: (error: Error, kind: string) => void): void {
  catcher.startCatching({
    showDialog: false,
    // Returning nothing lets electron-log log it as usual.
    onError: ({ error, errorName }) => {
      try {
        report(error, errorName ?? 'Unhandled');
      } catch {
        // Reporting must never become a second uncaught error.
      }
    },
  });
}

/** Calls `notify` at most once per `intervalMs`: a throwing loop must not flood the OS. */
export function throttled(notify: () => void, intervalMs: number, now: () => number = Date.now): () => void {
  let last = -Infinity;
  return () => {
    if (now() - last < intervalMs) return;
    last = now();
    notify();
  };
}
