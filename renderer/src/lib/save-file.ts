/**
 * Hands text to the browser as a file download (a Blob behind a download link), so the window,
 * the headless host's page and the desktop app all save files the same way.
 */

// The object URL must outlive the click that starts the download; a minute is plenty.
const REVOKE_AFTER_MS = 60_000;

export function saveTextFile(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
