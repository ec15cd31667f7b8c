/** The keyboard shortcuts help (issue 11, opened with ? or Ctrl/⌘+/): the one table, as this platform writes it. */
import { LOCAL_SHORTCUTS, SHORTCUTS, shortcutText } from '../../../shared/shortcuts.ts';
import { isMac } from '../lib/shortcut-keys.ts';
import { ModalDialog } from './ModalDialog.tsx';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const mac = isMac();
  return (
    <ModalDialog title="Keyboard shortcuts" testId="shortcuts-help" onClose={onClose}>
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.id} data-testid="shortcut-row" data-shortcut={shortcut.id}>
              <td>{shortcut.label}</td>
              <td>
                {shortcut.keys.map((combo, i) => (
                  <span key={combo}>
                    {i > 0 && ' or '}
                    <kbd>{shortcutText(combo, mac)}</kbd>
                  </span>
                ))}
              </td>
            </tr>
          ))}
          {LOCAL_SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td>{shortcut.label}</td>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ModalDialog>
  );
}
