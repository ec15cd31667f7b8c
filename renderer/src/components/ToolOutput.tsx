/**
 * Issue 10: what a tool card shows of a running or finished call beyond its arguments — the live
 * output of a command (auto-scrolling unless the person scrolled up), Copy and "Download full
 * output", and the diff a `write_file` made. Loaded with the first card that has either (issue 13);
 * the elapsed time and exit badge are in ToolTiming.tsx.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { isTruncated, keptOutputText, omittedChars } from '../../../shared/tool-output.ts';
import type { ToolResultDetails } from '../../../shared/transcript.ts';
import { saveBlob } from '../lib/save-file.ts';
import { useAppState, useStore } from '../state/hooks.ts';
import type { ToolItem, ToolOutputView } from '../state/transcript-model.ts';
import { copyText } from '../lib/clipboard.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

/** Within this many pixels of the bottom counts as "at the bottom": new output keeps it in view. */
const STICK_PX = 24;
const COPIED_MS = 2_000;

/** The command's output as it streams; it follows new lines unless the person scrolled up to read. */
export function LiveOutput({ tool, output, running }: { tool: ToolItem; output: ToolOutputView; running: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const text = keptOutputText(output.kept);
  useLayoutEffect(() => {
    const pre = ref.current;
    if (pre && stick.current) pre.scrollTop = pre.scrollHeight;
  }, [text]);
  const onScroll = () => {
    const pre = ref.current;
    if (pre) stick.current = pre.scrollHeight - pre.scrollTop - pre.clientHeight <= STICK_PX;
  };
  const truncated = isTruncated(output.kept);
  return (
    <div className="tool-live">
      <pre ref={ref} className="tool-live-output" data-testid="tool-output" data-live={running ? 'true' : 'false'} role="log" aria-label={`Output of ${tool.name}`} tabIndex={0} onScroll={onScroll}>
        {text}
      </pre>
      <OutputActions tool={tool} output={output} text={text} />
      {truncated && (
        <p className="tool-output-note" data-testid="tool-output-truncated">
          Showing the first and last 32 K characters; {omittedChars(output.kept).toLocaleString()} in between are not shown here ({formatBytes(output.totalBytes)} in all).
        </p>
      )}
    </div>
  );
}

function OutputActions({ tool, output, text }: { tool: ToolItem; output: ToolOutputView; text: string }) {
  const store = useStore();
  const laneKey = useAppState((state) => state.openLaneKey);
  const [copied, setCopied] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const copy = () => {
    void copyText(text).then((ok) => {
      if (!ok) return;
      setCopied(true);
      setTimeout(() => setCopied(false), COPIED_MS);
    });
  };
  const download = () => {
    if (laneKey === null) return;
    setDownloading(true);
    void store
      .fullToolOutput(laneKey, output.seq)
      .then((full) => {
        if (full) saveBlob(`${tool.name}-output-${tool.callId.replace(/[^\w-]/g, '_').slice(0, 40)}.txt`, new Blob([full.text], { type: 'text/plain;charset=utf-8' }));
      })
      .finally(() => setDownloading(false));
  };
  return (
    <div className="tool-output-actions">
      <button type="button" className="button" data-testid="tool-copy-output" onClick={copy}>
        {copied ? 'Copied' : 'Copy output'}
      </button>
      {output.fullOutput && isTruncated(output.kept) && (
        <button type="button" className="button" data-testid="tool-download-output" disabled={downloading} onClick={download}>
          Download full output
        </button>
      )}
    </div>
  );
}

/** The unified diff a write made, one line per row, coloured by what it does. */
export function DiffView({ diff }: { diff: NonNullable<ToolResultDetails['diff']> }) {
  const lines = diff.text.replace(/\n$/, '').split('\n');
  return (
    <details className="tool-diff" open data-testid="tool-diff">
      <summary>
        {diff.created ? 'Created' : 'Changed'} <code>{diff.path}</code> <span className="diff-added">+{diff.added}</span> <span className="diff-removed">−{diff.removed}</span>
      </summary>
      {diff.text === '' ? (
        <p className="tool-output-note">No changes to the content.</p>
      ) : (
        <pre className="tool-diff-text" aria-label={`Changes to ${diff.path}`}>
          {lines.map((line, index) => (
            <span key={index} className={diffLineClass(line)}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
      {diff.truncated && <p className="tool-output-note">The diff is long; only its beginning is shown.</p>}
    </details>
  );
}

function diffLineClass(line: string): string {
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-context';
}

