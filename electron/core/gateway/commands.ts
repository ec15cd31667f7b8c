/** L24: the composer's slash commands. Parsing is pure; the gateway carries them out. */
import { normalizeTitle, titleProblem } from '../../../shared/lane-title.ts';

export const COMMANDS = {
  new: 'Start a fresh session in this conversation (the current one stays restorable).',
  stop: 'Interrupt the running turn. The conversation is not suspended.',
  resume: 'List earlier sessions of this conversation, or restore one: /resume <title or id>.',
  title: 'Rename this conversation: /title <text>.',
  status: 'Show the session id, state, token counts and whether a turn is running.',
  restart: 'Restart Baton. Running turns are drained and resumed afterwards.',
  help: 'List the commands.',
} as const;

export type CommandName = keyof typeof COMMANDS;

export type ParsedCommand = { name: CommandName; arg: string } | { name: null; typed: string };

/** Returns null for ordinary text. "//" escapes a message that starts with a slash. */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) return null;
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  if (Object.hasOwn(COMMANDS, word)) return { name: word as CommandName, arg: match[2]!.trim() };
  return { name: null, typed: `/${match[1]}` };
}

/** The text to send as a message: a leading "//" stands for a literal "/". */
export function unescapeMessage(text: string): string {
  return text.trimStart().startsWith('//') ? text.replace('//', '/') : text;
}

export function helpText(): string {
  return ['Commands:', ...Object.entries(COMMANDS).map(([name, text]) => `/${name} — ${text}`)].join('\n');
}

/**
 * `/title <text>`: the new title, or why it cannot be one (the shared title rule, the same as
 * `lanes.create`'s).
 */
export function titleFromCommand(arg: string): { title: string } | { problem: string } {
  const title = normalizeTitle(arg);
  if (title === '') return { problem: 'Usage: /title <text>' };
  const problem = titleProblem(title);
  return problem === null ? { title } : { problem: `${problem} The title was not changed.` };
}
