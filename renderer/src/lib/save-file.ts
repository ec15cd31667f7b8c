/** Hands a file to the browser as a download (a Blob behind a link): the same in the headless host's page and the desktop window. */

// The object URL must outlive the click that starts the download; a minute is plenty.
const REVOKE_AFTER_MS = 60_000;

export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
