/**
 * A loopback update server in electron-builder's "generic" provider layout: latest-linux.yml /
 * latest-mac.yml naming the artifacts with their real sha512 (base64) and size, and the artifacts
 * themselves, so electron-updater's check → download → sha512 verify → 'update-downloaded' runs for
 * real. The artifacts are what the harness can install:
 * - the AppImage is a fake AppImage script (launcher.ts appImageScript) that runs the new version;
 * - the .deb is a text file `version=<v>` that the dpkg stub "installs";
 * - the mac zip is opaque bytes Squirrel's model downloads.
 * `corrupt` serves bytes that do not match the advertised sha512 (a failed verification).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appImageScript } from './launcher.ts';

export interface UpdateFeedOptions {
  version: string;
  /** The installation directory the new AppImage's launcher copies (Harness.install). */
  install: string;
  /** Serve artifacts that fail the sha512 check. */
  corrupt?: boolean;
}

export interface UpdateFeed {
  readonly url: string;
  readonly requests: string[];
  /** Resolves when a request for `path` has arrived. */
  waitForRequest(pathPart: string): Promise<void>;
  close(): Promise<void>;
}

function sha512(data: Buffer): string {
  return crypto.createHash('sha512').update(data).digest('base64');
}

export async function startUpdateFeed(options: UpdateFeedOptions): Promise<UpdateFeed> {
  const { version } = options;
  const artifacts = new Map<string, Buffer>([
    [`Baton-${version}.AppImage`, Buffer.from(appImageScript(options.install, version))],
    [`baton_${version}_amd64.deb`, Buffer.from(`version=${version}\n`)],
    [`Baton-${version}-mac.zip`, crypto.randomBytes(4096)],
  ]);
  const releaseDate = new Date().toISOString();
  const entry = (name: string) => `  - url: ${name}\n    sha512: ${sha512(artifacts.get(name)!)}\n    size: ${artifacts.get(name)!.length}\n`;
  const linuxYml =
    `version: ${version}\nfiles:\n${entry(`Baton-${version}.AppImage`)}${entry(`baton_${version}_amd64.deb`)}` +
    `path: Baton-${version}.AppImage\nsha512: ${sha512(artifacts.get(`Baton-${version}.AppImage`)!)}\nreleaseDate: '${releaseDate}'\n`;
  const macYml = `version: ${version}\nfiles:\n${entry(`Baton-${version}-mac.zip`)}path: Baton-${version}-mac.zip\nsha512: ${sha512(artifacts.get(`Baton-${version}-mac.zip`)!)}\nreleaseDate: '${releaseDate}'\n`;

  const requests: string[] = [];
  const waiters: Array<{ part: string; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\/+/, '');
    requests.push(pathname);
    for (const waiter of waiters.splice(0)) {
      if (pathname.includes(waiter.part)) waiter.resolve();
      else waiters.push(waiter);
    }
    if (pathname === 'latest-linux.yml' || pathname === 'latest-mac.yml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(pathname === 'latest-linux.yml' ? linuxYml : macYml);
      return;
    }
    const body = artifacts.get(pathname);
    if (!body) {
      res.writeHead(404);
      res.end();
      return;
    }
    const served = options.corrupt ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from('!')]) : body;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': served.length });
    res.end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    waitForRequest(part: string) {
      if (requests.some((request) => request.includes(part))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ part, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
