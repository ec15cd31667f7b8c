/**
 * Issue 10 (noted left: inline thinking): `<think>…</think>` at the start of an answer's text is
 * thinking, however the stream cuts it; the same tag anywhere else is text.
 */
import { describe, expect, it } from 'vitest';
import { ThinkTagSplitter, type ThinkPiece } from '../../../../electron/core/agent/providers/think-tags.ts';

/** Feeds `text` cut at `cuts`, then ends; returns the thinking and the answer it split out. */
function split(text: string, cuts: number[]): { reasoning: string; answer: string; order: string } {
  const splitter = new ThinkTagSplitter();
  const pieces: ThinkPiece[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    pieces.push(...splitter.push(text.slice(from, cut)));
    from = cut;
  }
  pieces.push(...splitter.end());
  const of = (kind: ThinkPiece['kind']) => pieces.filter((p) => p.kind === kind).map((p) => p.text).join('');
  const order = pieces.map((p) => p.kind[0]).join('').replace(/(.)\1+/g, '$1');
  return { reasoning: of('reasoning'), answer: of('text'), order };
}

describe('thinking inside the answer text (issue 10)', () => {
  const text = '  <think>weigh </thin k> both</think>\n\nThe answer </think> stays.';

  it('is split out the same wherever the stream cuts it, once, before the answer', () => {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 5) {
        expect(split(text, [a, b])).toEqual({ reasoning: 'weigh </thin k> both', answer: 'The answer </think> stays.', order: 'rt' });
      }
    }
  });

  it('leaves an answer that does not open with the tag as it is, whitespace included', () => {
    for (const answer of ['Hello <think>x</think>', '  <thin', '<thinker>', '\n\n', 'a']) {
      for (let a = 0; a <= answer.length; a++) expect(split(answer, [a])).toEqual({ reasoning: '', answer, order: answer === '' ? '' : 't' });
    }
  });

  it('keeps an unclosed thought as thinking, and a closing tag cut at the end as thinking too', () => {
    expect(split('<think>still going', [3, 9])).toEqual({ reasoning: 'still going', answer: '', order: 'r' });
    expect(split('<think>almost</thi', [12])).toEqual({ reasoning: 'almost</thi', answer: '', order: 'r' });
  });
});
