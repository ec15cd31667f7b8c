/**
 * The IPC end of the MessagePort handshake: a window asks for a gateway port, the sender and the
 * request are checked (R1), a MessageChannelMain is created and one end goes to the ProtocolServer.
 */
import { ipcMain, MessageChannelMain, type IpcMainEvent, type WebContents } from 'electron';
import type { Transport } from '../../../shared/protocol/transport.ts';
import { checkConnectRequest, CONNECT_CHANNEL, PORT_CHANNEL, REFUSED_CHANNEL } from '../ipc/connect-handshake.ts';
import { messagePortTransport } from '../ipc/message-port-transport.ts';
import { describeError } from '../../../shared/errors.ts';

export interface GatewayIpcOptions {
  /** Whether this webContents belongs to a window Baton created. */
  owns: (contents: WebContents) => boolean;
  /** Serves the gateway over the transport; throws when the gateway is not running. */
  accept: (transport: Transport) => void;
  log: (message: string) => void;
}

export function serveGatewayPorts(options: GatewayIpcOptions): () => void {
  const handler = (event: IpcMainEvent, payload: unknown) => {
    const frame = event.senderFrame;
    const verdict = checkConnectRequest(
      {
        frameUrl: frame && !frame.isDestroyed() ? frame.url : null,
        isMainFrame: frame !== null && frame === event.sender.mainFrame,
        isKnownWindow: options.owns(event.sender),
      },
      payload,
    );
    if (!verdict.ok) {
      options.log(`Refused a gateway connection: ${verdict.error.message}`);
      event.sender.send(REFUSED_CHANNEL, verdict.error);
      return;
    }
    const { port1, port2 } = new MessageChannelMain();
    try {
      options.accept(messagePortTransport(port1, options.log));
    } catch (error) {
      port1.close();
      event.sender.send(REFUSED_CHANNEL, { code: 'UNAVAILABLE', message: describeError(error), nonce: verdict.request.nonce });
      return;
    }
    event.sender.postMessage(PORT_CHANNEL, { nonce: verdict.request.nonce }, [port2]);
  };
  ipcMain.on(CONNECT_CHANNEL, handler);
  return () => void ipcMain.removeListener(CONNECT_CHANNEL, handler);
}
