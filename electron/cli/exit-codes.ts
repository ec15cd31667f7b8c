/**
 * The `baton` command line's exit codes: one table, so scripts can tell "Baton is down" from "no
 * such conversation" from "Baton said no". docs/cli.md and the README print the same table.
 */
import type { ErrorCode } from '../../shared/protocol/contract.ts';

export const EXIT = {
  /** Done. */
  ok: 0,
  /** A bug in the command line itself (reported with its message). */
  internal: 1,
  /** The command line was wrong: unknown command or flag, missing argument, a call id that is needed. */
  usage: 2,
  /** Baton is not running, cannot be reached, or the connection was lost. */
  unreachable: 3,
  /** No such conversation (or the name matches several), no such call waiting for approval. */
  notFound: 4,
  /** Baton refused or failed: nothing to stop or resume, approval no longer waiting, a turn that failed (--wait). */
  refused: 5,
  /** --wait: the turn was interrupted (stopped, or Baton restarted); it may be resumed. */
  interrupted: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What a command throws to end with a message on stderr and a given exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The exit code for a typed error the gateway answered with (R1: every refusal has a code). */
export function exitCodeForGatewayError(code: ErrorCode): ExitCode {
  switch (code) {
    case 'NOT_FOUND':
      return EXIT.notFound;
    case 'UNAVAILABLE':
      return EXIT.unreachable;
    case 'INVALID_PARAMS':
      return EXIT.usage;
    default:
      return EXIT.refused;
  }
}
