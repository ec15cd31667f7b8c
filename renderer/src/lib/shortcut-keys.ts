/**
 * The window's side of the shortcut table (shared/shortcuts.ts): one keydown listener on the
 * document that turns a key press into a shortcut id. Keys typed into a field stay text, except
 * the Ctrl/⌘ combinations, which no field uses for text.
 */
import { useEffect, useRef } from 'react';
import { matchShortcut, type ShortcutId } from '../../../shared/shortcuts.ts';

export function isMac(): boolean {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return /mac|iphone|ipad/i.test(nav?.platform ?? nav?.userAgent ?? '');
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** Calls `run` with the shortcut a key press is; the press goes no further when it was one. */
export function useGlobalShortcuts(run: (id: ShortcutId) => void): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    const mac = isMac();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const id = matchShortcut(event, mac, typingIn(event.target));
      if (id === null) return;
      event.preventDefault();
      latest.current(id);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
