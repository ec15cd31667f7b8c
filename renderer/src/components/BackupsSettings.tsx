/**
 * Settings → Backups (issue 11, SPEC L36, R2): the store's backups (daily, pre-update,
 * pre-migration, manual, pre-restore) with kind, size and local time; "Back up now"; Restore after
 * a confirmation (Baton backs up the current store, restarts through the drain and comes back on
 * the backup; a damaged backup is refused and the current store kept — the outcome is shown here
 * after the relaunch); and the whole store out and in: export as a JSON Lines archive or a SQLite
 * copy (saved by the browser, as a conversation export is), import of either (never overwrites).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { STORE_IMPORT_LIMITS, type BackupEntryView, type BackupsListResult, type StoreExportFormat, type StoreImportResult } from '../../../shared/store-transfer.ts';
import { sendInChunks } from '../../../shared/chunked-upload.ts';
import { blobBase64 } from '../lib/attachment-drafts.ts';
import { saveBlob } from '../lib/save-file.ts';
import { useStore } from '../state/hooks.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

const KIND_WORDS: Record<BackupEntryView['kind'], string> = {
  daily: 'Daily',
  'pre-update': 'Before an update',
  'pre-migration': 'Before a store upgrade',
  manual: 'Backed up by you',
  'pre-restore': 'Before a restore',
  other: 'Backup',
};


function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const SQLITE_MAGIC = 'SQLite format 3';

function importSummary(report: StoreImportResult): string {
  const renamed = report.renamed.length > 0 ? ` ${report.renamed.length} already here came in as “… (imported)”.` : '';
  return `Imported ${report.lanes} conversation${report.lanes === 1 ? '' : 's'} (${report.events} events).${renamed}`;
}

type Note = { kind: 'ok' | 'error'; text: string } | null;

export function BackupsSettings() {
  const store = useStore();
  const [list, setList] = useState<BackupsListResult | null>(null);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [restarting, setRestarting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    const outcome = await store.backupsRequest('backups.list', {});
    if (outcome.ok) setList(outcome.value);
    else setNote({ kind: 'error', text: outcome.message });
  }, [store]);
  useEffect(() => void refresh(), [refresh]);

  const run = async (work: () => Promise<Note>) => {
    setBusy(true);
    setNote(await work());
    setBusy(false);
  };

  const backUpNow = () =>
    run(async () => {
      const outcome = await store.backupsRequest('backups.create', {});
      await refresh();
      return outcome.ok ? { kind: 'ok', text: `Backed up (${formatBytes(outcome.value.backup.size)}).` } : { kind: 'error', text: outcome.message };
    });

  const exportStore = (format: StoreExportFormat) =>
    run(async () => {
      const outcome = await store.backupsRequest('store.export', { format });
      if (!outcome.ok) return { kind: 'error', text: outcome.message };
      const file = outcome.value;
      const blob =
        file.encoding === 'base64'
          ? new Blob([base64ToBytes(file.data)], { type: 'application/vnd.sqlite3' })
          : new Blob([file.data], { type: 'application/jsonl;charset=utf-8' });
      saveBlob(file.fileName, blob);
      return { kind: 'ok', text: `Exported ${file.counts.lanes} conversation${file.counts.lanes === 1 ? '' : 's'} as ${file.fileName}.` };
    });

  // The file goes in chunks, read slice by slice (L36): the host's WebSocket takes at most 4 MiB a
  // frame, and a store is often more; the gateway stages the chunks and imports them as one.
  const importFile = (file: File) =>
    run(async () => {
      if (file.size === 0) return { kind: 'error', text: `${file.name} is empty. Nothing was imported.` };
      if (file.size > STORE_IMPORT_LIMITS.maxBytes) {
        return { kind: 'error', text: `${file.name} is ${formatBytes(file.size)}; Baton imports at most ${formatBytes(STORE_IMPORT_LIMITS.maxBytes)}. Nothing was imported.` };
      }
      const head = new Uint8Array(await file.slice(0, SQLITE_MAGIC.length).arrayBuffer());
      const sqlite = new TextDecoder('latin1').decode(head) === SQLITE_MAGIC;
      let uploadId: string;
      try {
        uploadId = await sendInChunks(
          { size: file.size, chunkBytes: STORE_IMPORT_LIMITS.chunkBytes, name: file.name, read: (start, end) => blobBase64(file, start, end) },
          async (chunk) => {
            const sent = await store.backupsRequest('store.importChunk', { ...chunk, size: file.size });
            if (!sent.ok) throw new Error(sent.message);
            return sent.value;
          },
          (sent) => setNote({ kind: 'ok', text: `Sending ${file.name}… ${Math.floor((sent / file.size) * 100)}%` }),
        );
      } catch (error) {
        return { kind: 'error', text: (error as Error).message };
      }
      const outcome = await store.backupsRequest('store.import', { format: sqlite ? 'sqlite' : 'json', uploadId });
      return outcome.ok ? { kind: 'ok', text: importSummary(outcome.value) } : { kind: 'error', text: outcome.message };
    });

  const restore = (name: string) =>
    run(async () => {
      const outcome = await store.backupsRequest('backups.restore', { name });
      setConfirming(null);
      if (!outcome.ok) return { kind: 'error', text: outcome.message };
      setRestarting(true);
      return { kind: 'ok', text: 'Baton is restarting to restore the backup. The window reconnects by itself.' };
    });

  const last = list?.lastRestore ?? null;
  return (
    <section className="settings-section backups-settings" aria-labelledby="backups-heading" data-testid="backups-settings">
      <h3 id="backups-heading">Backups</h3>
      <p className="field-hint">
        Baton backs up your conversations every day, before an update and before a store upgrade. Restoring a backup first backs up the conversations
        as they are now, so a restore can be undone.
      </p>
      {last && (
        <p className={last.outcome === 'restored' ? 'form-ok' : 'form-error'} role={last.outcome === 'restored' ? 'status' : 'alert'} data-testid="backups-last-restore">
          {last.message}
        </p>
      )}
      <div className="inline-controls">
        <button type="button" className="button" disabled={busy || restarting} onClick={() => void backUpNow()} data-testid="backups-now">
          Back up now
        </button>
        <button type="button" className="button" disabled={busy || restarting} onClick={() => void exportStore('json')} data-testid="store-export-json">
          Export all (JSON)
        </button>
        <button type="button" className="button" disabled={busy || restarting} onClick={() => void exportStore('sqlite')} data-testid="store-export-sqlite">
          Export all (SQLite)
        </button>
        <button type="button" className="button" disabled={busy || restarting} onClick={() => fileInput.current?.click()} data-testid="store-import">
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          accept=".jsonl,.json,.db,.sqlite,application/json"
          data-testid="store-import-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {note && (
        <p className={note.kind === 'ok' ? 'form-ok' : 'form-error'} role={note.kind === 'ok' ? 'status' : 'alert'} data-testid="backups-note">
          {note.text}
        </p>
      )}
      {list === null ? (
        <p className="muted">Loading backups…</p>
      ) : list.backups.length === 0 ? (
        <p className="muted">No backup yet.</p>
      ) : (
        <ul className="provider-list" data-testid="backups-list">
          {list.backups.map((backup) => (
            <li key={backup.name} className="provider backup-entry" data-testid="backup-entry" data-backup={backup.name} data-kind={backup.kind}>
              <div>
                <div>{KIND_WORDS[backup.kind]}</div>
                <div className="muted small">
                  <time dateTime={new Date(backup.createdAt).toISOString()}>{new Date(backup.createdAt).toLocaleString()}</time> · {formatBytes(backup.size)}
                </div>
              </div>
              <div className="provider-actions">
                {confirming === backup.name ? (
                  <div role="group" aria-label="Confirm the restore" className="backup-confirm">
                    <p className="small">
                      Restore the conversations of {new Date(backup.createdAt).toLocaleString()}? Baton backs up the current ones first, then restarts;
                      running tasks are interrupted and can be resumed.
                    </p>
                    <button type="button" className="button danger" disabled={busy} onClick={() => void restore(backup.name)} data-testid="backup-restore-confirm">
                      Restore and restart
                    </button>
                    <button type="button" className="button" onClick={() => setConfirming(null)} data-testid="backup-restore-cancel">
                      Cancel
                    </button>
                  </div>
                ) : (
                  <button type="button" className="button" disabled={busy || restarting} onClick={() => setConfirming(backup.name)} data-testid="backup-restore">
                    Restore…
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
