/** A window driven by the real gateway's pushes, for the tests that fold them (live-fold, reasoning-view). */
import { initialState, reduce, type AppState } from '../../../renderer/src/state/app-state.ts';
import type { CoreHarness } from '../../support/core-harness.ts';

/** The window with lane `laneKey` open on its (empty) transcript, and where the gateway's pushes for it start. */
export function windowOnNewLane(h: CoreHarness, laneKey: string): { state: AppState; sessionId: string; seen: number } {
  h.core.store.ensureLane(laneKey);
  const sessionId = h.core.store.getLane(laneKey)!.sessionId;
  let state: AppState = reduce(initialState(), { type: 'lanes-loaded', lanes: [h.core.gateway.laneStatus(laneKey)!] });
  state = reduce(state, { type: 'open-lane', laneKey });
  state = reduce(state, { type: 'transcript-loaded', laneKey, sessionId, events: [] });
  return { state, sessionId, seen: h.sink.events.length };
}
