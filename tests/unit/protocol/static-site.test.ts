/**
 * Issue 14 items 5 and 6, the headless host's HTTP side (L30, R4): the token gate and the file
 * server agree on one decoded, normalised path, so no spelling of the page's address skips the
 * token or the CSP; no symbolic link serves anything from outside the renderer build; and the
 * number of open WebSockets is capped. A real HTTP server on 127.0.0.1 serving a real folder.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_CONNECTIONS, startHostServer, type HostServer } from '../../../electron/host/host-server.ts';
import { ServiceHarness } from '../../fixtures/host-service-harness.ts';

const TOKEN = 'static-site-test-token-0123456789abcdef';
let harness: ServiceHarness;
let server: HostServer;
let root: string;

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-site-'));
  const dist = path.join(root, 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Baton app page</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the build');
  fs.mkdirSync(path.join(root, 'private'));
  fs.writeFileSync(path.join(root, 'private', 'notes.txt'), 'also outside');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'assets', 'linked.txt'));
  fs.symlinkSync(path.join(root, 'private'), path.join(dist, 'assets', 'linked-dir'));
  fs.symlinkSync(path.join(dist, 'index.html'), path.join(dist, 'assets', 'page.html'));
  harness = await ServiceHarness.start();
  server = await startHostServer({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    token: TOKEN,
    rendererDir: dist,
    protocol: harness.server,
    log: () => {},
  });
});

afterEach(async () => {
  await server.close(1001, 'test over');
  harness.cleanup();
  fs.rmSync(root, { recursive: true, force: true });
});

function get(pathAndQuery: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, method: 'GET', headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('issue 14 item 6: the page is reachable only through the token gate (L30, R4)', () => {
  const spellings = ['/%69ndex.html', '/index%2ehtml', '/assets/..%2findex.html', '/assets/%2e%2e/index.html', '/%2Findex.html', '/assets/page.html'];

  it.each(spellings)('%s without the token is refused, never served without the CSP', async (spelling) => {
    const response = await get(spelling);
    expect(response.body).not.toContain('Baton app page');
    expect([403, 404]).toContain(response.status);
  });

  it.each(spellings.slice(0, 5))('%s with the token is the page, with its CSP', async (spelling) => {
    const response = await get(`${spelling}?token=${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.body).toContain('Baton app page');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('a broken escape is a bad request; a double-encoded name is decoded once and names no file', async () => {
    expect((await get('/%E0%A4%A.js')).status).toBe(400);
    expect((await get(`/%2569ndex.html?token=${TOKEN}`)).status).toBe(404);
  });

  it('hashed assets are still served', async () => {
    const response = await get('/assets/app-1234.js');
    expect(response.status).toBe(200);
    expect(response.body).toBe('console.log("app")');
  });
});

describe('issue 14 item 6: symbolic links cannot serve files outside the build', () => {
  it('a link to a file or a folder outside the build answers 404', async () => {
    expect((await get('/assets/linked.txt')).status).toBe(404);
    expect((await get('/assets/linked-dir/notes.txt')).status).toBe(404);
    expect((await get('/assets/linked.txt')).body).not.toContain('outside the build');
  });
});

describe('issue 14 item 5: open WebSockets are capped', () => {
  function open(): Promise<{ socket: WebSocket; status: number }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { origin: server.origin });
      socket.on('open', () => resolve({ socket, status: 101 }));
      socket.on('unexpected-response', (_req, res) => resolve({ socket, status: res.statusCode ?? 0 }));
      socket.on('error', () => {});
    });
  }

  it(`the socket after ${MAX_CONNECTIONS} open ones is refused with 503; once one closes, a new one is accepted`, async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        const { socket, status } = await open();
        sockets.push(socket);
        expect(status).toBe(101);
      }
      const refused = await open();
      sockets.push(refused.socket);
      expect(refused.status).toBe(503);

      const first = sockets[0]!;
      await new Promise<void>((resolve) => {
        first.once('close', () => resolve());
        first.close();
      });
      // The server forgets a socket when its close handshake completes on its side too.
      let again = await open();
      while (again.status === 503) {
        again.socket.terminate();
        await new Promise<void>((resolve) => setImmediate(resolve));
        again = await open();
      }
      sockets.push(again.socket);
      expect(again.status).toBe(101);
    } finally {
      for (const socket of sockets) socket.terminate();
    }
  });
});
