/**
 * One conversation in the sidebar with what you can do to it (issue 11): rename inline
 * (double-click, F2 or the menu), pin or unpin, delete (Delete key or the menu; it goes to the
 * trash with an Undo). The menu opens with a right click, the context-menu key or Shift+F10.
 * Long titles show in full as a tooltip.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { menuKeyDown } from '../lib/menu-keys.ts';
import { isMac } from '../lib/shortcut-keys.ts';
import { shortcutText } from '../../../shared/shortcuts.ts';
import { useStore } from '../state/hooks.ts';

interface LaneItemProps {
  lane: LaneStatus;
  label: string;
  current: boolean;
  ariaLabel: string;
  condition: string;
  /** The time and badges line, as the sidebar draws it. */
  meta: ReactNode;
}

export function LaneItem({ lane, label, current, ariaLabel, condition, meta }: LaneItemProps) {
  const store = useStore();
  const [renaming, setRenaming] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  /** Set when the rename ended from the keyboard: the row gets the focus back once it is drawn again. */
  const refocus = useRef(false);
  useEffect(() => {
    if (renaming || !refocus.current) return;
    refocus.current = false;
    buttonRef.current?.focus();
  }, [renaming]);

  const closeMenu = (refocus: boolean) => {
    setMenuOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'F2') {
      event.preventDefault();
      setRenaming(true);
    } else if (event.key === 'Delete') {
      event.preventDefault();
      void store.deleteLane(lane.laneKey);
    } else if (event.key === 'F10' && event.shiftKey) {
      event.preventDefault();
      setMenuOpen(true);
    }
  };

  return (
    <li className="lane-row" data-pinned={lane.pinned ? 'true' : 'false'}>
      {renaming ? (
        <RenameField
          initial={lane.title || label}
          onDone={(title, byKey) => {
            refocus.current = byKey;
            setRenaming(false);
            if (title !== null && title !== lane.title) void store.renameLane(lane.laneKey, title);
          }}
        />
      ) : (
        <button
          ref={buttonRef}
          type="button"
          className="lane-item"
          data-testid="lane-item"
          data-lane-key={lane.laneKey}
          data-condition={condition}
          aria-current={current ? 'page' : undefined}
          aria-label={lane.pinned ? `${ariaLabel}, pinned` : ariaLabel}
          aria-haspopup="menu"
          title={label}
          onClick={() => store.openLane(lane.laneKey)}
          onDoubleClick={() => setRenaming(true)}
          onKeyDown={onKeyDown}
          onContextMenu={(event) => {
            event.preventDefault();
            setMenuOpen(true);
          }}
        >
          <span className="lane-title">
            {lane.pinned && (
              <svg className="lane-pin" aria-hidden="true" data-testid="lane-pinned" viewBox="0 0 16 16" width="12" height="12">
                {/* A pushpin drawn inline: emoji fonts are not on every machine. */}
                <path d="M10.5 1.5 14.5 5.5 12.8 6.1 10.4 8.5 10.9 11.9 9.8 13 7 10.2 3 14.2 1.8 14.2 1.8 13 5.8 9 3 6.2 4.1 5.1 7.5 5.6 9.9 3.2Z" fill="currentColor" />
              </svg>
            )}
            {label}
          </span>
          {meta}
        </button>
      )}
      {menuOpen && (
        <LaneMenu
          pinned={lane.pinned}
          onClose={closeMenu}
          onRename={() => setRenaming(true)}
          onPin={() => void store.pinLane(lane.laneKey, !lane.pinned)}
          archived={(lane.archivedAt ?? null) !== null}
          onArchive={() => void store.archiveLane(lane.laneKey, (lane.archivedAt ?? null) === null)}
          onDelete={() => void store.deleteLane(lane.laneKey)}
        />
      )}
    </li>
  );
}

/** Enter saves, Escape cancels, leaving the field saves; an empty title changes nothing. */
function RenameField({ initial, onDone }: { initial: string; onDone: (title: string | null, byKey: boolean) => void }) {
  const [value, setValue] = useState(initial);
  const done = useRef(false);
  const finish = (title: string | null, byKey: boolean) => {
    if (done.current) return;
    done.current = true;
    onDone(title !== null && title.trim() === '' ? null : title, byKey);
  };
  return (
    <input
      className="lane-rename"
      data-testid="lane-rename"
      aria-label="Conversation title"
      maxLength={200}
      value={value}
      // The field replaces the row the user just chose to rename.
      autoFocus
      onFocus={(event) => event.currentTarget.select()}
      onChange={(event) => setValue(event.target.value)}
      onKeyDown={(event) => {
        // preventDefault: the Enter must not go on to click the row that takes the field's place.
        if (event.key === 'Enter' || event.key === 'Escape') event.preventDefault();
        if (event.key === 'Enter') finish(value, true);
        else if (event.key === 'Escape') finish(null, true);
      }}
      onBlur={() => finish(value, false)}
    />
  );
}

interface LaneMenuProps {
  pinned: boolean;
  onClose: (refocus: boolean) => void;
  onRename: () => void;
  onPin: () => void;
  /** Issue 11: archive, or unarchive an archived one. */
  archived: boolean;
  onArchive: () => void;
  onDelete: () => void;
}

/** The conversation's context menu: arrow keys move, Enter chooses, Escape or a click elsewhere closes. */
function LaneMenu({ pinned, archived, onClose, onRename, onPin, onArchive, onDelete }: LaneMenuProps) {
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!menuRef.current?.contains(event.target as Node)) onClose(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [onClose]);

  const choose = (action: () => void, refocus: boolean) => () => {
    onClose(refocus);
    action();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => menuKeyDown(menuRef.current, event, () => onClose(true));
  return (
    <div ref={menuRef} className="lane-menu" role="menu" aria-label="Conversation actions" data-testid="lane-menu" onKeyDown={onKeyDown}>
      <button type="button" role="menuitem" data-testid="lane-menu-rename" onClick={choose(onRename, false)}>
        Rename <kbd>F2</kbd>
      </button>
      <button type="button" role="menuitem" data-testid="lane-menu-pin" onClick={choose(onPin, true)}>
        {pinned ? 'Unpin' : 'Pin'}
      </button>
      <button type="button" role="menuitem" data-testid="lane-menu-archive" onClick={choose(onArchive, false)}>
        {archived ? 'Unarchive' : 'Archive'} <kbd>{shortcutText('Mod+Shift+A', isMac())}</kbd>
      </button>
      <button type="button" role="menuitem" data-testid="lane-menu-delete" onClick={choose(onDelete, false)}>
        Delete <kbd>Del</kbd>
      </button>
    </div>
  );
}
