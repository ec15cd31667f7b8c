/** One row of a conversation: a message, a tool card, or a marker between turns. */
import { memo, useRef, type ReactNode } from 'react';
import { interruptionText, resumedText } from '../lib/transcript-words.ts';
import type { AssistantItem, ErrorItem, InterruptionItem, NoticeItem, ResumedItem, TranscriptItem } from '../state/transcript-model.ts';
import type { ToolStatus } from '../state/tool-status.ts';
import { AnswerModel } from './AnswerModel.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Markdown } from './Markdown.tsx';
import { PlainMessage } from './PlainMessage.tsx';
import { ReasoningBlock } from './ReasoningBlock.tsx';
import { UsageLine } from './UsageLine.tsx';
import { StreamingMarkdown } from './StreamingMarkdown.tsx';
import { ToolCard, ToolCardFallback } from './ToolCard.tsx';
import type { ApprovalAnswer } from '../../../shared/transcript.ts';
import type { Fork } from '../../../shared/message-path.ts';
import { AnswerActions, AnswerRow, ContinueButton, UserMessage, type MessageActionHandlers } from './MessageActions.tsx';

export interface RowActions extends MessageActionHandlers {
  answerApproval: (callId: string, answer: ApprovalAnswer) => Promise<void>;
  /** Runs the failed turn again on its message (turn.retry), which is not sent a second time. */
  retry: () => void;
}

interface RowProps {
  item: TranscriptItem;
  /** For tool rows: the status derived from the call's facts and its turn. */
  toolStatus: ToolStatus | null;
  /** An unfinished assistant answer whose turn is over. */
  cutShort: boolean;
  /** The newest failed turn: it offers Retry and is announced. */
  latestError: boolean;
  actions: RowActions;
  /** Issue 11: the versions this message or answer switches between (‹ 2/3 ›). */
  versions?: Fork | null;
  /** Issue 11: the lane runs nothing, so Edit, Regenerate, Continue and switching may start. */
  actionsEnabled?: boolean;
  /** Issue 11: this interruption ended the conversation's last turn: it offers Continue. */
  continuable?: boolean;
}

/**
 * A row that throws while rendering shows its own text instead (issue 14 item 3); the rows
 * around it, and the rest of the window, never notice.
 */
export const TranscriptRow = memo(function TranscriptRow(props: RowProps) {
  return (
    <ErrorBoundary fallback={() => <RowFallback {...props} />}>
      <RowContent {...props} />
    </ErrorBoundary>
  );
});

function RowContent({ item, toolStatus, cutShort, latestError, actions, versions = null, actionsEnabled = false, continuable = false }: RowProps) {
  switch (item.type) {
    case 'user':
      return <UserMessage item={item} actions={actions} versions={versions} enabled={actionsEnabled} />;
    case 'assistant':
      return (
        <AnswerRow actions={!item.streaming && <AnswerActions seq={item.seq} text={item.text} actions={actions} versions={versions} enabled={actionsEnabled} />}>
          <AnswerModel item={item}>
            <AssistantMessage item={item} cutShort={cutShort} />
          </AnswerModel>
        </AnswerRow>
      );
    case 'tool':
      return <ToolCard tool={item} status={toolStatus ?? 'pending'} onAnswer={actions.answerApproval} />;
    case 'interruption':
      return (
        <InterruptionMarker item={item}>
          {continuable && actions.continueAnswer && <ContinueButton onContinue={actions.continueAnswer} enabled={actionsEnabled} />}
        </InterruptionMarker>
      );
    case 'error':
      return <ErrorMessage item={item} latest={latestError} onRetry={actions.retry} />;
    case 'resumed':
      return <ResumedDivider item={item} />;
    case 'notice':
      return <Notice item={item} />;
    case 'reasoning':
      return <ReasoningBlock item={item} cutShort={cutShort} memoryKey={item.key} />;
    case 'usage':
      return <UsageLine item={item} />;
  }
}

/** What a row that failed to render still shows: its words, unformatted; a tool card keeps its questions. */
function RowFallback({ item, toolStatus, actions }: RowProps) {
  if (item.type === 'tool') return <ToolCardFallback tool={item} status={toolStatus ?? 'pending'} onAnswer={actions.answerApproval} />;
  const text = rowText(item);
  return (
    <article className={`message message-${item.type}`} data-testid={`message-${item.type}`} data-streaming={item.type === 'assistant' && item.streaming ? 'true' : 'false'}>
      <PlainMessage text={text} reason="error" />
    </article>
  );
}

function rowText(item: Exclude<TranscriptItem, { type: 'tool' }>): string {
  switch (item.type) {
    case 'user':
    case 'assistant':
    case 'notice':
    case 'reasoning':
      return item.text;
    case 'usage':
      return '';
    case 'error':
      return item.message;
    case 'interruption':
      return interruptionText(item.cause, item.reason);
    case 'resumed':
      return resumedText(item.note, item.reason);
  }
}

function AssistantMessage({ item, cutShort }: { item: AssistantItem; cutShort: boolean }) {
  // An answer seen streaming keeps its block view as it ends: switching to the whole-text
  // formatter would format all of it again in the frame that shows its last words.
  const streamed = useRef(false);
  if (item.streaming) streamed.current = true;
  const streamedHere = streamed.current;
  return (
    <article
      className={`message message-assistant${item.streaming ? ' streaming' : ''}`}
      data-testid="message-assistant"
      data-streaming={item.streaming ? 'true' : 'false'}
      aria-label="Assistant"
      aria-busy={item.streaming}
    >
      {/* Seen streaming: formatted block by block, also once it ends (StreamingMarkdown). Finished
          before it was shown: formatted whole, once (one parse of the whole text costs less than
          formatting its blocks one by one would). */}
      {streamedHere ? <StreamingMarkdown text={item.text} ended={!item.streaming} /> : <Markdown text={item.text} />}
      {cutShort && <p className="cut-short">This answer was cut short.</p>}
    </article>
  );
}

function InterruptionMarker({ item, children }: { item: InterruptionItem; children?: ReactNode }) {
  return (
    <div className="marker marker-interruption" role="note">
      {/* The sentence alone carries the test id: the Continue action beside it is not part of what it says. */}
      <span data-testid="interruption-marker">{interruptionText(item.cause, item.reason)}</span>
      {children}
    </div>
  );
}

function ResumedDivider({ item }: { item: ResumedItem }) {
  const text = resumedText(item.note, item.reason);
  return (
    <div className="divider" data-testid="resumed-divider" role="separator" aria-label={text}>
      <span>{text}</span>
    </div>
  );
}

function ErrorMessage({ item, latest, onRetry }: { item: ErrorItem; latest: boolean; onRetry: () => void }) {
  return (
    <div className="message message-error" data-testid="error-message" role={latest ? 'alert' : undefined}>
      <p>
        <strong>This turn failed.</strong> {item.message}
      </p>
      {latest && item.retryText !== null && (
        <button type="button" className="button" data-testid="retry-button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

function Notice({ item }: { item: NoticeItem }) {
  return (
    <div className={`notice notice-${item.code}`} data-testid="notice" data-code={item.code} role="note">
      <pre className="notice-text">{item.text}</pre>
    </div>
  );
}
