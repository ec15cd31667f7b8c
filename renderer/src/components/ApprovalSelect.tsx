/**
 * One tool's approval choice (Default / Ask / Auto), for the built-in tools and the MCP servers'
 * tools alike: both edit the same `toolApproval` setting.
 */
import type { Settings, ToolApprovalMode } from '../../../shared/settings.ts';
import { withToolApproval } from '../lib/settings-form.ts';

type ToolApproval = Settings['toolApproval'];

export function ApprovalSelect(props: {
  tool: string;
  approval: ToolApproval;
  /** What "Default" means for this tool, when it is known (read-only tools run without asking). */
  defaultMode?: ToolApprovalMode;
  onChange: (next: ToolApproval) => void;
  testId?: string;
}) {
  const { tool, approval, defaultMode, onChange, testId } = props;
  return (
    <select
      aria-label={`Approval for ${tool}`}
      value={approval[tool] ?? 'default'}
      onChange={(event) => onChange(withToolApproval(approval, tool, event.target.value as ToolApprovalMode | 'default'))}
      {...(testId ? { 'data-testid': testId } : {})}
    >
      <option value="default">{defaultMode ? `Default (${defaultMode})` : 'Default'}</option>
      <option value="ask">Ask</option>
      <option value="auto">Auto</option>
    </select>
  );
}
