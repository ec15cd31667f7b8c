/**
 * OS notifications (L20, L29); clicking one opens the window. Electron holds a Notification's JS
 * object only weakly while it is on screen: a notification kept in a local variable can be
 * garbage-collected before the user clicks it, and the click is then lost (electron#12690,
 * #16922). So every shown notification is kept here until it is clicked, closed or fails.
 */
import { Notification } from 'electron';
import type { Notice } from '../notifications/notification-words.ts';

/** Buttons on a notification, where the platform shows them (Electron: macOS), answered by index. */
export interface NoticeActions {
  labels: readonly string[];
  onAction: (index: number) => void;
}

export class Notifier {
  private readonly shown = new Set<Notification>();
  private readonly log: (message: string) => void;

  /** Electron shows notification actions (buttons) on macOS only (docs/api/notification.md). */
  readonly supportsActions: boolean;

  constructor(log: (message: string) => void, platform: NodeJS.Platform = process.platform) {
    this.log = log;
    this.supportsActions = platform === 'darwin';
  }

  /** Notifications on screen (kept alive until clicked or closed). */
  get pending(): number {
    return this.shown.size;
  }

  notify(notice: Notice, onClick: () => void, actions?: NoticeActions): void {
    if (!Notification.isSupported()) {
      this.log(`${notice.title}: ${notice.body}`);
      return;
    }
    const buttons = actions && this.supportsActions ? actions.labels.map((text) => ({ type: 'button' as const, text })) : [];
    const notification = new Notification({ title: notice.title, body: notice.body, silent: false, ...(buttons.length > 0 ? { actions: buttons } : {}) });
    const forget = () => void this.shown.delete(notification);
    if (buttons.length > 0 && actions) {
      notification.on('action', (_event, index) => {
        forget();
        actions.onAction(index);
      });
    }
    notification.on('click', () => {
      forget();
      onClick();
    });
    notification.on('close', forget);
    notification.on('failed', (_event, error) => {
      forget();
      this.log(`${notice.title}: ${notice.body} (the notification failed: ${error})`);
    });
    this.shown.add(notification);
    notification.show();
  }
}
