/** The open conversation: its header, banners, rows and composer. */
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { laneLabel, type QueuedText } from '../state/app-state.ts';
import { useAppState, useStore } from '../state/hooks.ts';
import type { OutboxEntry } from '../state/outbox.ts';
import type { TranscriptModel } from '../state/transcript-model.ts';
import { LaneBanners } from './Banners.tsx';
import { Composer } from './Composer.tsx';
import { ConversationAgent } from './ConversationAgent.tsx';
import { RegionBoundary } from './ErrorBoundary.tsx';
import { ExportMenu } from './ExportMenu.tsx';
import { TranscriptList, type PagingActions } from './TranscriptList.tsx';
import { ConversationUsage } from './UsageLine.tsx';
import type { RowActions } from './TranscriptRow.tsx';
import type { AttachmentDraft } from '../lib/attachment-drafts.ts';

// Opened by /resume alone; loads then (issue 13: the window's initial JS stays small).
const ResumeDialog = lazy(() => import('./ResumeDialog.tsx').then((module) => ({ default: module.ResumeDialog })));

const NO_QUEUED: readonly QueuedText[] = [];

export function ConversationView({ lane }: { lane: LaneStatus }) {
  const store = useStore();
  const laneKey = lane.laneKey;
  const previews = useAppState((state) => state.previews);
  const slot = useAppState((state) => state.transcript);
  const feedback = useAppState((state) => state.sendFeedback.get(laneKey));
  const queuedTexts = useAppState((state) => state.queuedTexts.get(laneKey)) ?? NO_QUEUED;
  const outbox = useAppState((state) => state.outbox);
  const waiting = useMemo<readonly OutboxEntry[]>(() => outbox.filter((entry) => entry.laneKey === laneKey), [outbox, laneKey]);
  const draining = useAppState((state) => state.banners.globalDrain !== null);
  const connected = useAppState((state) => state.connection.state === 'open');
  const laneActive = lane.activity !== 'idle';

  const actions = useMemo<RowActions>(
    () => ({
      answerApproval: (callId, answer) => store.answerApproval(laneKey, callId, answer),
      retry: () => void store.retry(laneKey),
      edit: (seq, text) => store.editMessage(laneKey, seq, text),
      regenerate: (seq) => void store.regenerate(laneKey, seq),
      continueAnswer: () => void store.continueAnswer(laneKey),
      selectVersion: (seq) => void store.selectVersion(laneKey, seq),
    }),
    [store, laneKey],
  );

  const paging = useMemo<PagingActions>(
    () => ({ older: () => void store.loadOlder(laneKey), newer: () => void store.loadNewer(laneKey), latest: () => void store.loadTranscript(laneKey) }),
    [store, laneKey],
  );

  const onSend = useCallback((text: string) => store.send(laneKey, text), [store, laneKey]);
  const onStop = useCallback(() => void store.stop(laneKey), [store, laneKey]);
  // Issue 11: attachments, and /resume as a list.
  const onSendWithAttachments = useCallback(
    (text: string, drafts: readonly AttachmentDraft[], onProgress: (sent: number, total: number) => void) => store.sendWithAttachments(laneKey, text, drafts, onProgress),
    [store, laneKey],
  );
  const [resumeListOpen, setResumeListOpen] = useState(false);
  const onOpenResumeList = useCallback(() => setResumeListOpen(true), []);

  let model: TranscriptModel | null = null;
  if (slot.status === 'ready' && slot.model.laneKey === laneKey) model = slot.model;
  else if (slot.status === 'loading' && slot.laneKey === laneKey) model = slot.previous;
  const streaming = model?.live != null;

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-head">
        <h2 id="conversation-title">{laneLabel(lane, previews)}</h2>
        <span className="conversation-state" data-testid="lane-activity" data-activity={lane.activity}>
          {lane.activity === 'running' ? 'Working…' : lane.activity === 'starting' ? 'Starting…' : ''}
        </span>
        {model && <ConversationUsage items={model.items} />}
        <ConversationAgent lane={lane} />
        <ExportMenu laneKey={laneKey} />
      </header>
      <RegionBoundary label="This conversation's banners">
        <LaneBanners lane={lane} />
      </RegionBoundary>
      {model ? (
        // The composer sits outside this boundary: whatever the transcript does, a person can still type.
        <RegionBoundary label="This conversation" resetKey={`${model.laneKey}:${model.sessionId}`}>
          <TranscriptList key={`${model.laneKey}:${model.sessionId}`} model={model} laneActive={laneActive} actions={actions} paging={paging} />
        </RegionBoundary>
      ) : slot.status === 'error' ? (
        <div className="transcript-status" role="alert">
          <p>Could not load this conversation: {slot.message}</p>
          <button type="button" className="button" onClick={() => void store.loadTranscript(laneKey)}>
            Try again
          </button>
        </div>
      ) : (
        <p className="transcript-status" role="status">
          Loading the conversation…
        </p>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {streaming ? 'The assistant is responding.' : laneActive ? 'The assistant is working.' : ''}
      </p>
      <RegionBoundary label="The message box">
        <Composer
          lane={lane}
          feedback={feedback}
          queuedTexts={queuedTexts}
          outbox={waiting}
          connected={connected}
          waitingForBaton={draining || !connected || feedback?.status === 'queued-for-restart'}
          onSend={onSend}
          onStop={onStop}
          onSendWithAttachments={onSendWithAttachments}
          onOpenResumeList={onOpenResumeList}
        />
      </RegionBoundary>
      {resumeListOpen && (
        <Suspense fallback={null}>
          <ResumeDialog laneKey={laneKey} onClose={() => setResumeListOpen(false)} />
        </Suspense>
      )}
    </section>
  );
}
