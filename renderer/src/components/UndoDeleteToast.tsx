/** The Undo toast a delete leaves behind (issue 11, L35); the Trash keeps the conversation far longer. */
import { useEffect } from 'react';
import { TRASH_DAYS } from '../../../shared/gateway-events.ts';
import { useAppState, useStore } from '../state/hooks.ts';

/** How long the Undo toast stays. */
export const UNDO_TOAST_MS = 10_000;

export function UndoDeleteToast() {
  const store = useStore();
  const offer = useAppState((state) => state.undoDelete);
  useEffect(() => {
    if (!offer) return;
    const timer = setTimeout(() => store.dismissUndo(), UNDO_TOAST_MS);
    return () => clearTimeout(timer);
  }, [offer, store]);
  if (!offer) return null;
  return (
    <div className="toast" role="status" data-testid="undo-toast">
      <span>Deleted “{offer.label}”. It is in the Trash for {TRASH_DAYS} days.</span>
      <button type="button" className="button" data-testid="undo-delete" onClick={() => void store.restoreLane(offer.laneKey)}>
        Undo
      </button>
    </div>
  );
}
