/**
 * Thinking that arrives inside the answer's text (issue 10 note): llama.cpp without a reasoning
 * format, older Ollama and vLLM without a reasoning parser stream DeepSeek-R1 / Qwen3 style
 * models' thinking as `<think>…</think>` at the start of the content. Left there it shows as part
 * of the answer (the tags themselves are raw HTML the window skips). This splits it out as
 * thinking, as if the server had sent it in `reasoning_content`.
 *
 * Only a `<think>` that opens the answer (after whitespace) counts: the same tag later in an
 * answer is text the model wrote (an answer about these tags, say). Tags may be split across
 * chunks in any way: text that could still become a tag is held back until it is known.
 */

const OPEN = '<think>';
const CLOSE = '</think>';

export type ThinkPiece = { kind: 'reasoning' | 'text'; text: string };

export class ThinkTagSplitter {
  /** before: nothing but whitespace yet; thinking: inside the tags; after: whitespace after them; answer: the rest, text. */
  private state: 'before' | 'thinking' | 'after' | 'answer' = 'before';
  /** Text held back: a possible start of a tag. */
  private held = '';

  /** The pieces `chunk` completes, in order. */
  push(chunk: string): ThinkPiece[] {
    const pieces: ThinkPiece[] = [];
    let rest = this.held + chunk;
    this.held = '';
    while (rest !== '') {
      if (this.state === 'answer') {
        pieces.push({ kind: 'text', text: rest });
        break;
      }
      if (this.state === 'after') {
        // The blank line models put after the tag is not part of the answer.
        rest = rest.replace(/^\s+/, '');
        if (rest === '') break;
        this.state = 'answer';
        continue;
      }
      if (this.state === 'before') {
        const start = rest.trimStart();
        if (start === '') {
          this.held = rest;
          break;
        }
        if (start.startsWith(OPEN)) {
          this.state = 'thinking';
          rest = start.slice(OPEN.length);
          continue;
        }
        if (OPEN.startsWith(start)) {
          this.held = rest;
          break;
        }
        this.state = 'answer';
        continue;
      }
      // Thinking: up to the closing tag; a tail that may begin it waits for the next chunk.
      const close = rest.indexOf(CLOSE);
      if (close >= 0) {
        if (close > 0) pieces.push({ kind: 'reasoning', text: rest.slice(0, close) });
        this.state = 'after';
        rest = rest.slice(close + CLOSE.length);
        continue;
      }
      const keep = partialTagLength(rest, CLOSE);
      if (rest.length > keep) pieces.push({ kind: 'reasoning', text: rest.slice(0, rest.length - keep) });
      this.held = rest.slice(rest.length - keep);
      break;
    }
    return merge(pieces);
  }

  /** The stream ended: what was held back is what it is (an unclosed `<think>` stays thinking). */
  end(): ThinkPiece[] {
    const held = this.held;
    this.held = '';
    if (held === '') return [];
    if (this.state === 'thinking') return [{ kind: 'reasoning', text: held }];
    return [{ kind: 'text', text: held }];
  }
}

/** How many characters at the end of `text` are a start of `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}

function merge(pieces: ThinkPiece[]): ThinkPiece[] {
  const merged: ThinkPiece[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && last.kind === piece.kind) last.text += piece.text;
    else merged.push({ ...piece });
  }
  return merged;
}
