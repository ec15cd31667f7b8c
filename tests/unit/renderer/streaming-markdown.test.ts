/**
 * Issue 13 (no main-thread task of 50 ms while streaming): a streaming answer is formatted as
 * settled blocks plus the block being written, so each frame formats only the newest block. The
 * blocks must be the text exactly, never change once settled, and never cut a code fence or a
 * math block; the answer-wide limits (R4) still apply to the whole text.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdownFormatter, Markdown } from '../../../renderer/src/components/Markdown.tsx';
import { StreamingMarkdown } from '../../../renderer/src/components/StreamingMarkdown.tsx';
import { groupBlocks, settledBlocks } from '../../../renderer/src/lib/streaming-blocks.ts';

// The formatter is its own chunk (issue 13); server rendering shows what is loaded.
beforeAll(async () => {
  await loadMarkdownFormatter();
});

const ANSWER = [
  'First paragraph with `code` and **bold**.',
  '',
  '```ts',
  'const a = 1;',
  '',
  'const b = 2;',
  '```',
  '',
  '~~~~',
  '```',
  '',
  '~~~~',
  '',
  '$$',
  'x^2',
  '',
  'y^2',
  '$$',
  '',
  '',
  '- one',
  '- two',
  '',
  'Last words.',
].join('\n');

describe('settled blocks of a streaming answer', () => {
  it('are the text exactly, and a settled block never changes as the answer grows', () => {
    let settled: string[] = [];
    for (let end = 0; end <= ANSWER.length; end++) {
      const prefix = ANSWER.slice(0, end);
      const blocks = settledBlocks(prefix);
      expect(blocks.join('')).toBe(prefix);
      expect(blocks.slice(0, settled.length)).toEqual(settled);
      settled = blocks.slice(0, -1);
    }
  });

  it('cut at blank lines only outside code fences and math blocks', () => {
    expect(settledBlocks(ANSWER)).toEqual([
      'First paragraph with `code` and **bold**.\n\n',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n',
      '~~~~\n```\n\n~~~~\n\n',
      '$$\nx^2\n\ny^2\n$$\n\n',
      '\n- one\n- two\n\n',
      'Last words.',
    ]);
  });

  it('a blank line whose newline has not arrived cuts nothing yet', () => {
    expect(settledBlocks('Para one.\n')).toEqual(['Para one.\n']);
    expect(settledBlocks('Para one.\n  ')).toEqual(['Para one.\n  ']);
    expect(settledBlocks('Para one.\n\n')).toEqual(['Para one.\n\n']);
    expect(settledBlocks('Para one.\n\nTw')).toEqual(['Para one.\n\n', 'Tw']);
  });
});

describe('groups of settled blocks', () => {
  it('are the text exactly, the block being written stays alone and last, and a closed group never changes', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${'word '.repeat(i % 7)}`).join('\n\n');
    let closed: string[] = [];
    for (let end = 0; end <= text.length; end++) {
      const blocks = settledBlocks(text.slice(0, end));
      const groups = groupBlocks(blocks, 100);
      expect(groups.join('')).toBe(text.slice(0, end));
      expect(groups.at(-1)).toBe(blocks.at(-1));
      expect(groups.slice(0, closed.length)).toEqual(closed);
      closed = groups.slice(0, -1).filter((group) => group.length >= 100);
    }
    expect(groupBlocks(settledBlocks(text), 100).length).toBeLessThan(settledBlocks(text).length / 2);
  });
});

describe('a streaming answer on screen', () => {
  it('shows the words of every block, formatted', () => {
    const html = renderToStaticMarkup(createElement(StreamingMarkdown, { text: 'Some **bold**.\n\n- a\n- b\n\nAnd `code`' }));
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<li>a</li>');
    expect(html).toContain('<code>code</code>');
  });

  it('R4: an answer over the answer-wide limits is plain text while streaming too, as it will be when finished', () => {
    const text = Array.from({ length: 400 }, (_, i) => `$x_${i}$ and $y_${i}$`).join('\n\n');
    const streaming = renderToStaticMarkup(createElement(StreamingMarkdown, { text }));
    const finished = renderToStaticMarkup(createElement(Markdown, { text }));
    expect(finished).toContain('data-testid="plain-message"');
    expect(streaming).toContain('data-testid="plain-message"');
    expect(streaming).not.toContain('katex');
  });
});
