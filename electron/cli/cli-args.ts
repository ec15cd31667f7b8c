/**
 * The `baton` command line: one command word, its arguments, and a few flags (node:util parseArgs,
 * built in). Each command says which flags it takes, so a flag in the wrong place is a usage error
 * rather than silently ignored.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { APPROVAL_REASON_MAX, type ApprovalChoice } from '../../shared/transcript.ts';
import { defaultDataDir } from '../host/host-options.ts';
import { CliError, EXIT } from './exit-codes.ts';

export const COMMAND_NAMES = ['status', 'list', 'send', 'approve', 'deny', 'stop', 'resume', 'restart', 'export', 'import'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type Command =
  | { name: 'status'; json: boolean }
  | { name: 'list'; json: boolean }
  | { name: 'send'; conversation: string | null; text: string; wait: boolean }
  /** Issue 10: `decision` once (default) / conversation / always for approve, deny with an optional reason. */
  | { name: 'approve' | 'deny'; conversation: string; callId: string | null; decision: ApprovalChoice; reason: string | null }
  | { name: 'stop'; conversation: string }
  | { name: 'resume'; conversation: string; wait: boolean }
  | { name: 'restart' }
  | { name: 'export'; conversation: string; format: 'md' | 'json'; allSessions: boolean }
  // Issue 11 (L36): the whole store out (`export --store`) and in.
  | { name: 'export-store'; format: 'json' | 'sqlite'; file: string }
  | { name: 'import'; file: string };

export interface CliInvocation {
  dataDir: string;
  command: Command | { name: 'help' };
}

export const USAGE = `Usage: baton [--data-dir DIR] <command> [arguments]

Talks to the running Baton of a data directory (found through DIR/host.json).

Commands:
  status                          is Baton running; version, address (without the token), conversations
  list                            the conversations: key, state, title
  send <conversation> <text>      send a message; --wait streams the answer to stdout
  send --new <text>               start a new conversation with this message (its key is printed)
  approve <conversation> [call]   approve the tool call waiting for you (the call id if several wait);
                                  --conversation also allows the tool for the rest of the conversation,
                                  --always allows it from now on (Settings)
  deny <conversation> [call]      deny it; --reason TEXT tells the model why
  stop <conversation>             interrupt the running turn (the conversation is not suspended)
  resume <conversation>           continue an interrupted turn; --wait streams it
  restart                         restart Baton through the drain (running turns resume afterwards)
  export <conversation> --md|--json   the conversation as Markdown or as lossless JSON, to stdout;
                                  --all-sessions exports every session, not only the current one
  export --store [--format json|sqlite] FILE
                                  the whole store to FILE: a JSON Lines archive (default) or a SQLite copy
  import FILE                     add the conversations of a store archive or SQLite copy; never
                                  overwrites (a conversation already here comes in as "… (imported)")

A conversation is its key (as \`baton list\` shows) or the start of its title, if only one matches.
Text "-" reads the message from stdin.

Options:
  --data-dir DIR   Baton's data directory (default $XDG_DATA_HOME/baton or ~/.local/share/baton)
  --json           status and list: machine-readable output
  --wait           send, resume: stay until the turn ends, streaming the answer to stdout
  --conversation   approve: allow the tool for the rest of this conversation
  --always         approve: always allow the tool (sets it to auto in Settings)
  --reason TEXT    deny: the reason, which the model sees
  -h, --help       this text

Exit codes: 0 ok, 2 usage, 3 Baton not running or unreachable, 4 not found,
5 refused or failed, 6 the turn was interrupted (--wait), 1 unexpected error.`;

const FLAGS_BY_COMMAND: Record<CommandName, readonly string[]> = {
  status: ['json'],
  list: ['json'],
  send: ['new', 'wait'],
  approve: ['conversation', 'always'],
  deny: ['reason'],
  stop: [],
  resume: ['wait'],
  restart: [],
  export: ['md', 'json', 'all-sessions', 'store', 'format'],
  import: [],
};

function usage(message: string): CliError {
  return new CliError(EXIT.usage, `${message}\nRun "baton --help" for the commands.`);
}

