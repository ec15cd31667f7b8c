/**
 * Issue 11 (L36): the conversation header's Export menu — Markdown or lossless JSON, of the current
 * session or of every session. The browser saves the file (a Blob behind a download link), so the
 * window, the headless host's page and the desktop app all work the same way.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { menuKeyDown } from '../lib/menu-keys.ts';
import { saveBlob } from '../lib/save-file.ts';
import { useStore } from '../state/hooks.ts';

const CHOICES = [
  { format: 'md', allSessions: false, label: 'Markdown — this session', testId: 'export-md' },
  { format: 'json', allSessions: false, label: 'JSON — this session', testId: 'export-json' },
  { format: 'md', allSessions: true, label: 'Markdown — all sessions', testId: 'export-md-all' },
  { format: 'json', allSessions: true, label: 'JSON — all sessions', testId: 'export-json-all' },
] as const;

const MIME = { md: 'text/markdown;charset=utf-8', json: 'application/json;charset=utf-8' } as const;

/** Hands text to the browser as a file download. */
function saveFile(fileName: string, text: string, format: 'md' | 'json'): void {
  saveBlob(fileName, new Blob([text], { type: MIME[format] }));
}

export function ExportMenu({ laneKey }: { laneKey: string }) {
  const store = useStore();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };
  const choose = (format: 'md' | 'json', allSessions: boolean) => {
    close(true);
    setBusy(true);
    void store.exportConversation(laneKey, format, allSessions).then((file) => {
      setBusy(false);
      if (file) saveFile(file.fileName, file.text, format);
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => menuKeyDown(menuRef.current, event, () => close(true));

  return (
    <div className="export-menu-anchor">
      <button
        ref={buttonRef}
        type="button"
        className="button"
        data-testid="export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        // Not `disabled`: that would drop the focus the menu just gave back to this button.
        aria-disabled={busy}
        onClick={() => {
          if (!busy) setOpen((was) => !was);
        }}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {open && (
        <div ref={menuRef} className="lane-menu export-menu" role="menu" aria-label="Export this conversation" data-testid="export-menu" onKeyDown={onKeyDown}>
          {CHOICES.map((choice) => (
            <button key={choice.testId} type="button" role="menuitem" data-testid={choice.testId} onClick={() => choose(choice.format, choice.allSessions)}>
              {choice.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
