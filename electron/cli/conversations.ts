/**
 * Which conversation a person means: its key, or the start of its title when exactly one title
 * starts that way (case does not matter). An exact title beats a prefix, so "Notes" can be named
 * even when "Notes for Monday" exists too.
 */
import type { LaneStatus } from '../../shared/gateway-events.ts';
import { CliError, EXIT } from './exit-codes.ts';

export function displayTitle(lane: Pick<LaneStatus, 'title'>): string {
  return lane.title.trim() === '' ? '(untitled)' : lane.title;
}

export function resolveConversation(lanes: readonly LaneStatus[], wanted: string): LaneStatus {
  const byKey = lanes.find((lane) => lane.laneKey === wanted);
  if (byKey) return byKey;
  const needle = wanted.trim().toLocaleLowerCase();
  if (needle === '') throw new CliError(EXIT.usage, 'A conversation is needed: its key or the start of its title.');
  const exact = lanes.filter((lane) => lane.title.trim().toLocaleLowerCase() === needle);
  if (exact.length === 1) return exact[0]!;
  const matches = exact.length > 1 ? exact : lanes.filter((lane) => lane.title.trim().toLocaleLowerCase().startsWith(needle));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new CliError(EXIT.notFound, `No conversation has the key or a title starting with "${wanted}". "baton list" shows them.`);
  }
  const shown = matches.slice(0, 10).map((lane) => `  ${lane.laneKey}  ${displayTitle(lane)}`);
  throw new CliError(
    EXIT.notFound,
    [`"${wanted}" matches ${matches.length} conversations; give more of the title, or the key:`, ...shown, ...(matches.length > 10 ? ['  …'] : [])].join('\n'),
  );
}
