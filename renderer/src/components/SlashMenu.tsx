/** The "/" command menu under the composer (L24). Keyboard handling lives in the composer. */
import type { SlashCommand } from '../lib/slash-commands.ts';

interface SlashMenuProps {
  id: string;
  commands: readonly SlashCommand[];
  active: number;
  onPick: (command: SlashCommand) => void;
  onHover: (index: number) => void;
}

export function slashOptionId(menuId: string, index: number): string {
  return `${menuId}-option-${index}`;
}

export function SlashMenu({ id, commands, active, onPick, onHover }: SlashMenuProps) {
  return (
    <ul className="slash-menu" id={id} role="listbox" aria-label="Commands" data-testid="slash-menu">
      {commands.map((command, index) => (
        <li
          key={command.name}
          id={slashOptionId(id, index)}
          role="option"
          aria-selected={index === active}
          className={index === active ? 'active' : undefined}
          data-testid="slash-option"
          // Keep focus in the composer: choose on mousedown, before the textarea would blur.
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(command);
          }}
          onMouseEnter={() => onHover(index)}
        >
          <span className="slash-name">
            /{command.name}
            {command.usage !== '' && <span className="slash-usage"> {command.usage}</span>}
          </span>
          <span className="slash-description">{command.description}</span>
        </li>
      ))}
    </ul>
  );
}
