/**
 * The MCP settings page's form helpers (issue 10): a server as the fields of its form and back,
 * and the import of the `mcpServers` JSON Claude Desktop and Cursor users already have. The gateway
 * checks every list it is sent with the same schema (shared/settings.ts).
 */
import { isMcpHttpServer, mcpServerConfigSchema, type McpServerConfig } from '../../../shared/settings.ts';

export type McpTransportChoice = 'stdio' | 'http';

export interface McpServerForm {
  name: string;
  transport: McpTransportChoice;
  command: string;
  /** One argument per line: no shell quoting to get wrong. */
  args: string;
  /** `NAME=value` per line (stdio env) or `Name: value` per line (HTTP headers). */
  secrets: string;
  cwd: string;
  url: string;
  enabled: boolean;
}

export const EMPTY_MCP_FORM: McpServerForm = { name: '', transport: 'stdio', command: '', args: '', secrets: '', cwd: '', url: '', enabled: true };

export function formFromConfig(config: McpServerConfig): McpServerForm {
  const enabled = config.enabled !== false;
  if (isMcpHttpServer(config)) {
    const secrets = Object.entries(config.headers ?? {}).map(([name, value]) => `${name}: ${value}`).join('\n');
    return { ...EMPTY_MCP_FORM, name: config.name, transport: 'http', url: config.url, secrets, enabled };
  }
  const secrets = Object.entries(config.env ?? {}).map(([name, value]) => `${name}=${value}`).join('\n');
  return { ...EMPTY_MCP_FORM, name: config.name, command: config.command, args: (config.args ?? []).join('\n'), secrets, cwd: config.cwd ?? '', enabled };
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

function pairs(text: string, separator: '=' | ':', what: string): Record<string, string> | string {
  const result: Record<string, string> = {};
  for (const line of lines(text)) {
    const at = line.indexOf(separator);
    if (at <= 0) return `Each ${what} line is ${separator === '=' ? 'NAME=value' : 'Name: value'}; "${line}" is not.`;
    result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return result;
}

export type FormResult = { ok: true; config: McpServerConfig } | { ok: false; message: string };

export function configFromForm(form: McpServerForm): FormResult {
  const name = form.name.trim();
  const base = { name, ...(form.enabled ? {} : { enabled: false }) };
  let candidate: Record<string, unknown>;
  if (form.transport === 'http') {
    const headers = pairs(form.secrets, ':', 'header');
    if (typeof headers === 'string') return { ok: false, message: headers };
    candidate = { ...base, url: form.url.trim(), ...(Object.keys(headers).length > 0 ? { headers } : {}) };
  } else {
    const env = pairs(form.secrets, '=', 'environment');
    if (typeof env === 'string') return { ok: false, message: env };
    const args = lines(form.args);
    candidate = {
      ...base,
      command: form.command.trim(),
      ...(args.length > 0 ? { args } : {}),
      ...(Object.keys(env).length > 0 ? { env } : {}),
      ...(form.cwd.trim() !== '' ? { cwd: form.cwd.trim() } : {}),
    };
  }
  const parsed = mcpServerConfigSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, config: parsed.data };
}

export interface ImportResult {
  /** Servers to add, in the order of the pasted JSON. */
  added: McpServerConfig[];
  /** One sentence per entry left out (a name already taken, a bad entry). */
  skipped: string[];
}

/**
 * Reads `{ "mcpServers": { "<name>": { command, args?, env? } | { url, headers? } } }` (also a bare
 * `{ "<name>": … }` map). Never replaces a server that already exists: an entry with a taken name is
 * skipped and said so. Unknown fields (`type`, `disabled`, …) are ignored, except `disabled: true`.
 */
export function parseMcpImport(text: string, existingNames: ReadonlySet<string>): ImportResult | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `That is not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed)) return { error: 'Expected a JSON object with "mcpServers".' };
  const map = 'mcpServers' in parsed ? parsed.mcpServers : parsed;
  if (!isObject(map) || Object.keys(map).length === 0) return { error: 'No servers found: expected { "mcpServers": { "<name>": { "command": … } } }.' };
  const added: McpServerConfig[] = [];
  const skipped: string[] = [];
  const taken = new Set(existingNames);
  for (const [name, entry] of Object.entries(map)) {
    if (taken.has(name)) {
      skipped.push(`"${name}" already exists; it was not replaced.`);
      continue;
    }
    if (!isObject(entry)) {
      skipped.push(`"${name}" is not an object.`);
      continue;
    }
    const candidate: Record<string, unknown> = { name };
    for (const key of ['command', 'args', 'env', 'cwd', 'url', 'headers'] as const) if (entry[key] !== undefined) candidate[key] = entry[key];
    if (entry.disabled === true) candidate.enabled = false;
    const checked = mcpServerConfigSchema.safeParse(candidate);
    if (!checked.success) {
      skipped.push(`"${name}": ${checked.error.issues.map((issue) => issue.message).join('; ')}.`);
      continue;
    }
    taken.add(name);
    added.push(checked.data);
  }
  return { added, skipped };
}
