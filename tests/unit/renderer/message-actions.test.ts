/**
 * Issue 11 message actions in the window (L35): the rows shown are the current path (live, as
 * events arrive), the switcher sits on the row that starts a version, the actions render with
 * their words, code blocks get a language header with Copy, and the store sends each action.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { MarkdownFormatter } from '../../../renderer/src/components/MarkdownFormatter.tsx';
import { TranscriptRow, type RowActions } from '../../../renderer/src/components/TranscriptRow.tsx';
import { pathRows } from '../../../renderer/src/state/message-versions.ts';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { applyTranscriptEvent, applyTranscriptEvents, buildTranscript, emptyTranscript, type TranscriptItem } from '../../../renderer/src/state/transcript-model.ts';
import { loadMarkdownFormatter } from '../../../renderer/src/components/Markdown.tsx';
import { EventLog, SESSION } from './events.ts';
import { FakeGateway } from './fake-gateway.ts';

const texts = (items: readonly TranscriptItem[]) => items.flatMap((item) => (item.type === 'user' || item.type === 'assistant' ? [item.text] : []));

const actions: RowActions = {
  answerApproval: async () => {},
  retry: () => {},
  edit: async () => true,
  regenerate: () => {},
  continueAnswer: () => {},
  selectVersion: () => {},
};

function regeneratedLog() {
  const log = new EventLog();
  const question = log.next('user_message', { text: 'Name a colour' }, 't1');
  const red = log.next('assistant_text', { text: 'Red.', final: true }, 't1');
  const branch = log.next('branch', { fromSeq: question.seq }, 't2');
  const blue = log.next('assistant_text', { text: 'Blue.', final: true }, 't2');
  return { log, events: [question, red, branch, blue], red, blue };
}

describe('the current path in the window (issue 11, L35)', () => {
  it('L35: after a regeneration only the newest answer shows, with ‹ 2/2 › on it; a pushed switch brings back version 1', () => {
    const { log, events, red, blue } = regeneratedLog();
    const model = buildTranscript('lane', SESSION, events);
    expect(model.items).toHaveLength(3); // every version is kept
    const rows = pathRows(model);
    expect(texts(rows.items)).toEqual(['Name a colour', 'Blue.']);
    expect(rows.versions.get(`e${blue.seq}`)).toMatchObject({ versions: [red.seq, blue.seq - 1], index: 1 });

    const switched = applyTranscriptEvent(model, log.next('version_select', { seq: red.seq }, null));
    const after = pathRows(switched);
    expect(texts(after.items)).toEqual(['Name a colour', 'Red.']);
    expect(after.versions.get(`e${red.seq}`)?.index).toBe(0);
  });

  it('L35: an edit pushed live replaces what followed the old message; the old one stays in the model', () => {
    const log = new EventLog();
    const first = log.next('user_message', { text: 'hi' }, 't1');
    let model = applyTranscriptEvents(emptyTranscript('lane', SESSION), [first, log.next('assistant_text', { text: 'Hello.', final: true }, 't1')]);
    model = applyTranscriptEvent(model, log.next('user_message', { text: 'hi there', replaces: first.seq }, 't2'));
    model = applyTranscriptEvent(model, log.next('assistant_text', { text: 'Hello there.', final: true }, 't2'));
    const rows = pathRows(model);
    expect(texts(rows.items)).toEqual(['hi there', 'Hello there.']);
    expect(rows.versions.get('e3')).toMatchObject({ index: 1, versions: [1, 3] });
    expect(texts(model.items)).toEqual(['hi', 'Hello.', 'hi there', 'Hello there.']);
  });

  it('issue 11: a log that never forked is shown as it is (the same array, no copy)', () => {
    const log = new EventLog();
    const model = buildTranscript('lane', SESSION, [log.next('user_message', { text: 'a' }), log.next('assistant_text', { text: 'b', final: true })]);
    expect(pathRows(model).items).toBe(model.items);
  });

  it('issue 11: the interruption that ended the last turn offers Continue; a later message takes it away', () => {
    const log = new EventLog();
    const events = [log.next('user_message', { text: 'go' }), log.next('assistant_text', { text: 'half', final: false }), log.next('interruption', { cause: 'stop', reason: null })];
    const model = buildTranscript('lane', SESSION, events);
    expect(pathRows(model).continuableKey).toBe('e3');
    expect(pathRows(applyTranscriptEvent(model, log.next('user_message', { text: 'next' }, 'turn-2'))).continuableKey).toBeNull();
  });
});

describe('message action rows (issue 11)', () => {
  const render = (props: Parameters<typeof TranscriptRow>[0]) => renderToStaticMarkup(createElement(TranscriptRow, props));
  const base = { toolStatus: null, cutShort: false, latestError: false, actions };

  it('issue 11: a user message offers Copy and Edit, and its switcher reads 2/2 with words for screen readers', () => {
    const item: TranscriptItem = { key: 'e3', seq: 3, turnId: 't', createdAt: 0, type: 'user', text: 'hi there' };
    const html = render({ ...base, item, versions: { seq: 3, versions: [1, 3], index: 1 }, actionsEnabled: true });
    expect(html).toContain('data-testid="copy-message"');
    expect(html).toContain('>Edit</button>');
    expect(html).toContain('aria-label="Version 2 of 2"');
    expect(html).toContain('>2/2<');
    expect(html).toMatch(/aria-label="Next version"[^>]*disabled/);
  });

  it('issue 11: while the lane runs, Edit and Regenerate are disabled and say why; Copy still works', () => {
    const answer: TranscriptItem = { key: 'e2', seq: 2, turnId: 't', createdAt: 0, type: 'assistant', text: 'Hello.', final: true, streaming: false };
    const html = render({ ...base, item: answer, actionsEnabled: false });
    expect(html).toMatch(/data-testid="regenerate-answer" disabled="" title="Stop the running turn first"/);
    expect(html).not.toMatch(/data-testid="copy-message"[^>]*disabled/);
  });

  it('issue 11: a streaming answer has no actions yet; a stopped one offers Continue on its interruption', () => {
    const streaming: TranscriptItem = { key: 'e2', seq: 2, turnId: 't', createdAt: 0, type: 'assistant', text: 'Hel', final: false, streaming: true };
    expect(render({ ...base, item: streaming, actionsEnabled: false })).not.toContain('message-actions');
    const interruption: TranscriptItem = { key: 'e3', seq: 3, turnId: 't', createdAt: 0, type: 'interruption', cause: 'stop', reason: null };
    expect(render({ ...base, item: interruption, continuable: true, actionsEnabled: true })).toContain('>Continue</button>');
    expect(render({ ...base, item: interruption, continuable: false, actionsEnabled: true })).not.toContain('Continue');
  });
});

describe('code block header (issue 11)', () => {
  beforeAll(async () => {
    await loadMarkdownFormatter();
  });

  it('issue 11: a fenced block shows its language and a Copy button; a block without one says "text"', () => {
    const html = renderToStaticMarkup(createElement(MarkdownFormatter, { text: '```python\nprint("hi")\n```\n\n```\nplain\n```' }));
    const languages = [...html.matchAll(/data-testid="code-language">([^<]*)</g)].map((m) => m[1]);
    expect(languages).toEqual(['python', 'text']);
    expect(html).toContain('aria-label="Copy the python code"');
    expect(html.match(/data-testid="copy-code"/g)).toHaveLength(2);
    // Inline code gets no header.
    expect(renderToStaticMarkup(createElement(MarkdownFormatter, { text: 'use `x` here' }))).not.toContain('code-block');
  });
});

describe('the store sends each action (issue 11)', () => {
  it('issue 11: edit, regenerate, continue and a version switch go to their methods; a refusal is shown and the editor stays open', async () => {
    const gateway = new FakeGateway({
      'message.edit': () => {
        throw new Error('A turn is running in this conversation; stop it first, then edit.');
      },
      'turn.regenerate': () => ({ status: 'started', message: 'Sent.' }),
      'turn.continue': () => ({ status: 'started', message: 'Sent.' }),
      'message.selectVersion': () => ({ selected: true }),
    });
    const store = new AppStore(gateway);
    expect(await store.editMessage('lane', 3, 'new words')).toBe(false);
    expect(store.getState().errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Could not send the edited message: .*stop it first/)]);
    await store.regenerate('lane', 4);
    await store.continueAnswer('lane');
    await store.selectVersion('lane', 2);
    expect(gateway.calls).toEqual([
      { method: 'message.edit', params: { laneKey: 'lane', seq: 3, text: 'new words' } },
      { method: 'turn.regenerate', params: { laneKey: 'lane', seq: 4 } },
      { method: 'turn.continue', params: { laneKey: 'lane' } },
      { method: 'message.selectVersion', params: { laneKey: 'lane', seq: 2 } },
    ]);
  });
});
