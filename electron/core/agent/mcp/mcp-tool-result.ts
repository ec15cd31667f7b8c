/**
 * Turns an MCP tool result into the text a Baton tool outcome carries. Tools return text parts,
 * but also images, audio or resources; those get a short placeholder so the model knows something
 * came back instead of reading an empty answer.
 */

/**
 * A CallToolResult as the SDK returns it. Read defensively: its type is a wide union (it also
 * admits the pre-2024-11 `toolResult` shape) and the content comes from another program.
 */
export type McpCallResult = Record<string, unknown>;

export const DEFAULT_MAX_OUTPUT_CHARS = 64 * 1024;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function describeBinary(kind: string, part: Record<string, unknown>): string {
  const data = text(part.data) ?? text(part.blob);
  // base64: four characters carry three bytes.
  const size = data === undefined ? '' : `, about ${Math.floor((data.length * 3) / 4)} bytes`;
  return `[${kind}: ${text(part.mimeType) ?? 'unknown type'}${size}]`;
}

function describePart(part: Record<string, unknown>): string {
  switch (part.type) {
    case 'text':
      return text(part.text) ?? '';
    case 'image':
    case 'audio':
      return describeBinary(part.type, part);
    case 'resource': {
      const resource = (part.resource ?? {}) as Record<string, unknown>;
      const body = text(resource.text);
      if (body !== undefined) return body;
      return describeBinary(`resource ${text(resource.uri) ?? ''}`.trim(), resource);
    }
    case 'resource_link':
      return `[resource link: ${text(part.name) ?? ''} ${text(part.uri) ?? ''}]`.replace(/ +]/, ']');
    default:
      return `[${String(part.type)} content]`;
  }
}

/** Keeps the head and the tail: a long listing's start says what it is, its end often why it failed. */
export function truncateMiddle(output: string, maxChars: number): string {
  if (output.length <= maxChars) return output;
  const head = Math.ceil(maxChars / 2);
  const tail = maxChars - head;
  const omitted = output.length - maxChars;
  return `${output.slice(0, head)}\n[... output truncated: ${omitted} characters omitted out of ${output.length} ...]\n${output.slice(output.length - tail)}`;
}

function isPart(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function formatMcpResult(result: McpCallResult, maxChars = DEFAULT_MAX_OUTPUT_CHARS): string {
  const parts = (Array.isArray(result.content) ? result.content : []).filter(isPart).map(describePart);
  let output = parts.join('\n');
  // Tools with an output schema may answer with structured content only.
  const structured = result.structuredContent ?? result.toolResult;
  if (parts.length === 0 && structured !== undefined) output = JSON.stringify(structured) ?? '';
  if (output.length === 0) output = '(no output)';
  return truncateMiddle(output, maxChars);
}
