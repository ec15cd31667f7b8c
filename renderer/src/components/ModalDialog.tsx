/** A small modal in the Settings panel's style: the browser's own <dialog> (focus trap, Esc closes). */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function ModalDialog({ title, testId, onClose, children }: { title: string; testId: string; onClose: () => void; children: ReactNode }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={dialogRef} className="settings-panel small-dialog" aria-labelledby={titleId} onClose={onClose} data-testid={testId}>
      <header className="settings-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label={`Close ${title.toLowerCase()}`} onClick={onClose} data-testid={`${testId}-close`}>
          ×
        </button>
      </header>
      <div className="settings-body">{children}</div>
    </dialog>
  );
}
