/**
 * `/resume` as a list (issue 11, L24): the conversation's earlier sessions with when they started
 * (local time), their first message, and Restore — instead of raw ids. `/resume <title or id>`
 * typed in full still restores directly through the gateway.
 */
import { useEffect, useState } from 'react';
import type { Result } from '../../../shared/protocol/contract.ts';
import { useStore } from '../state/hooks.ts';
import { ModalDialog } from './ModalDialog.tsx';

type Sessions = Result<'sessions.list'>;
const FIRST_MESSAGE_CHARS = 140;

export function localTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function excerpt(text: string | null | undefined): string {
  const line = (text ?? '').trim().replace(/\s+/g, ' ');
  if (line === '') return 'No message';
  return line.length > FIRST_MESSAGE_CHARS ? `${line.slice(0, FIRST_MESSAGE_CHARS - 1)}…` : line;
}

export function ResumeDialog({ laneKey, onClose }: { laneKey: string; onClose: () => void }) {
  const store = useStore();
  const [sessions, setSessions] = useState<Sessions | null | 'failed'>(null);
  useEffect(() => {
    let live = true;
    void store.listSessions(laneKey).then((list) => live && setSessions(list ?? 'failed'));
    return () => {
      live = false;
    };
  }, [store, laneKey]);
  const earlier = sessions === null || sessions === 'failed' ? [] : sessions.filter((session) => !session.current);
  return (
    <ModalDialog title="Earlier sessions" testId="resume-dialog" onClose={onClose}>
      {sessions === null ? (
        <p role="status">Loading the sessions…</p>
      ) : sessions === 'failed' ? (
        <p role="alert">The sessions could not be read.</p>
      ) : earlier.length === 0 ? (
        <p role="status" data-testid="resume-empty">
          This conversation has no earlier sessions. /new starts one and keeps this one restorable.
        </p>
      ) : (
        <ul className="resume-list">
          {earlier.map((session) => (
            <li key={session.sessionId} className="resume-item" data-testid="resume-item" data-session-id={session.sessionId}>
              <div className="resume-text">
                <time dateTime={new Date(session.createdAt).toISOString()}>{localTime(session.createdAt)}</time>
                {session.title && <strong className="resume-title">{session.title}</strong>}
                <span className="resume-first" title={session.firstMessage ?? undefined}>
                  {excerpt(session.firstMessage)}
                </span>
              </div>
              <button
                type="button"
                className="button"
                data-testid="resume-restore"
                onClick={() => {
                  void store.restoreSession(laneKey, session.sessionId);
                  onClose();
                }}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </ModalDialog>
  );
}
