/** Explicit disposal (issue 9 item 7): the window's store lets go of the client when it stops. */
import { describe, expect, it } from 'vitest';
import { AppStore } from '../../../renderer/src/state/store.ts';
import { FakeGateway, settle } from './fake-gateway.ts';

/** The fake gateway, counting the listeners added and not removed yet. */
class CountingGateway extends FakeGateway {
  live = 0;
  private track(off: () => void): () => void {
    this.live += 1;
    let removed = false;
    return () => {
      if (!removed) this.live -= 1;
      removed = true;
      off();
    };
  }
  override onEvent(listener: Parameters<FakeGateway['onEvent']>[0]): () => void {
    return this.track(super.onEvent(listener));
  }
  override onConnection(listener: Parameters<FakeGateway['onConnection']>[0]): () => void {
    return this.track(super.onConnection(listener));
  }
}

describe('AppStore: stop undoes every subscription start made', () => {
  it('no client listener is left and later pushes and connection changes do not reach the state', async () => {
    const gateway = new CountingGateway({});
    const store = new AppStore(gateway);
    const stop = store.start();
    expect(gateway.live).toBe(2);
    gateway.connect('reconnecting');
    await settle();
    const before = store.getState();
    stop();
    stop();
    expect(gateway.live).toBe(0);
    gateway.connect('closed');
    gateway.push({ type: 'banner', banner: { kind: 'session-reset', laneKey: 'x', previousSessionId: 's0', text: 'after stop' } });
    await settle();
    expect(store.getState()).toBe(before);
  });
});
