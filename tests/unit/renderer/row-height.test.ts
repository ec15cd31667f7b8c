/**
 * Issue 13: the guessed height of a transcript row before it is drawn, which decides how many rows
 * the first pass of an opening conversation draws. It follows the text: each line wraps on its
 * own, longer answers guess taller, and the guess stays bounded for a huge text.
 */
import { describe, expect, it } from 'vitest';
import { estimateRowPx, wrappedLines } from '../../../renderer/src/lib/row-height.ts';
import type { AssistantItem, UserItem } from '../../../renderer/src/state/transcript-model.ts';

const base = { seq: 1, turnId: null, createdAt: 0 };
const answer = (text: string): AssistantItem => ({ ...base, key: 'e1', type: 'assistant', text, final: true, streaming: false });
const question = (text: string): UserItem => ({ ...base, key: 'e2', type: 'user', text });

describe('row height guesses (issue 13)', () => {
  it('issue 13: each line of a text wraps on its own; an empty line counts once', () => {
    expect(wrappedLines('', 100)).toBe(1);
    expect(wrappedLines('a'.repeat(100), 100)).toBe(1);
    expect(wrappedLines('a'.repeat(101), 100)).toBe(2);
    expect(wrappedLines('one\n\ntwo', 100)).toBe(3);
    expect(wrappedLines(`${'a'.repeat(250)}\n- item\n- item`, 100)).toBe(5);
  });

  it('issue 13: a longer answer guesses taller, a one-line message about as tall as it is drawn; a huge text stays bounded', () => {
    const short = estimateRowPx(answer('Yes.'));
    const long = estimateRowPx(answer(`**Title.** ${'word '.repeat(60)}\n\n- one\n- two\n\n${'word '.repeat(30)}`));
    expect(long).toBeGreaterThan(short);
    // A one-line question is drawn about 102 px tall in the window's styles; the guess is close.
    expect(estimateRowPx(question('How do I build it?'))).toBeGreaterThanOrEqual(95);
    expect(estimateRowPx(question('How do I build it?'))).toBeLessThanOrEqual(110);
    const huge = estimateRowPx(answer('line\n'.repeat(100_000)));
    expect(huge).toBeLessThan(10_000);
    expect(Number.isFinite(huge)).toBe(true);
  });
});
