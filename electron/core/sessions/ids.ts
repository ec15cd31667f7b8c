/** Ids are ULIDs: unique and sortable by creation time (SPEC §1), monotonic within a millisecond. */
import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

export function newId(prefix: 'ses' | 'turn' | 'lane'): string {
  return `${prefix}_${next()}`;
}
