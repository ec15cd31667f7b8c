/**
 * L24: the composer's slash commands, declared once for the gateway (which parses and runs them)
 * and every front end (the window's command menu). Parsing is pure.
 */

export interface SlashCommand {
  name: CommandName;
  /** Shown after the name when the command takes an argument. */
  usage: string;
  description: string;
}

export const COMMAND_NAMES = ['new', 'stop', 'resume', 'title', 'status', 'restart', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'new', usage: '', description: 'Start a fresh session in this conversation (the current one stays restorable).' },
  { name: 'stop', usage: '', description: 'Interrupt the running turn. The conversation is not suspended.' },
  { name: 'resume', usage: '[title or id]', description: 'List earlier sessions of this conversation, or restore one.' },
  { name: 'title', usage: '<text>', description: 'Rename this conversation.' },
  { name: 'status', usage: '', description: 'Show the session id, state, queued messages, token counts and whether a turn is running.' },
  { name: 'restart', usage: '', description: 'Restart Baton. Running turns are drained and resumed afterwards.' },
  { name: 'help', usage: '', description: 'List the commands.' },
];

export type ParsedCommand = { name: CommandName; arg: string } | { name: null; typed: string };

function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

/** Returns null for ordinary text. "//" escapes a message that starts with a slash. */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) return null;
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  if (isCommandName(word)) return { name: word, arg: match[2]!.trim() };
  return { name: null, typed: `/${match[1]}` };
}

/** The text to send as a message: a leading "//" stands for a literal "/". */
export function unescapeMessage(text: string): string {
  return text.trimStart().startsWith('//') ? text.replace('//', '/') : text;
}

/** A stored user message sent again: a leading slash must not turn it into a command (the inverse of unescapeMessage). */
export function escapeForResend(text: string): string {
  return text.trimStart().startsWith('/') ? `/${text.trimStart()}` : text;
}

export function helpText(): string {
  return ['Commands:', ...SLASH_COMMANDS.map((c) => `/${c.name}${c.usage ? ` ${c.usage}` : ''} — ${c.description}`)].join('\n');
}
