/**
 * L31 (issue 10): the window title counts the conversations that need the person, and the headless
 * window notifies (Web Notifications, when permitted) when one starts waiting for an approval while
 * the window is not in front; clicking the notification opens that conversation. The desktop app
 * shows OS notifications from the shell instead (electron/shell/notifications/), so the page never
 * notifies there (its web-notification permission is denied there anyway).
 */
import { useEffect, useRef, useState } from 'react';
import { approvalNoticeWords, awaitingChange, windowTitle } from '../../../shared/lane-condition.ts';
import { laneLabel } from '../state/app-state.ts';
import { useAppState, useStore } from '../state/hooks.ts';

/** "Baton — 2 need you": the desktop window follows the page title (the shell does not override it). */
export function useWindowTitle(): void {
  const lanes = useAppState((state) => state.lanes);
  useEffect(() => {
    document.title = windowTitle(lanes.values());
  }, [lanes]);
}

function webNotificationsUsable(): boolean {
  return typeof Notification !== 'undefined' && window.baton === undefined;
}

function windowInFront(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/** Shows a Web Notification when a conversation starts waiting for an approval and the window is not in front. */
export function useApprovalNotifications(): void {
  const store = useStore();
  const lanes = useAppState((state) => state.lanes);
  const awaiting = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const change = awaitingChange(awaiting.current, lanes.values());
    awaiting.current = change.awaiting;
    if (change.started.length === 0 || !webNotificationsUsable() || Notification.permission !== 'granted' || windowInFront()) return;
    const previews = store.getState().previews;
    for (const laneKey of change.started) {
      const lane = lanes.get(laneKey);
      if (!lane) continue;
      const words = approvalNoticeWords(laneLabel(lane, previews));
      // One notification per conversation: a newer wait replaces the older one (same tag).
      const notification = new Notification(words.title, { body: words.body, tag: `baton-approval:${laneKey}` });
      notification.onclick = () => {
        window.focus();
        store.openLane(laneKey);
        notification.close();
      };
    }
  }, [lanes, store]);
}

/**
 * Offers notifications once, on the person's click (never asked at load): shown in the headless
 * window while the browser has not been told yes or no.
 */
export function NotificationsOffer() {
  const [permission, setPermission] = useState(() => (webNotificationsUsable() ? Notification.permission : 'denied'));
  if (permission !== 'default') return null;
  return (
    <button
      type="button"
      className="button"
      data-testid="notifications-offer"
      title="Get a notification when a conversation waits for your approval while this window is in the background"
      onClick={() => void Notification.requestPermission().then(setPermission, () => setPermission('denied'))}
    >
      Notify me when I’m needed
    </button>
  );
}
