/**
 * Finds the running Baton of a data directory through its address file (host.json, SPEC L33) and
 * opens a GatewayClient to it over the same WebSocket protocol the window uses, with the host's
 * own Origin (the host refuses any other, L30). The token is read from the file and never shown:
 * every message this module makes names the address without it.
 */
import WebSocket from 'ws';
import { GatewayClient } from '../../shared/protocol/client.ts';
import { WebSocketTransport, type WebSocketLike } from '../../shared/protocol/websocket-transport.ts';
import type { Transport } from '../../shared/protocol/transport.ts';
import { addressFilePath, readHostAddress, type HostAddress } from '../host/host-address.ts';
import { CliError, EXIT } from './exit-codes.ts';

const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface HostEndpoint {
  address: HostAddress;
  /** `http://host:port` — what a window's Origin is, and what may be shown. */
  origin: string;
  /** The WebSocket URL, token included: never printed. */
  wsUrl: string;
}

function urlHost(host: string): string {
  // A host bound to every interface is reached on loopback.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return reachable.includes(':') ? `[${reachable}]` : reachable;
}

export function findHost(dataDir: string): HostEndpoint {
  const file = addressFilePath(dataDir);
  const read = readHostAddress(dataDir);
  if (read.status === 'missing') {
    throw new CliError(EXIT.unreachable, `Baton is not running with the data directory ${dataDir} (there is no ${file}; Baton writes it when it starts).`);
  }
  if (read.status === 'damaged') {
    throw new CliError(EXIT.unreachable, `Cannot find Baton: the address file ${file} is damaged (${read.reason}). Starting Baton again rewrites it.`);
  }
  const origin = `http://${urlHost(read.address.host)}:${read.address.port}`;
  return { address: read.address, origin, wsUrl: `${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(read.address.token)}` };
}

/** Opens one WebSocket; rejects with a CliError that says why, without the token. */
export function openTransport(endpoint: HostEndpoint, sockets?: Set<WebSocket>): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint.wsUrl, { origin: endpoint.origin, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    sockets?.add(socket);
    socket.on('close', () => sockets?.delete(socket));
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      socket.terminate();
      reject(new CliError(EXIT.unreachable, message));
    };
    socket.on('unexpected-response', (_req, res) => {
      fail(
        `Something at ${endpoint.origin} refused the connection (HTTP ${res.statusCode ?? '?'}): it is not the Baton of this data directory, ` +
          'or Baton was started again with --new-token and has not rewritten its address yet.',
      );
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') fail(`Baton is not running (nothing answers at ${endpoint.origin}; it last ran as process ${endpoint.address.pid}).`);
      else fail(`Cannot reach Baton at ${endpoint.origin}: ${error.message}`);
    });
    socket.on('close', () => fail(`Baton at ${endpoint.origin} closed the connection before it was open.`));
    socket.on('open', () => {
      if (settled) return;
      settled = true;
      // Attached in the same tick as `open`, so no frame can arrive unheard.
      resolve(new WebSocketTransport(socket as unknown as WebSocketLike));
    });
  });
}

/**
 * A started GatewayClient, or a CliError (exit 3) when Baton cannot be reached. The first socket
 * is opened here so its failure is reported at once instead of being retried forever; later
 * reconnects (after a lost connection) go through the client's own backoff.
 */
export interface BatonConnection {
  client: GatewayClient;
  endpoint: HostEndpoint;
  /** Rejects (exit 3) when the connection drops; never resolves. */
  lost: Promise<never>;
  /** Closes the client and its socket at once, so the process can end without waiting for the close handshake. */
  close(): void;
}

export async function connectToBaton(dataDir: string): Promise<BatonConnection> {
  const endpoint = findHost(dataDir);
  const sockets = new Set<WebSocket>();
  let first: Transport | null = await openTransport(endpoint, sockets);
  const client = new GatewayClient({
    connect: () => {
      const transport = first;
      first = null;
      return transport ? Promise.resolve(transport) : openTransport(endpoint, sockets);
    },
    reconnect: { baseDelayMs: 200, maxDelayMs: 2_000 },
    // The CLI reports connection trouble itself, in its own words.
    log: () => {},
  });
  const lost = new Promise<never>((_resolve, reject) => {
    client.onConnection((state) => {
      if (state === 'reconnecting') reject(new CliError(EXIT.unreachable, `Baton at ${endpoint.origin} closed the connection.`));
    });
  });
  lost.catch(() => {});
  const close = () => {
    client.close();
    for (const socket of sockets) socket.terminate();
  };
  try {
    await Promise.race([client.start(), lost]);
  } catch (error) {
    close();
    throw error;
  }
  return { client, endpoint, lost, close };
}
