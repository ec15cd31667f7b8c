/**
 * Issue 10, the approval card: its choices (words in one place), what the window sends for each,
 * and how a stored decision reads after a reload.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import type { ApprovalAnswer } from '../../../shared/transcript.ts';
import { ToolCardFallback } from '../../../renderer/src/components/ToolCard.tsx';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { applyTranscriptEvents, emptyTranscript, type ToolItem } from '../../../renderer/src/state/transcript-model.ts';
import { EventLog, SESSION } from './events.ts';
import { FakeGateway } from './fake-gateway.ts';

function decisionTextAfter(payload: { approved: boolean; decision?: 'once' | 'conversation' | 'always' | 'deny'; reason?: string | null }): string | undefined {
  const log = new EventLog();
  const model = applyTranscriptEvents(emptyTranscript('lane', SESSION), [
    log.next('tool_call', { callId: 'call-1', name: 'shell', args: {}, effect: 'side-effecting' }),
    log.next('approval_request', { callId: 'call-1', name: 'shell', args: {} }),
    log.next('approval_decision', { callId: 'call-1', name: 'shell', ...payload }),
  ]);
  const tool = model.items.find((item): item is ToolItem => item.type === 'tool');
  return tool?.decisionText;
}

describe('approval card (issue 10)', () => {
  it('issue 10: a reloaded transcript says what the person chose', () => {
    expect(decisionTextAfter({ approved: true, decision: 'once' })).toBe('Approved once');
    expect(decisionTextAfter({ approved: true, decision: 'conversation' })).toBe('Approved for this conversation');
    expect(decisionTextAfter({ approved: true, decision: 'always' })).toBe('Always allowed (Settings)');
    expect(decisionTextAfter({ approved: false, decision: 'deny', reason: 'use staging' })).toBe('Denied: use staging');
    expect(decisionTextAfter({ approved: false, decision: 'deny', reason: null })).toBe('Denied');
    // Events written before issue 10 hold `approved` only.
    expect(decisionTextAfter({ approved: true })).toBe('Approved once');
    expect(decisionTextAfter({ approved: false })).toBe('Denied');
  });

  it('issue 10: a waiting card offers Approve once / Allow in this conversation / Always allow <tool> / Deny', () => {
    const tool: ToolItem = {
      key: 'tool:call-1', seq: 1, turnId: 't1', createdAt: 0, type: 'tool', callId: 'call-1', name: 'shell',
      args: { command: 'make deploy' }, effect: 'side-effecting', dispatched: false, approval: 'requested', result: null,
    };
    const html = renderToStaticMarkup(createElement(ToolCardFallback, { tool, status: 'approval', onAnswer: async () => {} }));
    const buttons = [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((match) => match[1]);
    expect(buttons).toEqual(['Approve once', 'Allow in this conversation', 'Always allow shell', 'Deny…']);
  });

  it('issue 10: the store sends the decision, and a deny reason only when there is one', async () => {
    const gateway = new FakeGateway({ 'approval.answer': () => ({ answered: true }) });
    const store = new AppStore(gateway);
    const answers: ApprovalAnswer[] = [{ decision: 'conversation' }, { decision: 'deny', reason: '  not on prod  ' }, { decision: 'deny', reason: '   ' }];
    for (const answer of answers) await store.answerApproval('lane', 'call-1', answer);
    expect(gateway.calls.map((call) => call.params)).toEqual([
      { laneKey: 'lane', callId: 'call-1', decision: 'conversation' },
      { laneKey: 'lane', callId: 'call-1', decision: 'deny', reason: 'not on prod' },
      { laneKey: 'lane', callId: 'call-1', decision: 'deny' },
    ]);
  });

  it('issue 10: after "Always allow" the window reloads its settings, so Settings shows the tool as auto', async () => {
    const settings = { ...DEFAULT_SETTINGS, providers: [], toolApproval: { shell: 'auto' as const } };
    const gateway = new FakeGateway({
      'approval.answer': () => ({ answered: true }),
      'settings.get': () => ({ settings, providers: [], warnings: [], notices: [] }),
    });
    const store = new AppStore(gateway);
    await store.answerApproval('lane', 'call-1', { decision: 'always' });
    expect(gateway.calls.map((call) => call.method)).toEqual(['approval.answer', 'settings.get']);
    expect(store.getState().settings?.settings.toolApproval).toEqual({ shell: 'auto' });
  });
});
