/**
 * R4 (issue 14 item 3): no model answer can break the window. Each hostile input below is
 * rendered through the real Markdown component (react-markdown with GFM, math, KaTeX and
 * highlighting); none may throw, and those over the limits must show as plain text with the note.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdownFormatter, Markdown } from '../../../renderer/src/components/Markdown.tsx';
import { PLAIN_MESSAGE_NOTE, splitPlainText } from '../../../renderer/src/components/PlainMessage.tsx';
import { checkMarkdownLimits, MARKDOWN_LIMITS, NO_MARKDOWN_LIMITS, type MarkdownLimitName } from '../../../renderer/src/lib/markdown-limits.ts';

// The formatter is its own chunk (issue 13); loaded, every render below is formatted at once.
beforeAll(async () => {
  await loadMarkdownFormatter();
});

function render(text: string): string {
  return renderToStaticMarkup(createElement(Markdown, { text }));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The (escaped) text inside the plain message, across its pieces. */
function plainTextOf(html: string): string {
  const open = '<div class="plain-message" data-testid="plain-message">';
  const start = html.indexOf(open);
  expect(start).toBeGreaterThan(-1);
  expect(html.endsWith('</div></div>')).toBe(true);
  return html.slice(start + open.length, -'</div></div>'.length).replaceAll('<span class="plain-piece">', '').replaceAll('</span>', '');
}

function nestedList(marker: string, levels: number): string {
  return Array.from({ length: levels }, (_, level) => `${' '.repeat(level * 2)}${marker} x`).join('\n');
}

const SHELL_LINE = 'echo "$HOME $PATH $USER $SHELL $PWD"';

/** Inputs that must be shown as plain text, and the limit that must catch each. */
const OVER_THE_LIMITS: Array<[name: string, text: () => string, limit: MarkdownLimitName]> = [
  ['`>` × 3,000 (the reported 3 KB answer)', () => '>'.repeat(3000), 'maxContainerDepth'],
  ['`> ` × 3,000 then text', () => '> '.repeat(3000) + 'x', 'maxContainerDepth'],
  ['`- ` × 3,000 (lists nested on one line)', () => '- '.repeat(3000) + 'x', 'maxContainerDepth'],
  ['`* ` × 3,000', () => '* '.repeat(3000) + 'x', 'maxContainerDepth'],
  ['`1. ` × 3,000', () => '1. '.repeat(3000) + 'x', 'maxContainerDepth'],
  ['`> - ` × 3,000 (quotes and lists mixed)', () => '> - '.repeat(3000) + 'x', 'maxContainerDepth'],
  ['`-` lists nested by indentation, 200 levels', () => nestedList('-', 200), 'maxContainerDepth'],
  ['`-` lists nested by indentation, 3,000 levels (9 MB)', () => nestedList('-', 3000), 'maxChars'],
  ['`*` lists nested by indentation, 3,000 levels', () => nestedList('*', 3000), 'maxChars'],
  ['`[` × 10,000', () => '['.repeat(10_000), 'maxBracketDepth'],
  ['links nested 3,000 deep', () => '[a'.repeat(3000) + '](x)'.repeat(3000), 'maxBracketDepth'],
  ['images nested 3,000 deep', () => '![a'.repeat(3000) + '](x)'.repeat(3000), 'maxBracketDepth'],
  ['`*` × 10,000 around a word', () => '*'.repeat(10_000) + 'a' + '*'.repeat(10_000), 'maxEmphasisDepth'],
  ['`*a ` × 3,000 (emphasis nested 3,000 deep)', () => '*a '.repeat(3000) + 'b' + '*'.repeat(3000), 'maxEmphasisDepth'],
  ['`**a ` × 3,000', () => '**a '.repeat(3000) + 'b' + '**'.repeat(3000), 'maxEmphasisDepth'],
  ['`_a ` × 3,000', () => '_a '.repeat(3000) + 'b' + '_'.repeat(3000), 'maxEmphasisDepth'],
  ['`~~a ` × 3,000', () => '~~a '.repeat(3000) + 'b' + '~~'.repeat(3000), 'maxEmphasisDepth'],
  ['`$x$` × 3,000 (a storm of formulas)', () => '$x$ '.repeat(3000), 'maxMathDelimiters'],
  ['`$` × 10,000', () => '$'.repeat(10_000), 'maxMathDelimiters'],
  ['one `$$` block of 60 KB', () => '$$\n' + 'x^2 + '.repeat(10_000) + '\n$$', 'maxMathChars'],
  ['braces nested 10,000 deep in math', () => '$' + '{'.repeat(10_000) + 'x' + '}'.repeat(10_000) + '$', 'maxMathChars'],
  ['a fence inside a `$$` block hiding math', () => '$$\n```\n' + 'x^2 + '.repeat(10_000) + '\n$$', 'maxMathChars'],
  ['a 1,000-column table of 1,000 one-cell rows (8 KB, a million cells)', () => '|' + 'a|'.repeat(1000) + '\n|' + '-|'.repeat(1000) + '\n' + '|x|\n'.repeat(1000), 'maxTableCells'],
  ['a 5 MB single line', () => 'word '.repeat(1_000_000), 'maxChars'],
  ['200,000 lines', () => 'x\n'.repeat(200_000), 'maxChars'],
  ['6,000 short lines', () => 'x\n'.repeat(6000), 'maxLines'],
  // A fence closes with the list item it sits in: what follows is markdown again, and is checked.
  ['emphasis after a fence its list item closed', () => '- ```\nx\n' + '*a '.repeat(3000), 'maxEmphasisDepth'],
  // A backtick in the info string makes it inline code, not a fence.
  ['emphasis after a fake fence', () => '``` a`b\n' + '*a '.repeat(3000), 'maxEmphasisDepth'],
];

