/**
 * One logger type for every part of Baton (issue 9, item 6). Parts take an optional `log` and fall
 * back to `defaultLog`; the composition roots pass theirs (the host writes `[baton] …` to stderr,
 * the desktop app its log file through electron-log).
 */
export type Log = (message: string) => void;

interface ConsoleLike {
  warn(...args: unknown[]): void;
}

/** console.warn where there is a console (browser, Node); shared/ assumes neither environment. */
export const defaultLog: Log = (message) => {
  (globalThis as { console?: ConsoleLike }).console?.warn(message);
};
