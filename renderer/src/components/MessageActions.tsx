/**
 * Issue 11 message actions (L35): Copy, Edit (inline editor: Enter resends, Esc cancels),
 * Regenerate, Continue and the version switcher ‹ 2/3 ›. They show on hover and on keyboard focus
 * (the buttons are always in the tab order); those that start a turn wait for an idle lane, as
 * the gateway does (it answers BUSY otherwise). Every switch and edit goes through the protocol,
 * so it is stored and every window follows it.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Fork } from '../../../shared/message-path.ts';
import { ACTION_WORDS, versionText } from '../lib/transcript-words.ts';
import type { UserItem } from '../state/transcript-model.ts';
import { CopyButton } from './CopyButton.tsx';
import { MessageAttachments } from './MessageAttachments.tsx';

/** What the actions do; all optional, so a row rendered on its own (a test page) shows none. */
export interface MessageActionHandlers {
  /** Resolves true once the gateway took the edited message. */
  edit?: (seq: number, text: string) => Promise<boolean>;
  regenerate?: (seq: number) => void;
  continueAnswer?: () => void;
  selectVersion?: (seq: number) => void;
}

interface ActionContext {
  actions: MessageActionHandlers;
  versions: Fork | null;
  /** False while the lane runs a turn. */
  enabled: boolean;
}

export function VersionSwitcher({ versions, enabled, onSelect }: { versions: Fork; enabled: boolean; onSelect: ((seq: number) => void) | undefined }) {
  const { short, label } = versionText(versions.index, versions.versions.length);
  const go = (offset: number) => {
    const seq = versions.versions[versions.index + offset];
    if (seq !== undefined) onSelect?.(seq);
  };
  const can = enabled && onSelect !== undefined;
  return (
    <div className="version-switcher" role="group" aria-label={label} data-testid="version-switcher">
      <button type="button" className="action-button" aria-label={ACTION_WORDS.previousVersion} title={ACTION_WORDS.previousVersion} disabled={!can || versions.index === 0} onClick={() => go(-1)} data-testid="version-previous">
        ‹
      </button>
      <span className="version-label" data-testid="version-label" aria-hidden="true">
        {short}
      </span>
      <button type="button" className="action-button" aria-label={ACTION_WORDS.nextVersion} title={ACTION_WORDS.nextVersion} disabled={!can || versions.index === versions.versions.length - 1} onClick={() => go(1)} data-testid="version-next">
        ›
      </button>
    </div>
  );
}

function MessageEditor({ initial, onSend, onCancel }: { initial: string; onSend: (text: string) => Promise<void>; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);
  const send = () => {
    if (text.trim() === '' || sending) return;
    setSending(true);
    void onSend(text).finally(() => setSending(false));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };
  return (
    <div className="message-editor" data-testid="message-editor">
      <textarea ref={box} className="message-editor-box" aria-label={ACTION_WORDS.editBox} value={text} rows={Math.min(10, Math.max(2, text.split('\n').length))} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
      <div className="message-editor-row">
        <span className="message-editor-hint">{ACTION_WORDS.editHint}</span>
        <button type="button" className="button" onClick={onCancel}>
          {ACTION_WORDS.cancel}
        </button>
        <button type="button" className="button primary" disabled={sending || text.trim() === ''} onClick={send} data-testid="message-editor-send">
          {ACTION_WORDS.send}
        </button>
      </div>
    </div>
  );
}

/** A message you sent: its text, or the inline editor, and its actions. */
export function UserMessage({ item, actions, versions, enabled }: { item: UserItem } & ActionContext) {
  const [editing, setEditing] = useState(false);
  const edit = actions.edit;
  // The actions sit beside the message, not in it: the message's text stays only what was written.
  return (
    <div className="message-row message-row-user" data-testid="message-row" data-role="user">
      <article className="message message-user" data-testid="message-user" aria-label="You">
        {editing && edit ? (
          <MessageEditor
            initial={item.text}
            onCancel={() => setEditing(false)}
            onSend={async (text) => {
              if (await edit(item.seq, text)) setEditing(false);
            }}
          />
        ) : (
          <>
            {item.attachments && item.attachments.length > 0 && <MessageAttachments attachments={item.attachments} />}
            {item.text !== '' && <div className="bubble">{item.text}</div>}
          </>
        )}
      </article>
      {!editing && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          {versions && <VersionSwitcher versions={versions} enabled={enabled} onSelect={actions.selectVersion} />}
          <CopyButton text={item.text} label={ACTION_WORDS.copyMessage} testId="copy-message" />
          {edit && (
            <button type="button" className="action-button" data-testid="edit-message" disabled={!enabled} title={enabled ? ACTION_WORDS.editMessage : ACTION_WORDS.busy} onClick={() => setEditing(true)}>
              {ACTION_WORDS.edit}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** An answer with its actions beside it (outside the message, whose text stays the answer's). */
export function AnswerRow({ children, actions }: { children: ReactNode; actions: ReactNode }) {
  return (
    <div className="message-row message-row-assistant" data-testid="message-row" data-role="assistant">
      {children}
      {actions}
    </div>
  );
}

/** Under a finished answer: the switcher, Copy and Regenerate. */
export function AnswerActions({ seq, text, actions, versions, enabled }: { seq: number; text: string } & ActionContext) {
  const regenerate = actions.regenerate;
  return (
    <div className="message-actions" role="toolbar" aria-label="Answer actions">
      {versions && <VersionSwitcher versions={versions} enabled={enabled} onSelect={actions.selectVersion} />}
      <CopyButton text={text} label={ACTION_WORDS.copyMessage} testId="copy-message" />
      {regenerate && (
        <button type="button" className="action-button" data-testid="regenerate-answer" disabled={!enabled} title={enabled ? ACTION_WORDS.regenerateAnswer : ACTION_WORDS.busy} onClick={() => regenerate(seq)}>
          {ACTION_WORDS.regenerate}
        </button>
      )}
    </div>
  );
}

/** On the interruption that ended the conversation's last turn: pick the answer up where it stopped. */
export function ContinueButton({ onContinue, enabled }: { onContinue: () => void; enabled: boolean }) {
  return (
    <button type="button" className="button" data-testid="continue-answer" disabled={!enabled} title={enabled ? ACTION_WORDS.continueAnswer : ACTION_WORDS.busy} onClick={onContinue}>
      {ACTION_WORDS.continue}
    </button>
  );
}