function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliInvocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        md: { type: 'boolean' },
        new: { type: 'boolean' },
        wait: { type: 'boolean' },
        'all-sessions': { type: 'boolean' },
        store: { type: 'boolean' },
        format: { type: 'string' },
        conversation: { type: 'boolean' },
        always: { type: 'boolean' },
        reason: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '') throw usage('--data-dir needs a directory.');
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir(env));
  if (values.help) return { dataDir, command: { name: 'help' } };

  const [word, ...args] = positionals;
  if (word === undefined) throw usage('Which command? One of: ' + COMMAND_NAMES.join(', ') + '.');
  if (!isCommandName(word)) throw usage(`Unknown command "${word}". The commands are: ${COMMAND_NAMES.join(', ')}.`);
  const allowed = FLAGS_BY_COMMAND[word];
  for (const flag of ['json', 'md', 'new', 'wait', 'all-sessions', 'store', 'format', 'conversation', 'always', 'reason'] as const) {
    if (values[flag] !== undefined && values[flag] !== false && !allowed.includes(flag)) throw usage(`"baton ${word}" does not take --${flag}.`);
  }
  const expect = (count: number, names: string): void => {
    if (args.length !== count) throw usage(`"baton ${word}" takes ${names}${args.length > count ? `; unexpected "${args[count]}"` : ''}.`);
  };

  switch (word) {
    case 'status':
    case 'list':
      expect(0, 'no arguments');
      return { dataDir, command: { name: word, json: values.json ?? false } };
    case 'send': {
      if (values.new) {
        expect(1, 'the message text after --new');
        return { dataDir, command: { name: 'send', conversation: null, text: args[0]!, wait: values.wait ?? false } };
      }
      expect(2, 'a conversation and the message text (or --new and the text)');
      return { dataDir, command: { name: 'send', conversation: args[0]!, text: args[1]!, wait: values.wait ?? false } };
    }
    case 'approve':
    case 'deny':
      if (args.length < 1 || args.length > 2) throw usage(`"baton ${word}" takes a conversation and, if several calls wait, the call id.`);
      if (values.conversation && values.always) throw usage('"baton approve" takes one of --conversation or --always.');
      if (values.reason !== undefined && values.reason.length > APPROVAL_REASON_MAX) throw usage(`The reason is longer than ${APPROVAL_REASON_MAX} characters.`);
      return {
        dataDir,
        command: {
          name: word,
          conversation: args[0]!,
          callId: args[1] ?? null,
          decision: word === 'deny' ? 'deny' : values.always ? 'always' : values.conversation ? 'conversation' : 'once',
          reason: values.reason?.trim() || null,
        },
      };
    case 'stop':
      expect(1, 'a conversation');
      return { dataDir, command: { name: 'stop', conversation: args[0]! } };
    case 'resume':
      expect(1, 'a conversation');
      return { dataDir, command: { name: 'resume', conversation: args[0]!, wait: values.wait ?? false } };
    case 'restart':
      expect(0, 'no arguments');
      return { dataDir, command: { name: 'restart' } };
    case 'export': {
      if (values.store) {
        expect(1, 'the file to write after --store');
        if (values.md || values.json || values['all-sessions']) throw usage('"baton export --store" takes --format json|sqlite only.');
        const format = values.format ?? 'json';
        if (format !== 'json' && format !== 'sqlite') throw usage('--format is json or sqlite.');
        return { dataDir, command: { name: 'export-store', format, file: path.resolve(args[0]!) } };
      }
      if (values.format !== undefined) throw usage('--format goes with "baton export --store".');
      expect(1, 'a conversation');
      if (Boolean(values.md) === Boolean(values.json)) throw usage('"baton export" needs exactly one of --md or --json.');
      return { dataDir, command: { name: 'export', conversation: args[0]!, format: values.md ? 'md' : 'json', allSessions: values['all-sessions'] ?? false } };
    }
    case 'import':
      expect(1, 'the archive or SQLite copy to import');
      return { dataDir, command: { name: 'import', file: path.resolve(args[0]!) } };
  }
}
