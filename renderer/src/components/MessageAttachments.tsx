/**
 * A sent message's attachments in the transcript (issue 11): an image as its thumbnail, a file as
 * a chip with its name, size and place in the workspace. A thumbnail is drawn only when it is an
 * image data URL (checked again here: a transcript event is stored data, not trusted markup).
 */
import { THUMBNAIL_PATTERN, type AttachmentRef } from '../../../shared/attachments.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

export function MessageAttachments({ attachments }: { attachments: readonly AttachmentRef[] }) {
  return (
    <ul className="message-attachments" aria-label="Attachments">
      {attachments.map((attachment, index) => (
        <li
          key={`${attachment.name}-${index}`}
          className="attachment-chip"
          data-testid="message-attachment"
          data-kind={attachment.kind}
          title={attachment.path ? `${attachment.name} — saved as ${attachment.path} in the workspace` : attachment.name}
        >
          {attachment.kind === 'image' && attachment.thumbnail && THUMBNAIL_PATTERN.test(attachment.thumbnail) ? (
            <img src={attachment.thumbnail} alt={attachment.name} className="message-thumb" data-testid="message-thumbnail" />
          ) : (
            <FileIcon />
          )}
          <span className="attachment-name">{attachment.name}</span>
          <span className="attachment-size">{formatBytes(attachment.size)}</span>
        </li>
      ))}
    </ul>
  );
}

export function FileIcon() {
  // Drawn inline: emoji fonts are not on every machine.
  return (
    <svg className="attachment-icon" aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
      <path d="M3.5 1h6l3 3v11h-9Z" fill="none" stroke="currentColor" strokeWidth="1.2" />
      <path d="M9.5 1v3h3" fill="none" stroke="currentColor" strokeWidth="1.2" />
    </svg>
  );
}
