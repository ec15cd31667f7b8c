/** The client-side WebSocket transport over Node's own (WHATWG) WebSocket against a real `ws` server. */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectWebSocket, decodeFrame, hostWebSocketUrl, redactToken } from '../../../shared/protocol/websocket-transport.ts';
import { Recorder } from '../../support/recorder.ts';

let server: WebSocketServer | null = null;
afterEach(async () => {
  for (const socket of server?.clients ?? []) socket.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function listen(): Promise<{ url: string; sockets: Recorder<WebSocket> }> {
  const sockets = new Recorder<WebSocket>();
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  server.on('connection', (socket) => sockets.push(socket));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?token=t`, sockets };
}

describe('WebSocket transport', () => {
  it('carries JSON frames both ways; text that is not JSON arrives as the raw string', async () => {
    const { url, sockets } = await listen();
    const transport = await connectWebSocket(url);
    const socket = await sockets.waitFor(() => true);
    const atServer = new Recorder<string>();
    socket.on('message', (data) => atServer.push(String(data)));
    const atClient = new Recorder<unknown>();
    transport.onFrame(atClient.push);

    transport.send({ type: 'request', id: 1, method: 'lanes.list', params: {} });
    expect(JSON.parse(await atServer.waitFor(() => true))).toEqual({ type: 'request', id: 1, method: 'lanes.list', params: {} });
    socket.send(JSON.stringify({ type: 'response', id: 1, ok: true, value: [] }));
    socket.send('{ this is not json');
    await atClient.waitFor((frame) => typeof frame === 'string');
    expect(atClient.items).toEqual([{ type: 'response', id: 1, ok: true, value: [] }, '{ this is not json']);
  });

  it('reports the close, from either side, once', async () => {
    const { url, sockets } = await listen();
    const transport = await connectWebSocket(url);
    const socket = await sockets.waitFor(() => true);
    const closes = new Recorder<true>();
    transport.onClose(() => closes.push(true));
    socket.close(1012, 'restarting');
    await closes.waitFor(() => true);
    transport.close();
    transport.send({ dropped: true }); // a closed transport drops frames quietly
    expect(closes.size).toBe(1);
  });

  it('rejects when nothing listens, without putting the token in the message', async () => {
    const { url } = await listen();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const error = await connectWebSocket(`${url.replace(/token=t$/, 'token=secret-token')}`).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('derives the socket URL from the page URL the host printed', () => {
    expect(hostWebSocketUrl('http://127.0.0.1:4800/?token=abc_-1')).toBe('ws://127.0.0.1:4800/ws?token=abc_-1');
    expect(hostWebSocketUrl('https://baton.example/?x=1&token=t#top')).toBe('wss://baton.example/ws?token=t');
    expect(hostWebSocketUrl('http://[::1]:9/')).toBe('ws://[::1]:9/ws');
    expect(redactToken('ws://h/ws?token=abc&x=1')).toBe('ws://h/ws?token=…&x=1');
    expect(decodeFrame('[1,2]')).toEqual([1, 2]);
    expect(decodeFrame(new Uint8Array([1]))).toBe('[binary frame]');
  });
});
