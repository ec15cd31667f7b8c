import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { checkConnectRequest } from '../../../electron/shell/ipc/connect-handshake.ts';
import { CLOSE_SENTINEL, messagePortTransport, type MainPort } from '../../../electron/shell/ipc/message-port-transport.ts';

class FakePort extends EventEmitter implements MainPort {
  sent: unknown[] = [];
  started = false;
  closed = false;
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}

const goodSender = { frameUrl: 'app://baton/index.html', isMainFrame: true, isKnownWindow: true };

describe('connect handshake (R1)', () => {
  it('accepts a top-level app:// frame of a Baton window with a valid request', () => {
    expect(checkConnectRequest(goodSender, { version: 1, nonce: 'abcdefgh12' })).toEqual({ ok: true, request: { version: 1, nonce: 'abcdefgh12' } });
  });

  it.each([
    ['an unknown window', { ...goodSender, isKnownWindow: false }],
    ['an iframe', { ...goodSender, isMainFrame: false }],
    ['a remote page', { ...goodSender, frameUrl: 'https://evil.example/' }],
    ['a file:// page', { ...goodSender, frameUrl: 'file:///tmp/x.html' }],
    ['a destroyed frame', { ...goodSender, frameUrl: null }],
  ])('refuses %s with a typed error', (_name, sender) => {
    const verdict = checkConnectRequest(sender, { version: 1, nonce: 'abcdefgh12' });
    expect(verdict).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER', nonce: 'abcdefgh12' } });
  });

  it.each([null, 'connect', { version: 2, nonce: 'abcdefgh12' }, { version: 1 }, { version: 1, nonce: 'abcdefgh12', extra: true }])(
    'refuses a malformed request %j without throwing',
    (payload) => {
      expect(checkConnectRequest(goodSender, payload)).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    },
  );
});

describe('MessagePortMain transport', () => {
  it('delivers frames both ways and closes with a sentinel the preload understands', () => {
    const port = new FakePort();
    const transport = messagePortTransport(port);
    const frames: unknown[] = [];
    let closed = 0;
    transport.onFrame((frame) => frames.push(frame));
    transport.onClose(() => (closed += 1));
    expect(port.started).toBe(true);

    port.emit('message', { data: { type: 'request', id: 1, method: 'app.status', params: {} } });
    transport.send({ type: 'response', id: 1, ok: true, value: {} });
    expect(frames).toEqual([{ type: 'request', id: 1, method: 'app.status', params: {} }]);

    transport.close();
    transport.close();
    expect(port.sent).toEqual([{ type: 'response', id: 1, ok: true, value: {} }, CLOSE_SENTINEL]);
    expect(port.closed).toBe(true);
    expect(closed).toBe(1);
    transport.send({ late: true });
    expect(port.sent).toHaveLength(2);
  });

  it('closes when the renderer goes away or sends the sentinel', () => {
    for (const end of [(p: FakePort) => p.emit('close'), (p: FakePort) => p.emit('message', { data: CLOSE_SENTINEL })]) {
      const port = new FakePort();
      const transport = messagePortTransport(port);
      let closed = false;
      transport.onClose(() => (closed = true));
      end(port);
      expect(closed).toBe(true);
    }
  });
});
