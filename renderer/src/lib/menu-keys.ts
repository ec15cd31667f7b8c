/** Keyboard for a small role="menu" popup: Escape closes it, the arrow keys move round its items. */
import type { KeyboardEvent } from 'react';

export function menuKeyDown(menu: HTMLElement | null, event: KeyboardEvent<HTMLElement>, close: () => void): void {
  const items = [...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
  const at = items.indexOf(document.activeElement as HTMLButtonElement);
  if (event.key === 'Escape') {
    event.preventDefault();
    close();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(at + step + items.length) % items.length]?.focus();
  }
}
