/**
 * `net.request`, as electron-updater's ElectronHttpExecutor uses it (lib/browser/api/net.ts,
 * ClientRequest): a request whose 'response' gives a readable IncomingMessage with statusCode and
 * headers, which never follows redirects itself when `redirect: 'manual'` but emits 'redirect'
 * (statusCode, method, redirectUrl, headers). Backed by Node's http/https against the loopback
 * update feed: real bytes, so electron-updater's sha512 check runs for real.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';

export interface RequestOptions {
  url?: string;
  method?: string;
  protocol?: string;
  hostname?: string;
  host?: string;
  port?: number | string;
  path?: string;
  headers?: Record<string, string | string[]>;
  redirect?: 'follow' | 'error' | 'manual';
  [key: string]: unknown;
}

export class ClientRequest extends EventEmitter {
  private readonly inner: http.ClientRequest;
  private aborted = false;

  constructor(options: RequestOptions | string) {
    super();
    const opts: RequestOptions = typeof options === 'string' ? { url: options } : options;
    const url = opts.url ? new URL(opts.url) : null;
    const protocol = url?.protocol ?? opts.protocol ?? 'http:';
    const transport = protocol === 'https:' ? https : http;
    const redirect = opts.redirect ?? 'follow';
    this.inner = transport.request({
      method: opts.method ?? 'GET',
      protocol,
      hostname: url?.hostname ?? opts.hostname ?? opts.host,
      port: url?.port || opts.port,
      path: url ? `${url.pathname}${url.search}` : opts.path,
      headers: opts.headers as http.OutgoingHttpHeaders,
    });
    this.inner.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location && redirect === 'manual') {
        const target = new URL(response.headers.location, url ?? `${protocol}//${opts.hostname}:${opts.port}${opts.path}`).href;
        response.resume();
        this.emit('redirect', status, opts.method ?? 'GET', target, response.headers);
        return;
      }
      this.emit('response', response);
    });
    this.inner.on('error', (error) => {
      if (!this.aborted) this.emit('error', error);
    });
  }

  setHeader(name: string, value: string): void {
    this.inner.setHeader(name, value);
  }

  write(chunk: string | Buffer): void {
    this.inner.write(chunk);
  }

  end(chunk?: string | Buffer): void {
    this.inner.end(chunk);
  }

  abort(): void {
    this.aborted = true;
    this.inner.destroy();
    this.emit('abort');
  }
}

export const net = {
  request: (options: RequestOptions | string) => new ClientRequest(options),
  isOnline: () => true,
  get online(): boolean {
    return true;
  },
  fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
};
