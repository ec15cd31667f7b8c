/** Vocabulary of exits and resumes (SPEC §1, §2). Environment-neutral: used by core and renderer. */

export const EXIT_REASONS = ['quit', 'restart', 'update', 'os-shutdown', 'signal', 'restore'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const RESUME_REASONS = ['restart_timeout', 'shutdown_timeout', 'update_timeout', 'crash'] as const;
export type ResumeReason = (typeof RESUME_REASONS)[number];

/** What the process does once the drain is over (L13). */
export type ExitAction = 'quit' | 'relaunch' | 'install-update';

/**
 * What each POSIX signal asks of Baton, the same in the desktop app and the headless host.
 * SIGTERM/SIGINT/SIGHUP come from a session or service manager, a terminal's Ctrl-C or a closed
 * terminal: each is a `signal` exit with the short budget (the write-ahead marks make the rest
 * resumable). SIGUSR1 restarts the headless host (L30); the desktop app does not listen for it.
 */
export const SIGNAL_EXITS = { SIGTERM: 'signal', SIGINT: 'signal', SIGHUP: 'signal', SIGUSR1: 'restart' } as const satisfies Record<string, ExitReason>;
export type QuitSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';
export const QUIT_SIGNALS: readonly QuitSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * How Baton's processes exit: one table for both composition roots and the headless supervisor
 * (scripts/supervise-host.sh reads it from here). Any other code — an uncaught exception's 1, a
 * signal's 128+n — is a crash, which the supervisor recovers by starting Baton again (L33).
 */
export const EXIT_CODES = {
  /** A quit drain finished: the supervisor stops. */
  quit: 0,
  /** A bad command line (EX_USAGE): starting again cannot help. */
  usage: 64,
  /** The drain watchdog ended a quit that did not finish in time (EX_SOFTWARE): the person wanted out. */
  forced: 70,
  /** A restart drain finished: start again at once (EX_TEMPFAIL). */
  relaunch: 75,
  /** Baton could not start (a damaged store, the data dir in use, the port taken; EX_CONFIG): starting again cannot help. */
  startFailed: 78,
} as const;

/**
 * Which exit wins when a second trigger joins a drain under way (SPEC §4: one drain, one exit
 * action). A pure precedence, the same for the drain coordinator and both composition roots:
 *
 *   os-shutdown > signal > update > quit > restart
 *
 * - The OS going down (logoff/shutdown, then a session or service manager's signal) beats
 *   everything: there is no time for an installer or a relaunch, and it follows up with a kill.
 * - An update joining a quit or a restart upgrades it to install-update (L13).
 * - The person's later quit wins over a pending relaunch: Baton does not come back after they
 *   asked it to go. Nothing is lost: the drain's marks stay, so the interrupted turns resume at
 *   the next launch, whoever starts it.
 * - A restart joining anything else never turns it into a relaunch.
 * - `restore` (issue 11, L36: Settings → Backups → Restore) is a relaunch that swaps the store at the
 *   next start. It sits between restart and quit: a restart joining it keeps the restore (the person
 *   asked for it; both relaunch); a quit, update, signal or OS shutdown joining it wins, and the
 *   restore-pending file stays, so the chosen backup replaces the store at the next start, whoever
 *   starts Baton.
 */
const JOIN_PRECEDENCE: Record<ExitReason, number> = { restart: 0, quit: 1, update: 2, signal: 3, 'os-shutdown': 4, restore: 0.5 };

export function joinExit(current: ExitReason, incoming: ExitReason): ExitReason {
  return JOIN_PRECEDENCE[incoming] > JOIN_PRECEDENCE[current] ? incoming : current;
}

export const BUSY_INPUT_MODES = ['interrupt', 'queue'] as const;
export type BusyInputMode = (typeof BUSY_INPUT_MODES)[number];

export function isResumeReason(value: unknown): value is ResumeReason {
  return typeof value === 'string' && (RESUME_REASONS as readonly string[]).includes(value);
}

/** L9: the mark a drain writes for each running lane depends only on why we exit. */
export function resumeReasonForExit(reason: ExitReason): ResumeReason {
  switch (reason) {
    case 'restart':
    case 'restore':
      return 'restart_timeout';
    case 'update':
      return 'update_timeout';
    case 'quit':
    case 'os-shutdown':
    case 'signal':
      return 'shutdown_timeout';
  }
}

export function exitActionFor(reason: ExitReason): ExitAction {
  if (reason === 'restart' || reason === 'restore') return 'relaunch';
  if (reason === 'update') return 'install-update';
  return 'quit';
}

/** Words a person reads for "interrupted by <reason>" (L19, L20). Unknown reasons stay vague on purpose. */
export function describeResumeReason(reason: string | null): string {
  switch (reason) {
    case 'restart_timeout':
      return 'a restart';
    case 'shutdown_timeout':
      return 'a shutdown';
    case 'update_timeout':
      return 'an update';
    case 'crash':
      return 'a crash';
    default:
      return 'an interruption';
  }
}

/** Present participle for drain banners: "Baton is restarting". */
export function describeExitInProgress(reason: ExitReason): string {
  switch (reason) {
    case 'restart':
      return 'restarting';
    case 'update':
      return 'updating';
    case 'quit':
    case 'signal':
      return 'quitting';
    case 'os-shutdown':
      return 'shutting down with your computer';
    case 'restore':
      return 'restarting to restore a backup';
  }
}
