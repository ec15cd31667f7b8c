/**
 * The renderer's real error boundaries in a page of their own, for tests/e2e/hostile-markdown.spec.ts:
 * what happens when rendering throws anyway, past the markdown limits (issue 14 item 3). Nothing is
 * faked: the Markdown component runs with its limits switched off so `>` × 3,000 really overflows
 * the stack in Chromium, and a tool call with an impossible name really fails in React.
 */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../../../renderer/src/styles.css';
import { RegionBoundary } from '../../../renderer/src/components/ErrorBoundary.tsx';
import { Markdown } from '../../../renderer/src/components/Markdown.tsx';
import { TranscriptRow, type RowActions } from '../../../renderer/src/components/TranscriptRow.tsx';
import { NO_MARKDOWN_LIMITS } from '../../../renderer/src/lib/markdown-limits.ts';
import type { ToolItem } from '../../../renderer/src/state/transcript-model.ts';

declare global {
  interface Window {
    harnessAnswers: Array<{ callId: string; decision: string; reason?: string | undefined }>;
    harnessBroken: boolean;
  }
}

window.harnessAnswers = [];
window.harnessBroken = true;

const actions: RowActions = {
  answerApproval: async (callId, answer) => {
    window.harnessAnswers.push({ callId, ...answer });
  },
  retry: () => undefined,
};

// A name React cannot render as text: the card throws while rendering, as any unforeseen bug would.
const brokenTool = {
  key: 'tool:call-1',
  seq: 7,
  turnId: 't1',
  createdAt: 0,
  type: 'tool',
  callId: 'call-1',
  name: { unexpected: 'object' },
  args: { path: '/tmp/x' },
  effect: 'side-effecting',
  dispatched: false,
  approval: 'requested',
  result: null,
} as unknown as ToolItem;

/** Throws while the page says it is broken: a shell region with a bug that "Try again" can get past. */
function FlakyRegion() {
  if (window.harnessBroken) throw new Error('The conversation list broke');
  return <p data-testid="flaky-ok">The conversation list is back.</p>;
}

function Composer() {
  const [text, setText] = useState('');
  return (
    <div>
      <textarea data-testid="harness-composer" value={text} onChange={(event) => setText(event.target.value)} />
      <p data-testid="harness-echo">{text}</p>
    </div>
  );
}

function Harness() {
  return (
    <div>
      <RegionBoundary label="The conversation list">
        <FlakyRegion />
      </RegionBoundary>
      <section data-testid="harness-transcript">
        <article data-testid="row-before">
          <Markdown text="Before: **fine**." />
        </article>
        <article data-testid="row-hostile">
          <Markdown text={'>'.repeat(3000)} limits={NO_MARKDOWN_LIMITS} />
        </article>
        <TranscriptRow item={brokenTool} toolStatus="approval" cutShort={false} latestError={false} actions={actions} />
        <article data-testid="row-after">
          <Markdown text="After: *fine*." />
        </article>
      </section>
      <Composer />
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
