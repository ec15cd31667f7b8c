/** OS notifications (L20, L29); clicking one opens the window. */
import { Notification } from 'electron';
import type { Notice } from '../notifications/notification-words.ts';

export function notify(notice: Notice, onClick: () => void, log: (message: string) => void): void {
  if (!Notification.isSupported()) {
    log(`${notice.title}: ${notice.body}`);
    return;
  }
  const notification = new Notification({ title: notice.title, body: notice.body, silent: false });
  notification.on('click', onClick);
  notification.show();
}
