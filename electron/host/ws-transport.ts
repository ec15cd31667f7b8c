/**
 * The host's end of a WebSocket as a Transport: one JSON text message per frame. What is not JSON
 * text is handed on as a string, so the connection handler answers it with BAD_FRAME (R1).
 */
import type { RawData, WebSocket } from 'ws';
import { decodeFrame } from '../../shared/protocol/websocket-transport.ts';
import { TransportListeners, type Transport } from '../../shared/protocol/transport.ts';

/** A front end this far behind is cut off; it reconnects and catches up, or resyncs. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export function webSocketServerTransport(socket: WebSocket, log: (message: string) => void): Transport {
  const listeners = new TransportListeners(log);
  socket.on('message', (data, isBinary) => listeners.deliver(isBinary ? '[binary frame]' : decodeFrame(text(data))));
  socket.on('close', () => listeners.close());
  // 'close' always follows an 'error'; without a listener an error would crash the host.
  socket.on('error', (error) => log(`WebSocket error: ${error.message}`));
  return {
    send(frame) {
      if (listeners.closed || socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        log('A front end stopped reading; dropping its connection so it can catch up after reconnecting.');
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify(frame));
    },
    onFrame: (listener) => listeners.onFrame(listener),
    onClose: (listener) => listeners.onClose(listener),
    close() {
      socket.close(1000, 'closed by Baton');
    },
    // Pausing the socket stops reading from TCP: the peer's own buffers fill, not the host's memory.
    pauseReading() {
      if (socket.readyState === socket.OPEN && !socket.isPaused) socket.pause();
    },
    resumeReading() {
      if (socket.isPaused) socket.resume();
    },
  };
}
