/** L24: what the gateway adds to the shared command vocabulary (shared/commands.ts): the /title rule. */
import { normalizeTitle, titleProblem } from '../../../shared/lane-title.ts';

/**
 * `/title <text>`: the new title, or why it cannot be one (the shared title rule, the same as
 * `lanes.create`'s).
 */
export function titleFromCommand(arg: string): { title: string } | { problem: string } {
  const title = normalizeTitle(arg);
  if (title === '') return { problem: 'Usage: /title <text>' };
  const problem = titleProblem(title);
  return problem === null ? { title } : { problem: `${problem} The title was not changed.` };
}
