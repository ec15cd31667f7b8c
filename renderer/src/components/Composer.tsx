/**
 * Where messages are typed. Enter sends, Shift+Enter breaks the line, "/" opens the command menu
 * (Enter runs a command typed in full), Esc stops the running turn.
 * While the lane runs, Stop interrupts it, and a message sent meanwhile follows busyInput (L23):
 * what happened is said right under the box.
 *
 * Issue 11: files and images are dropped, pasted or picked (Attach) onto the message; each shows as
 * a chip with its name, size and a remove button, and what the rules refuse is said before Send.
 * `/resume` alone opens the list of earlier sessions instead of an answer with raw ids.
 */
import { memo, useEffect, useId, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { FileIcon } from './MessageAttachments.tsx';
import { addDrafts, makeThumbnail, pastedName, type AttachmentDraft } from '../lib/attachment-drafts.ts';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { completeSlashCommand, matchSlashCommands, runsAsTyped, type SlashCommand } from '../lib/slash-commands.ts';
import { plural } from '../lib/time-format.ts';
import type { QueuedText, SendFeedback } from '../state/app-state.ts';
import type { OutboxEntry } from '../state/outbox.ts';
import { useNow } from '../state/hooks.ts';
import { SlashMenu, slashOptionId } from './SlashMenu.tsx';

const FEEDBACK_VISIBLE_MS = 10_000;
const MAX_HEIGHT_PX = 240;

interface ComposerProps {
  lane: LaneStatus;
  feedback: SendFeedback | undefined;
  queuedTexts: readonly QueuedText[];
  /** Messages typed here that Baton has not taken yet (L32): kept by the window, sent when it is back. */
  outbox: readonly OutboxEntry[];
  connected: boolean;
  /** Baton is draining or the connection is down: queued messages wait for Baton to be back. */
  waitingForBaton: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
  /** Issue 11: a message with attachments (uploaded, then sent); the progress is in bytes. */
  onSendWithAttachments?: (text: string, drafts: readonly AttachmentDraft[], onProgress: (sent: number, total: number) => void) => Promise<boolean>;
  /** Issue 11: `/resume` alone shows the earlier sessions as a list. */
  onOpenResumeList?: () => void;
}

export const Composer = memo(function Composer({
  lane,
  feedback,
  queuedTexts,
  outbox,
  connected,
  waitingForBaton,
  onSend,
  onStop,
  onSendWithAttachments,
  onOpenResumeList,
}: ComposerProps) {
  const [text, setText] = useState('');
  const [drafts, setDrafts] = useState<readonly AttachmentDraft[]>([]);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const draftsRef = useRef(drafts);
  draftsRef.current = drafts;
  const [sending, setSending] = useState(false);
  const [menuIndex, setMenuIndex] = useState(0);
  const [menuClosedFor, setMenuClosedFor] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const menuId = useId();
  const hintId = useId();
  const running = lane.activity !== 'idle';

  const commands = menuClosedFor === text ? [] : matchSlashCommands(text);
  const menuOpen = commands.length > 0;
  const active = Math.min(menuIndex, commands.length - 1);

  useEffect(() => {
    inputRef.current?.focus();
  }, [lane.laneKey]);

  // Grow with the text up to a limit, then scroll.
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  const attach = (files: ReadonlyArray<{ file: Blob; name: string; type: string; size: number }>) => {
    if (files.length === 0) return;
    const { drafts: next, problems: refused } = addDrafts(draftsRef.current, files, () => crypto.randomUUID());
    setDrafts(next);
    setProblems(refused);
    for (const draft of next) {
      if (draft.kind !== 'image' || draftsRef.current.some((d) => d.id === draft.id)) continue;
      void makeThumbnail(draft.file).then((thumbnail) => {
        if (thumbnail) setDrafts((current) => current.map((d) => (d.id === draft.id ? { ...d, thumbnail } : d)));
      });
    }
  };

  const fromFiles = (list: FileList | readonly File[], pasted: boolean) =>
    [...list].map((file) => ({ file, name: pasted ? pastedName(file, new Date()) : file.name, type: file.type, size: file.size }));

  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    setDragging(false);
    // A dropped folder arrives as a File nobody can read; it is refused by name.
    const items = [...event.dataTransfer.items];
    const folders = items.flatMap((item) => (item.webkitGetAsEntry?.()?.isDirectory ? [item.getAsFile()?.name ?? 'A folder'] : []));
    const files = [...event.dataTransfer.files].filter((file) => !folders.includes(file.name));
    attach(fromFiles(files, false));
    if (folders.length > 0) setProblems((current) => [...current, ...folders.map((name) => `“${name}” is a folder; attach the files in it instead.`)]);
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    attach(fromFiles(files, true));
  };

  const send = async () => {
    const message = text;
    const attached = drafts;
    if ((message.trim() === '' && attached.length === 0) || sending) return;
    if (attached.length === 0 && message.trim() === '/resume' && onOpenResumeList) {
      onOpenResumeList();
      setText('');
      return;
    }
    setSending(true);
    let sent: boolean;
    if (attached.length > 0 && onSendWithAttachments) {
      setProgress({ sent: 0, total: attached.reduce((sum, d) => sum + d.size, 0) });
      sent = await onSendWithAttachments(message, attached, (done, total) => setProgress({ sent: done, total }));
      setProgress(null);
    } else {
      sent = await onSend(message);
    }
    setSending(false);
    // A message that did not reach Baton stays in the box; nothing typed is lost.
    if (sent) {
      setText((current) => (current === message ? '' : current));
      setDrafts((current) => (current === attached ? [] : current));
      setProblems([]);
    }
    inputRef.current?.focus();
  };

  const pick = (command: SlashCommand) => {
    setText(completeSlashCommand(command));
    setMenuIndex(0);
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (menuOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setMenuIndex((active + step + commands.length) % commands.length);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setMenuClosedFor(text);
        return;
      }
      const chosen = commands[active]!;
      const completes = completeSlashCommand(chosen) !== text && !runsAsTyped(text);
      if (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey && completes)) {
        event.preventDefault();
        pick(chosen);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
      return;
    }
    // Esc stops the running turn (issue 11), as the Stop button does; with nothing running it does nothing.
    if (event.key === 'Escape' && running && connected) {
      event.preventDefault();
      onStop();
    }
  };

  const now = useNow(1000, feedback !== undefined && feedback.status !== 'started' && feedback.status !== 'command');
  const showFeedback = feedback !== undefined && feedback.status !== 'started' && feedback.status !== 'command' && now - feedback.at < FEEDBACK_VISIBLE_MS;

  return (
    <form
      className="composer"
      aria-label="Message composer"
      data-dragging={dragging ? 'true' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {lane.queuedInputs > 0 && (
        <div className="queued" data-testid="queued-indicator" role="status">
          <span>
            {plural(lane.queuedInputs, 'message')} queued —{' '}
            {waitingForBaton ? 'will be sent when Baton is back' : running ? 'will run when the current turn ends' : 'sending now'}
          </span>
          {queuedTexts.length > 0 && (
            <ul className="queued-texts" aria-label="Queued messages">
              {queuedTexts.map((queued, index) => (
                <li key={queued.clientId ?? index}>{queued.text}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {outbox.length > 0 && (
        <div className="queued outbox" data-testid="outbox" role="status">
          <span>
            {plural(outbox.length, 'message')} {connected ? 'being sent…' : 'waiting for Baton — kept in this window and sent when Baton is back'}
          </span>
          <ul className="queued-texts" aria-label="Messages waiting for Baton">
            {outbox.map((entry) => (
              <li key={entry.id}>{entry.text}</li>
            ))}
          </ul>
        </div>
      )}
      {(drafts.length > 0 || problems.length > 0) && (
        <div className="attachments" data-testid="attachments">
          {drafts.length > 0 && (
            <ul className="attachment-chips" aria-label="Attachments">
              {drafts.map((draft) => (
                <li key={draft.id} className="attachment-chip" data-testid="attachment-chip" data-kind={draft.kind} title={draft.name}>
                  {draft.thumbnail ? <img src={draft.thumbnail} alt="" className="attachment-thumb" /> : <FileIcon />}
                  <span className="attachment-name">{draft.name}</span>
                  <span className="attachment-size">{formatBytes(draft.size)}</span>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${draft.name}`}
                    data-testid="attachment-remove"
                    disabled={sending}
                    onClick={() => setDrafts((current) => current.filter((d) => d.id !== draft.id))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          {problems.length > 0 && (
            <ul className="attachment-problems" role="alert" data-testid="attachment-problems">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          {progress && (
            <progress className="attachment-progress" data-testid="attachment-progress" max={progress.total || 1} value={progress.sent} aria-label="Uploading attachments" />
          )}
        </div>
      )}
      <div className="composer-box">
        {menuOpen && <SlashMenu id={menuId} commands={commands} active={active} onPick={pick} onHover={setMenuIndex} />}
        <textarea
          ref={inputRef}
          value={text}
          rows={1}
          placeholder={running ? 'Send a message (the running turn is interrupted or queued)…' : 'Message Baton — / for commands'}
          aria-label="Message"
          aria-describedby={hintId}
          aria-controls={menuOpen ? menuId : undefined}
          aria-activedescendant={menuOpen ? slashOptionId(menuId, active) : undefined}
          aria-autocomplete="list"
          data-testid="composer-input"
          onChange={(event) => {
            setText(event.target.value);
            setMenuIndex(0);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <input
          ref={fileInputRef}
          type="file"
          multiple
          hidden
          data-testid="attachment-input"
          onChange={(event) => {
            if (event.target.files) attach(fromFiles(event.target.files, false));
            event.target.value = '';
          }}
        />
        <div className="composer-actions">
          {onSendWithAttachments && (
            <button type="button" className="button" data-testid="attach-button" aria-label="Attach files or images" disabled={sending} onClick={() => fileInputRef.current?.click()}>
              Attach
            </button>
          )}
          {running && (
            <button type="button" className="button danger" data-testid="stop-button" disabled={!connected} onClick={onStop}>
              Stop
            </button>
          )}
          <button type="submit" className="button primary" data-testid="send-button" disabled={sending || (text.trim() === '' && drafts.length === 0)}>
            Send
          </button>
        </div>
      </div>
      <p id={hintId} className="composer-hint">
        Enter to send, Shift+Enter for a new line, Esc to stop a running turn. Start with // to send text beginning with a slash. Drop or paste files and images to attach them; ? lists the shortcuts.
      </p>
      <p className="send-feedback" role="status" data-testid="send-feedback">
        {showFeedback ? feedback.message : ''}
      </p>
    </form>
  );
});
