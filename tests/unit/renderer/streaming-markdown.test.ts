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
import { formattedGroupCount, formatsRightInBlocks, groupBlocks, settledBlocks } from '../../../renderer/src/lib/streaming-blocks.ts';

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

  it('never cut a list whose items are separated by blank lines, nor an item from its indented paragraphs', () => {
    const loose = '1. first\n\n2. second\n\n   more of the second\n\n       indented code\n\n3. third\n\nAfter the list.';
    expect(settledBlocks(loose)).toEqual(['1. first\n\n2. second\n\n   more of the second\n\n       indented code\n\n3. third\n\n', 'After the list.']);
    // A list after a paragraph, a fence or a heading starts a block of its own; a rule is not an item.
    expect(settledBlocks('Intro.\n\n- a\n\n- b\n\n---\n\n# Head')).toEqual(['Intro.\n\n', '- a\n\n- b\n\n', '---\n\n', '# Head']);
  });

  it('wait for the line after a blank line before cutting, as long as it could still be a list item', () => {
    expect(settledBlocks('- a\n\n')).toEqual(['- a\n\n']);
    expect(settledBlocks('- a\n\n1')).toEqual(['- a\n\n1']);
    expect(settledBlocks('- a\n\n12')).toEqual(['- a\n\n12']);
    expect(settledBlocks('- a\n\n12.')).toEqual(['- a\n\n12.']);
    expect(settledBlocks('- a\n\n12x')).toEqual(['- a\n\n', '12x']);
    expect(settledBlocks('- a\n\n-')).toEqual(['- a\n\n-']);
    expect(settledBlocks('- a\n\n-b')).toEqual(['- a\n\n', '-b']);
    expect(settledBlocks('- a\n\n  ')).toEqual(['- a\n\n  ']);
    expect(settledBlocks('Para.\n\n  ')).toEqual(['Para.\n\n  ']);
  });

  it('a blank line whose newline has not arrived cuts nothing yet', () => {
    expect(settledBlocks('Para one.\n')).toEqual(['Para one.\n']);
    expect(settledBlocks('Para one.\n  ')).toEqual(['Para one.\n  ']);
    expect(settledBlocks('Para one.\n\n')).toEqual(['Para one.\n\n']);
    expect(settledBlocks('Para one.\n\nTw')).toEqual(['Para one.\n\n', 'Tw']);
  });
});

describe('blocks that format as the whole text does (issue 13: no second formatting when an answer ends)', () => {
  it('hold for answers without link definitions, footnotes or raw HTML blocks', () => {
    expect(formatsRightInBlocks('# Title\n\n1. a\n\n2. b\n\n```\n[x]: not a definition in code? it is one for this check\n```')).toBe(false);
    expect(formatsRightInBlocks('See [docs][d].\n\n[d]: https://example.com')).toBe(false);
    expect(formatsRightInBlocks('A note[^1].\n\n[^1]: The note.')).toBe(false);
    expect(formatsRightInBlocks('<details>\n\nhidden\n\n</details>')).toBe(false);
    expect(formatsRightInBlocks('Some **bold**, a [link](https://example.com), `a < b`.\n\n- a\n\n- b')).toBe(true);
  });

  it('every prefix of an answer formats the same in blocks as whole, where the check says so', async () => {
    const text = ['# Plan', '1. **Step one**', '   Details of step one.', '2. Step two', '```ts', 'const x = 1;', '', 'const y = 2;', '```', '> quoted', '', '> again', 'Closing words with $x^2$.'].join('\n\n');
    for (let end = 0; end <= text.length; end += 7) {
      const prefix = text.slice(0, end);
      if (!formatsRightInBlocks(prefix)) continue;
      const whole = renderToStaticMarkup(createElement(Markdown, { text: prefix }));
      const blocks = groupBlocks(settledBlocks(prefix), 1)
        .map((block) => renderToStaticMarkup(createElement(Markdown, { text: block })))
        .join('');
      // The same elements in the same order: only the wrappers differ (one box per group).
      expect(strip(blocks)).toBe(strip(whole));
    }
  });
});

/** The formatted markup without the per-box wrappers and the whitespace between elements. */
function strip(html: string): string {
  return html.replace(/<div class="markdown">|<\/div>/g, '').replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();
}

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

describe('how much a frame formats (issue 13: the words on screen as fast as they arrive)', () => {
  const groups = ['a'.repeat(2_100), 'b'.repeat(2_200), 'c'.repeat(900), 'd'.repeat(300), 'e'.repeat(40)];
  const upTo = (count: number) => groups.slice(0, count).reduce((chars, group) => chars + group.length, 0);

  it('keeps what it formatted before and adds new text only while it fits the budget', () => {
    expect(formattedGroupCount(groups, 0, 2_048, false)).toBe(0);
    expect(formattedGroupCount(groups, upTo(2), 2_048, false)).toBe(5);
    expect(formattedGroupCount(groups, upTo(2), 1_000, false)).toBe(3);
    expect(formattedGroupCount(groups, upTo(5), 0, false)).toBe(5);
  });

  it('formats the group being written again when what it grew by fits, else shows it plain for a frame', () => {
    // It was formatted 2,150 characters into the second group: 50 new ones fit, 2,100 do not.
    expect(formattedGroupCount(groups, 4_250, 100, false)).toBe(2);
    expect(formattedGroupCount(groups, 2_150, 100, false)).toBe(1);
    expect(formattedGroupCount(groups, 2_150, 100, true)).toBe(2);
  });

  it('a burst shows plain at once, and each later frame formats at least one group until none is left', () => {
    let count = formattedGroupCount(groups, 0, 2_048, false);
    const frames: number[] = [count];
    while (count < groups.length) {
      count = formattedGroupCount(groups, upTo(count), 2_048, true);
      frames.push(count);
    }
    expect(frames).toEqual([0, 1, 2, 5]);
  });

  it('never counts past the groups there are', () => {
    expect(formattedGroupCount(groups, 1e9, 2_048, true)).toBe(5);
    expect(formattedGroupCount(groups, -3, 0, false)).toBe(0);
    expect(formattedGroupCount([], 0, 2_048, true)).toBe(0);
  });
});

describe('a streaming answer on screen', () => {
  it('shows the words of every block, formatted', () => {
    const html = renderToStaticMarkup(createElement(StreamingMarkdown, { text: 'Some **bold**.\n\n- a\n- b\n\nAnd `code`' }));
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<li>a</li>');
    expect(html).toContain('<code>code</code>');
  });

  it('an answer that ended shows its blocks formatted (whole only when its blocks would format differently, a frame later)', () => {
    const html = renderToStaticMarkup(createElement(StreamingMarkdown, { text: 'Some **bold**.\n\n- a\n- b', ended: true }));
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<li>a</li>');
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
