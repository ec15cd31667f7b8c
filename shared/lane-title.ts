/**
 * The one rule for a conversation's title, wherever it is set (`lanes.create`, `/title`, the
 * automatic title from the first message): surrounding space trimmed, line breaks and runs of
 * space folded into one space, at most MAX_TITLE_LENGTH characters. `/title` accepted 5,000
 * characters while `lanes.create` capped titles at 200 (issue 14).
 */
export const MAX_TITLE_LENGTH = 200;

export function normalizeTitle(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Why a title cannot be used, or null when it can (after `normalizeTitle`). */
export function titleProblem(title: string): string | null {
  if (title.length > MAX_TITLE_LENGTH) {
    return `A title can have at most ${MAX_TITLE_LENGTH} characters; this one has ${title.length.toLocaleString('en-US')}.`;
  }
  return null;
}