describe('R4: hostile answers over the limits show as plain text, with the note', () => {
  it.each(OVER_THE_LIMITS)('%s', (_name, make, limit) => {
    const text = make();
    expect(checkMarkdownLimits(text)).toMatchObject({ ok: false, limit });
    const html = render(text);
    expect(html).toContain(PLAIN_MESSAGE_NOTE);
    expect(html).toContain(`data-reason="${limit}"`);
    // Every character is there, as text: nothing was parsed, nothing dropped.
    expect(plainTextOf(html)).toBe(escapeHtml(text));
    expect(html).not.toContain('class="markdown"');
  });
});

describe('R4: hostile-looking answers the formatter handles stay formatted, and never throw', () => {
  it('`*` × 10,000 is one thematic break', () => {
    const html = render('*'.repeat(10_000));
    expect(html).toBe('<div class="markdown"><hr/></div>');
  });

  it('deeply nested HTML-like text is dropped, not rendered (raw HTML is never rendered)', () => {
    const html = render('<div>'.repeat(3000) + 'x' + '</div>'.repeat(3000) + '\n\n' + '<b>'.repeat(1000) + 'y' + '</b>'.repeat(1000));
    expect(html).not.toMatch(/<div>|<b>/);
    expect(html.startsWith('<div class="markdown">')).toBe(true);
  });

  it('a formula cannot draw a giant box: user sizes are capped at 20 em', () => {
    const html = render('$\\rule{100000em}{100000em}$');
    expect(html).toContain('class="katex"');
    expect(html).not.toMatch(/[:="]100000em/);
    expect(html).toMatch(/height:20em/);
  });

  it('`$` in fenced code does not count as math', () => {
    const script = '```sh\n' + `${SHELL_LINE}\n`.repeat(200) + '```';
    expect((script.match(/\$/g) ?? []).length).toBeGreaterThan(MARKDOWN_LIMITS.maxMathDelimiters);
    const html = render(script);
    expect(html).not.toContain(PLAIN_MESSAGE_NOTE);
    expect(html).toContain('<pre><code class="hljs language-sh">');
  });

  it('an ordinary long answer is formatted in full', () => {
    const section = [
      '## Step',
      '',
      'Some **bold** text with `code`, a [link](https://example.com), *emphasis* and $x^2 + y^2 = z^2$.',
      '',
      '- one',
      '  - two',
      '    - three',
      '',
      '> a quote',
      '',
      '| a | b |',
      '|---|---|',
      '| **1** | 2 |',
      '',
      '```js',
      'const total = items.reduce((sum, item) => sum + item.price * item.count, 0);',
      '```',
      '',
    ].join('\n');
    const text = section.repeat(40);
    expect(text.length).toBeGreaterThan(10_000);
    expect(checkMarkdownLimits(text)).toEqual({ ok: true });
    const html = render(text);
    expect(html).not.toContain(PLAIN_MESSAGE_NOTE);
    expect(html.match(/<table>/g)).toHaveLength(40);
    expect(html.match(/class="katex"/g)).toHaveLength(40);
    expect(html.match(/<blockquote>/g)).toHaveLength(40);
  });
});

describe('R4: the guard is what stops the overflow', () => {
  it('without the limits, `>` × 3,000 overflows the formatter’s stack', () => {
    expect(() => renderToStaticMarkup(createElement(Markdown, { text: '>'.repeat(3000), limits: NO_MARKDOWN_LIMITS }))).toThrow(RangeError);
  });
});

describe('R4: the same guard holds for partial text while an answer streams', () => {
  const streams: Array<[string, string]> = [
    ['`>` × 3,000', '>'.repeat(3000)],
    ['emphasis nested 3,000 deep', '*a '.repeat(3000) + 'b' + '*'.repeat(3000)],
    ['a formula storm after a normal paragraph', 'Here are the values:\n\n' + '$x$ '.repeat(600)],
    ['a huge table', '|' + 'a|'.repeat(200) + '\n|' + '-|'.repeat(200) + '\n' + '|x|\n'.repeat(100)],
  ];

  it.each(streams)('%s: every partial text renders without throwing, and once plain stays plain', (_name, full) => {
    const pieces = 40;
    let plainSince: number | null = null;
    for (let piece = 1; piece <= pieces; piece++) {
      const partial = full.slice(0, Math.ceil((full.length * piece) / pieces));
      const verdict = checkMarkdownLimits(partial);
      const html = render(partial);
      if (!verdict.ok) {
        plainSince ??= piece;
        expect(html).toContain(PLAIN_MESSAGE_NOTE);
      } else {
        expect(plainSince, `piece ${piece} was formatted after piece ${plainSince} was plain`).toBeNull();
      }
    }
    // The whole answer is over the limits, so the stream ended plain.
    expect(plainSince).not.toBeNull();
  });
});

describe('R4: a huge plain message is cut into pieces the browser can skip laying out', () => {
  it.each([
    ['200,000 short lines', 'line\n'.repeat(200_000)],
    ['a 5 MB single line', 'word '.repeat(1_000_000)],
    ['lines of mixed lengths, blank ones included', Array.from({ length: 3000 }, (_, i) => 'x'.repeat((i * 7919) % 500)).join('\n')],
    ['one short line', 'hello'],
    ['nothing', ''],
  ])('%s: the pieces join back to the exact text, none over 200 lines or 32 KiB', (_name, text) => {
    const pieces = splitPlainText(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(32_768);
      expect(piece.split('\n').length - 1).toBeLessThanOrEqual(200);
    }
    if (text.length > 1_000_000) expect(pieces.length).toBeGreaterThan(100);
  });

  it('a 200,000-line answer renders as pieces, whole', () => {
    const text = 'line\n'.repeat(200_000) + 'end';
    const html = renderToStaticMarkup(createElement(Markdown, { text }));
    expect(html.match(/class="plain-piece"/g)).toHaveLength(1001);
    expect(plainTextOf(html)).toBe(text);
  });
});
