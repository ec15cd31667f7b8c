/**
 * The banners a front end that connects now should show (SPEC L8): the drain's while it runs, for
 * the lanes still running, in the words the core last emitted, so a window opened late (or
 * reloaded) shows what one open all along would show. Interrupted and suspended conversations are
 * not banners: the lane summary carries their condition (shared/lane-condition.ts).
 */
import type { Banner } from '../../../shared/gateway-events.ts';

export interface CurrentBannerInputs {
  draining: boolean;
  /** Lanes with a live turn now. */
  activeLanes: ReadonlySet<string>;
  recorded: readonly Banner[];
}

export function currentBanners(inputs: CurrentBannerInputs): Banner[] {
  if (!inputs.draining) return [];
  return inputs.recorded.filter((banner) => banner.kind === 'drain' && (banner.scope === 'global' || inputs.activeLanes.has(banner.laneKey)));
}
