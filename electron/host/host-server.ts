/**
 * One HTTP server on one port: the renderer's files, and the gateway's WebSocket at `/ws`
 * (SPEC L30). Access rules are in access.ts; the protocol itself is the ProtocolServer's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ProtocolServer } from '../core/protocol/protocol-server.ts';
import { hostAllowed, loopbackHosts, originAllowed, requestUrl, tokenMatches, tokenOf, type AccessPolicy } from './access.ts';
import { FORBIDDEN_PAGE, isIndexPath, send, sitePath, StaticSite } from './static-site.ts';
import { webSocketServerTransport } from './ws-transport.ts';

/** Large enough for the biggest message the contract allows (200,000 characters, JSON-escaped). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/**
 * Open WebSockets at once. Each window holds one; a handful of tabs and scripts is normal. The cap
 * keeps a token holder from multiplying the per-connection bounds (protocol-server.ts) by opening
 * sockets without end.
 */
export const MAX_CONNECTIONS = 64;
const HEARTBEAT_MS = 30_000;
const CLOSE_WAIT_MS = 1_000;

export interface HostServerOptions {
  host: string;
  port: number;
  /** Host header check on loopback; off for --allow-remote (the token still guards). */
  allowRemote: boolean;
  token: string;
  rendererDir: string;
  protocol: ProtocolServer;
  log: (message: string) => void;
}

export interface HostServer {
  readonly port: number;
  /** The address to open: `http://<host>:<port>/?token=<token>`. */
  readonly url: string;
  readonly origin: string;
  /** Closes every WebSocket with `code` (1012 restart, 1001 going away), then the server. */
  close(code: number, reason: string): Promise<void>;
}

function reject(socket: Duplex, status: 403 | 404 | 400 | 503, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const site = new StaticSite(options.rendererDir);
  const policy: AccessPolicy = { token: options.token, allowedHosts: null };
  // allowSynchronousEvents off: ws hands over one message per turn of the event loop, so a socket
  // whose buffer holds thousands of pipelined frames takes turns with the other sockets (issue 14).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: true, allowSynchronousEvents: false });
  const alive = new WeakMap<WebSocket, boolean>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(policy, req)) {
      send(res, 403, 'Forbidden: unexpected Host header.\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed.\n', { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
      return;
    }
    // Decoded and normalised once: the gate checks exactly the path the file server serves.
    const pathname = sitePath(requestUrl(req).pathname);
    if (pathname === null) {
      send(res, 400, 'Bad request path.\n', { 'Content-Type': 'text/plain; charset=utf-8' }, req.method);
      return;
    }
    if (isIndexPath(pathname)) {
      if (!tokenMatches(options.token, tokenOf(req))) {
        send(res, 403, FORBIDDEN_PAGE, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, req.method);
        return;
      }
      site.serveIndex(req, res, req.headers.host!);
      return;
    }
    if (site.serveFile(req, res, pathname)) return;
    // Browsers ask for it unprompted; an empty answer keeps their consoles free of 404 noise.
    if (pathname === '/favicon.ico') return send(res, 204, '', { 'Cache-Control': 'no-cache' }, req.method);
    send(res, 404, 'Not found.\n', { 'Content-Type': 'text/plain; charset=utf-8' }, req.method);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (requestUrl(req).pathname !== '/ws') return reject(socket, 404, 'Not Found');
    if (!tokenMatches(options.token, tokenOf(req))) return reject(socket, 403, 'Forbidden');
    if (!originAllowed(policy, req)) {
      options.log(`Refused a WebSocket from origin ${JSON.stringify(req.headers.origin ?? null)}.`);
      return reject(socket, 403, 'Forbidden');
    }
    if (wss.clients.size >= MAX_CONNECTIONS) {
      options.log(`Refused a WebSocket: ${MAX_CONNECTIONS} are open already.`);
      return reject(socket, 503, 'Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      options.protocol.accept(webSocketServerTransport(ws, options.log));
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (!options.allowRemote) policy.allowedHosts = loopbackHosts(port);
  const origin = `http://${urlHost(options.host)}:${port}`;

  // A peer that vanished without closing (a laptop lid shut) is noticed and its socket freed.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    port,
    origin,
    url: `${origin}/?token=${options.token}`,
    async close(code, reason) {
      clearInterval(heartbeat);
      server.close();
      const closing = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(code, reason);
          }),
      );
      // Close frames tell the windows why (and that Baton comes back); nobody waits long for the answer.
      await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      wss.close();
    },
  };
}
