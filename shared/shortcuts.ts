/**
 * The one table of Baton's keyboard shortcuts (issue 11). The window matches key presses against
 * it and lists it in the shortcuts help (?); the desktop menu shows the same accelerators
 * (`CmdOrCtrl+…`), so a key, its menu entry and its help line can never disagree. `Mod` is ⌘ on
 * macOS and Ctrl elsewhere.
 */

export type ShortcutId = 'new-chat' | 'search' | 'settings' | 'next-needs-you' | 'archive' | 'shortcuts-help';

export interface Shortcut {
  id: ShortcutId;
  /** `Mod+Shift+A` form: modifiers first, then the key as KeyboardEvent.key names it (lower case for letters). */
  keys: readonly string[];
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'new-chat', keys: ['Mod+N'], label: 'New chat' },
  { id: 'search', keys: ['Mod+K', 'Mod+F'], label: 'Search conversations' },
  { id: 'settings', keys: ['Mod+,'], label: 'Settings' },
  { id: 'next-needs-you', keys: ['Mod+J'], label: 'Next conversation that needs you' },
  { id: 'archive', keys: ['Mod+Shift+A'], label: 'Archive or unarchive the open conversation' },
  { id: 'shortcuts-help', keys: ['Mod+/', '?'], label: 'Keyboard shortcuts' },
];

/** Keys that work in one place only, listed in the help beside the global ones. */
export const LOCAL_SHORTCUTS: ReadonlyArray<{ keys: string; label: string }> = [
  { keys: 'Enter', label: 'Send the message (runs a command typed in full)' },
  { keys: 'Shift+Enter', label: 'New line in the message' },
  { keys: 'Esc', label: 'Stop the running turn' },
  { keys: 'F2', label: 'Rename the chosen conversation' },
  { keys: 'Delete', label: 'Move the chosen conversation to the Trash' },
  { keys: 'Shift+F10', label: 'Open the chosen conversation’s menu' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

function parse(combo: string): { mod: boolean; shift: boolean; key: string } {
  const parts = combo.split('+');
  // "Mod++" would be a plus key; none of ours is.
  const key = parts.pop()!;
  return { mod: parts.includes('Mod'), shift: parts.includes('Shift'), key };
}

/**
 * The shortcut this key press is, or null. `mac`: ⌘ is the modifier (Ctrl+N stays a plain key).
 * A bare key (like `?`) counts only when `typing` is false: in a text field it is text.
 */
export function matchShortcut(press: KeyPress, mac: boolean, typing: boolean): ShortcutId | null {
  if (press.altKey) return null;
  const mod = mac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  const none = !press.metaKey && !press.ctrlKey;
  for (const shortcut of SHORTCUTS) {
    for (const combo of shortcut.keys) {
      const wanted = parse(combo);
      if (wanted.mod) {
        if (!mod || press.shiftKey !== wanted.shift) continue;
        if (press.key.toLowerCase() === wanted.key.toLowerCase()) return shortcut.id;
      } else if (!typing && none && press.key === wanted.key) {
        return shortcut.id;
      }
    }
  }
  return null;
}

/** How a combination reads to a person on this platform: `⌘⇧A` on macOS, `Ctrl+Shift+A` elsewhere. */
export function shortcutText(combo: string, mac: boolean): string {
  const { mod, shift, key } = parse(combo);
  const shown = key.length === 1 ? key.toUpperCase() : key;
  if (mac) return `${mod ? '⌘' : ''}${shift ? '⇧' : ''}${shown}`;
  return [...(mod ? ['Ctrl'] : []), ...(shift ? ['Shift'] : []), shown].join('+');
}

/** The Electron accelerator of a combination (`CmdOrCtrl+Shift+A`), for the desktop menu. */
export function menuAccelerator(combo: string): string {
  const { mod, shift, key } = parse(combo);
  return [...(mod ? ['CmdOrCtrl'] : []), ...(shift ? ['Shift'] : []), key.length === 1 ? key.toUpperCase() : key].join('+');
}
