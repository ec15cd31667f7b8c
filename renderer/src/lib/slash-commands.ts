/**
 * L24: the composer's command menu. Mirrors electron/core/gateway/commands.ts (the renderer may not
 * import electron/); the gateway stays the one that parses and runs them.
 */
export interface SlashCommand {
  name: string;
  /** Shown after the name when the command takes an argument. */
  usage: string;
  description: string;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'new', usage: '', description: 'Start a fresh session in this conversation (the current one stays restorable)' },
  { name: 'stop', usage: '', description: 'Interrupt the running turn (does not suspend anything)' },
  { name: 'resume', usage: '[title or id]', description: 'List earlier sessions of this conversation, or restore one' },
  { name: 'title', usage: '<text>', description: 'Rename the conversation' },
  { name: 'status', usage: '', description: 'Session id, state, queued messages, tokens, whether a turn runs' },
  { name: 'restart', usage: '', description: 'Restart Baton through the drain' },
  { name: 'help', usage: '', description: 'List the commands' },
];

/**
 * The commands matching what is typed, while the composer holds only "/" and a partial name.
 * "//" escapes a literal slash, so it opens no menu.
 */
export function matchSlashCommands(text: string): SlashCommand[] {
  const match = /^\/([a-z]*)$/i.exec(text);
  if (!match) return [];
  const typed = match[1]!.toLowerCase();
  return SLASH_COMMANDS.filter((command) => command.name.startsWith(typed));
}

/** What choosing a command puts in the composer. */
export function completeSlashCommand(command: SlashCommand): string {
  return command.usage === '' ? `/${command.name}` : `/${command.name} `;
}

/** A stored user message sent again: a leading slash must not turn it into a command. */
export function escapeForResend(text: string): string {
  return text.trimStart().startsWith('/') ? `/${text.trimStart()}` : text;
}
