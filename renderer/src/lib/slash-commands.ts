/** L24: the composer's command menu over the shared command list (shared/commands.ts); the gateway parses and runs them. */
import { SLASH_COMMANDS, type SlashCommand } from '../../../shared/commands.ts';

export { SLASH_COMMANDS, type SlashCommand };

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

/**
 * Whether Enter runs what is typed as it is: a whole command name that needs nothing more (no
 * argument, or an optional one like /resume's). A command that needs an argument (/title) is
 * completed instead, so Enter never sends it empty.
 */
export function runsAsTyped(text: string): boolean {
  const name = /^\/([a-z]+)$/i.exec(text)?.[1]?.toLowerCase();
  const command = SLASH_COMMANDS.find((candidate) => candidate.name === name);
  return command !== undefined && !command.usage.startsWith('<');
}
