/**
 * dialog, from docs/api/dialog.md and shell/browser/ui/message_box_gtk.cc: showErrorBox and the
 * *Sync variants run a nested, modal loop — the main process's JavaScript stops until a person
 * answers. The model blocks the thread for a person's reaction time (BATON_HARNESS_DIALOG_BLOCK_MS)
 * with Atomics.wait and reports each box, so a scenario fails when a box appears while turns run
 * or a drain is under way (SPEC L39). Before `ready` on Linux, showErrorBox prints to stderr.
 */
import { app } from './app.ts';
import { report } from './control.ts';
import { harness } from './platform.ts';

function block(kind: string, detail: Record<string, unknown>): void {
  report('dialog', { kind, blocking: true, blockMs: harness.dialogBlockMs, ...detail });
  if (harness.dialogBlockMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, harness.dialogBlockMs);
  report('dialog.closed', { kind });
}

export const dialog = {
  showErrorBox(title: string, content: string): void {
    if (!app.isReady() && harness.platform === 'linux') {
      process.stderr.write(`${title}\n${content}\n`);
      report('dialog', { kind: 'showErrorBox', blocking: false, title, content, beforeReady: true });
      return;
    }
    block('showErrorBox', { title, content });
  },
  showMessageBoxSync(...args: unknown[]): number {
    const options = (args.length > 1 ? args[1] : args[0]) as { message?: string } | undefined;
    block('showMessageBoxSync', { message: options?.message ?? '' });
    return 0;
  },
  showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (args.length > 1 ? args[1] : args[0]) as { message?: string } | undefined;
    report('dialog', { kind: 'showMessageBox', blocking: false, message: options?.message ?? '' });
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
  showOpenDialogSync(): string[] | undefined {
    block('showOpenDialogSync', {});
    return undefined;
  },
  showOpenDialog(): Promise<{ canceled: boolean; filePaths: string[] }> {
    report('dialog', { kind: 'showOpenDialog', blocking: false });
    return Promise.resolve({ canceled: true, filePaths: [] });
  },
  showSaveDialogSync(): string | undefined {
    block('showSaveDialogSync', {});
    return undefined;
  },
  showSaveDialog(): Promise<{ canceled: boolean; filePath: string }> {
    report('dialog', { kind: 'showSaveDialog', blocking: false });
    return Promise.resolve({ canceled: true, filePath: '' });
  },
  showCertificateTrustDialog(): Promise<void> {
    return Promise.resolve();
  },
};
