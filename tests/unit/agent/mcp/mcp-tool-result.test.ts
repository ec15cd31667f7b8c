import { describe, expect, it } from 'vitest';
import { formatMcpResult, truncateMiddle } from '../../../../electron/core/agent/mcp/mcp-tool-result.ts';

describe('MCP tool results as text for the model', () => {
  it('joins text parts with newlines', () => {
    expect(formatMcpResult({ content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] })).toBe('one\ntwo');
  });

  it('describes images, audio and resources instead of dropping them', () => {
    const output = formatMcpResult({
      content: [
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'audio', data: 'AAAAAAAA', mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///notes.txt', text: 'note body' } },
        { type: 'resource', resource: { uri: 'file:///blob.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } },
        { type: 'resource_link', uri: 'file:///x', name: 'x' },
      ],
    });
    expect(output.split('\n')).toEqual([
      '[image: image/png, about 3 bytes]',
      '[audio: audio/wav, about 6 bytes]',
      'note body',
      '[resource file:///blob.bin: application/octet-stream, about 3 bytes]',
      '[resource link: x file:///x]',
    ]);
  });

  it('falls back to structured content when there are no content parts', () => {
    expect(formatMcpResult({ content: [], structuredContent: { total: 3 } })).toBe('{"total":3}');
  });

  it('says so when the tool returned nothing', () => {
    expect(formatMcpResult({ content: [] })).toBe('(no output)');
  });

  it('keeps the head and tail of an overlong result', () => {
    const output = formatMcpResult({ content: [{ type: 'text', text: `${'a'.repeat(50)}${'b'.repeat(50)}` }] }, 20);
    expect(output).toBe(`${'a'.repeat(10)}\n[... output truncated: 80 characters omitted out of 100 ...]\n${'b'.repeat(10)}`);
    expect(truncateMiddle('short', 20)).toBe('short');
  });
});
