/**
 * The scripts the harness puts into every window's page, before any of the page's own script:
 *
 * - the *isolated world* (CDP Page.addScriptToEvaluateOnNewDocument with a worldName, which is how
 *   Chromium runs a script beside a page without sharing its JS globals, like Electron's
 *   contextIsolation world) runs the real built preload, wrapped like Electron's sandboxed preload
 *   (lib/sandboxed_renderer/init.ts): a `require` that knows only `electron` (contextBridge,
 *   ipcRenderer, webFrame, webUtils), `events`, `timers` and `url`, and throws
 *   `module not found: <name>` for anything else (so a preload that pulls in Node fails here as it
 *   would in Electron). ipcRenderer reaches Node through a CDP binding that exists only in that
 *   world (Runtime.addBinding with executionContextName); Node answers with Runtime.evaluate.
 * - the *main world* gets only the receiving end of the contextBridge emulation.
 *
 * contextBridge (docs/api/context-bridge.md, shell/renderer/api/electron_api_context_bridge.cc) is
 * emulated with its rules: values are copied (structured clone of the CustomEvent detail, which
 * Blink clones when another world reads it), functions and promises are proxied (a call crosses
 * synchronously: dispatchEvent is synchronous), errors keep their message, prototypes are dropped.
 * What the emulation cannot be: native. A page that could guess the per-page random event name
 * could listen in; the real contextBridge has no such channel. Both worlds share the DOM, so the
 * channel is a pair of CustomEvent types on `document`, stopped at their target.
 */
import { decodeClone, encodeClone } from './clone-codec.ts';

// These functions run in the page, not in Node: the page's globals, typed just enough here
// (the tests project has no DOM lib).
interface PagePort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(data: unknown): void;
  addEventListener(type: 'close', listener: () => void): void;
  close(): void;
}
declare const document: EventTarget;
declare const window: { top: unknown } & Record<string, unknown>;
declare const MessageChannel: new () => { port1: PagePort; port2: PagePort };

/** One end of the contextBridge emulation; its source runs in both worlds. */
function bridgeEnd(side: 'main' | 'isolated', token: string): { expose(key: string, api: unknown): void } {
  const incoming = `${token}:to-${side}`;
  const outgoing = `${token}:to-${side === 'main' ? 'isolated' : 'main'}`;
  // Captured now, before any page script could patch them.
  const listen = EventTarget.prototype.addEventListener;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const stop = Event.prototype.stopImmediatePropagation;
  const detailOf = Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail')!.get!;
  const CustomEventCtor = CustomEvent;
  const defineProperty = Object.defineProperty;
  const doc = document;
  const win = window;
  const local = new Map<string, (...args: unknown[]) => unknown>();
  const waiting = new Map<string, { resolve(value: unknown): void; reject(error: unknown): void }>();
  const returns: Array<{ ok: boolean; value: unknown }> = [];
  let nextId = 1;

  type Message =
    | { kind: 'call'; id: string; args: unknown[] }
    | { kind: 'return'; ok: boolean; value: unknown }
    | { kind: 'settle'; id: string; ok: boolean; value: unknown }
    | { kind: 'expose'; key: string; value: unknown };

  const send = (message: Message) => {
    dispatch.call(doc, new CustomEventCtor(outgoing, { detail: message }));
  };
  const encodeError = (error: unknown) => ({
    $bridge: 'error',
    message: error instanceof Error ? error.message : String(error),
    name: error instanceof Error ? error.name : 'Error',
  });
  const encode = (value: unknown, depth = 0): unknown => {
    if (depth > 1000) throw new Error('Object has too much nesting to cross the context bridge');
    if (typeof value === 'function') {
      const id = `${side}:${nextId++}`;
      local.set(id, value as (...args: unknown[]) => unknown);
      return { $bridge: 'fn', id };
    }
    if (typeof value === 'symbol') throw new Error('Symbols cannot cross the context bridge');
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Promise) {
      const id = `${side}:${nextId++}`;
      value.then(
        (result) => send({ kind: 'settle', id, ok: true, value: encode(result) }),
        (error) => send({ kind: 'settle', id, ok: false, value: error instanceof Error ? encodeError(error) : encode(error) }),
      );
      return { $bridge: 'promise', id };
    }
    if (value instanceof Error) return encodeError(value);
    if (Array.isArray(value)) return { $bridge: 'array', v: value.map((item) => encode(item, depth + 1)) };
    const tag = Object.prototype.toString.call(value);
    if (tag !== '[object Object]') return { $bridge: 'clone', v: value };
    // Like contextBridge: own enumerable properties copied, the prototype dropped.
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = encode((value as Record<string, unknown>)[key], depth + 1);
    return { $bridge: 'object', v: copy };
  };
  const decode = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const tagged = node as { $bridge: string; id: string; v: unknown; message: string; name: string };
    switch (tagged.$bridge) {
      case 'fn': {
        const id = tagged.id;
        return function bridged(...args: unknown[]): unknown {
          send({ kind: 'call', id, args: args.map((arg) => encode(arg)) });
          const result = returns.pop();
          if (!result) throw new Error('The other side of the context bridge did not answer');
          if (!result.ok) throw decode(result.value);
          return decode(result.value);
        };
      }
      case 'promise':
        return new Promise((resolve, reject) => waiting.set(tagged.id, { resolve, reject }));
      case 'error': {
        const error = new Error(tagged.message);
        return error;
      }
      case 'array':
        return (tagged.v as unknown[]).map((item) => decode(item));
      case 'object': {
        const copy: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(tagged.v as Record<string, unknown>)) copy[key] = decode(value);
        return copy;
      }
      case 'clone':
        return tagged.v;
      default:
        return node;
    }
  };
  listen.call(doc, incoming, (event: Event) => {
    stop.call(event);
    const message = detailOf.call(event) as Message;
    switch (message.kind) {
      case 'call': {
        const fn = local.get(message.id);
        let reply: Message;
        try {
          if (!fn) throw new Error('A function that crossed the context bridge is gone');
          reply = { kind: 'return', ok: true, value: encode(fn(...message.args.map((arg) => decode(arg)))) };
        } catch (error) {
          reply = { kind: 'return', ok: false, value: encodeError(error) };
        }
        send(reply);
        return;
      }
      case 'return':
        returns.push({ ok: message.ok, value: message.value });
        return;
      case 'settle': {
        const entry = waiting.get(message.id);
        waiting.delete(message.id);
        if (entry) (message.ok ? entry.resolve : entry.reject)(decode(message.value));
        return;
      }
      case 'expose': {
        let reply: Message;
        try {
          if (side !== 'main') throw new Error('Only the isolated world exposes to the main world');
          if (Object.prototype.hasOwnProperty.call(win, message.key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
          defineProperty(win, message.key, { value: decode(message.value), enumerable: true, writable: false, configurable: false });
          reply = { kind: 'return', ok: true, value: undefined };
        } catch (error) {
          reply = { kind: 'return', ok: false, value: encodeError(error) };
        }
        send(reply);
        return;
      }
    }
  });
  return {
    expose(key: string, api: unknown) {
      send({ kind: 'expose', key, value: encode(api) });
      const result = returns.pop();
      if (!result) throw new Error('contextBridge: the main world is not there');
      if (!result.ok) throw decode(result.value);
    },
  };
}

/** The isolated-world half: runs the preload with a sandboxed preload's require. */
function isolatedPreload(
  config: { token: string; binding: string; deliver: string; preloadPath: string; platform: string; versions: Record<string, string> },
  codec: { encode(value: unknown): string; decode(text: string): unknown },
  makeBridge: typeof bridgeEnd,
  runPreload: (require: (name: string) => unknown, module: { exports: unknown }, exports: unknown, process: unknown, global: unknown) => void,
): void {
  if (window.top !== window) return; // Electron runs the preload in the main frame only (nodeIntegrationInSubFrames: false).
  const g = globalThis as unknown as Record<string, unknown>;
  const binding = g[config.binding] as (payload: string) => void;
  delete g[config.binding];
  const toNode = (message: unknown) => binding(codec.encode(message));
  const bridge = makeBridge('isolated', config.token);

  // Node's EventEmitter surface, as the `events` module a sandboxed preload gets.
  type Listener = (...args: unknown[]) => void;
  class EventEmitter {
    private readonly listenerMap = new Map<string | symbol, Listener[]>();
    on(name: string | symbol, listener: Listener): this { this.listenerMap.set(name, [...(this.listenerMap.get(name) ?? []), listener]); return this; }
    addListener(name: string | symbol, listener: Listener): this { return this.on(name, listener); }
    prependListener(name: string | symbol, listener: Listener): this { this.listenerMap.set(name, [listener, ...(this.listenerMap.get(name) ?? [])]); return this; }
    once(name: string | symbol, listener: Listener): this {
      const wrapper: Listener & { original?: Listener } = (...args) => { this.removeListener(name, wrapper); listener(...args); };
      wrapper.original = listener;
      return this.on(name, wrapper);
    }
    off(name: string | symbol, listener: Listener): this { return this.removeListener(name, listener); }
    removeListener(name: string | symbol, listener: Listener): this {
      const list = this.listenerMap.get(name) ?? [];
      const index = list.findIndex((entry) => entry === listener || (entry as { original?: Listener }).original === listener);
      if (index >= 0) list.splice(index, 1);
      return this;
    }
    removeAllListeners(name?: string | symbol): this { if (name === undefined) this.listenerMap.clear(); else this.listenerMap.delete(name); return this; }
    listeners(name: string | symbol): Listener[] { return [...(this.listenerMap.get(name) ?? [])]; }
    listenerCount(name: string | symbol): number { return this.listenerMap.get(name)?.length ?? 0; }
    eventNames(): Array<string | symbol> { return [...this.listenerMap.keys()].filter((name) => this.listenerCount(name) > 0); }
    emit(name: string | symbol, ...args: unknown[]): boolean {
      const list = [...(this.listenerMap.get(name) ?? [])];
      for (const listener of list) listener.apply(this, args);
      return list.length > 0;
    }
    setMaxListeners(): this { return this; }
  }

  let nextInvoke = 1;
  const invokes = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  const ports = new Map<number, PagePort>();
  const ipcRenderer = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(ipcRenderer, {
    send: (channel: string, ...args: unknown[]) => toNode({ kind: 'send', channel, args }),
    invoke: (channel: string, ...args: unknown[]) => new Promise((resolve, reject) => {
      const id = nextInvoke++;
      invokes.set(id, { resolve, reject });
      toNode({ kind: 'invoke', id, channel, args });
    }),
    sendSync: () => { throw new Error('ipcRenderer.sendSync is not modelled by the Electron harness'); },
    sendToHost: (channel: string, ...args: unknown[]) => toNode({ kind: 'send-to-host', channel, args }),
    postMessage: (channel: string, message: unknown, transfer?: unknown[]) => {
      if (transfer && transfer.length > 0) throw new Error('ipcRenderer.postMessage with ports is not modelled by the Electron harness');
      toNode({ kind: 'send', channel, args: [message] });
    },
  });

  const adoptPort = (portId: number): PagePort => {
    const channel = new MessageChannel();
    ports.set(portId, channel.port1);
    channel.port1.onmessage = (event) => toNode({ kind: 'port-message', portId, data: event.data });
    channel.port1.addEventListener('close', () => {
      if (ports.delete(portId)) toNode({ kind: 'port-closed', portId });
    });
    return channel.port2;
  };

  Object.defineProperty(globalThis, config.deliver, {
    enumerable: false,
    value: (text: string) => {
      const message = codec.decode(text) as { kind: string; [key: string]: unknown };
      switch (message.kind) {
        case 'ipc': {
          const eventPorts = ((message.portIds as number[] | undefined) ?? []).map(adoptPort);
          ipcRenderer.emit(message.channel as string, { sender: ipcRenderer, senderId: 0, ports: eventPorts }, ...(message.args as unknown[]));
          return;
        }
        case 'port-message':
          ports.get(message.portId as number)?.postMessage(message.data);
          return;
        case 'port-close': {
          const port = ports.get(message.portId as number);
          ports.delete(message.portId as number);
          port?.close();
          return;
        }
        case 'invoke-result': {
          const entry = invokes.get(message.id as number);
          invokes.delete(message.id as number);
          if (!entry) return;
          if (message.ok) entry.resolve(message.value);
          else entry.reject(new Error(`Error invoking remote method '${String(message.channel)}': ${String(message.error)}`));
          return;
        }
      }
    },
  });

  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => bridge.expose(key, api),
      exposeInIsolatedWorld: () => { throw new Error('contextBridge.exposeInIsolatedWorld is not modelled by the Electron harness'); },
    },
    ipcRenderer,
    webFrame: {
      getZoomFactor: () => 1, setZoomFactor: () => undefined, getZoomLevel: () => 0, setZoomLevel: () => undefined,
      setVisualZoomLevelLimits: async () => undefined, setSpellCheckProvider: () => undefined,
      routingId: 1, top: null, parent: null,
    },
    webUtils: { getPathForFile: () => '' },
  };
  const timers = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate: (fn: () => void) => setTimeout(fn, 0), clearImmediate: clearTimeout };
  const modules: Record<string, unknown> = { electron, events: Object.assign(EventEmitter, { EventEmitter, default: EventEmitter }), timers, url: { URL, URLSearchParams } };
  const require = (name: string): unknown => {
    const key = name.startsWith('node:') ? name.slice(5) : name;
    if (Object.prototype.hasOwnProperty.call(modules, key)) return modules[key];
    throw new Error(`module not found: ${name}`);
  };
  const process = { type: 'renderer', sandboxed: true, contextIsolated: true, platform: config.platform, versions: config.versions, env: {}, argv: [], execPath: '' };
  const module = { exports: {} as unknown };
  try {
    runPreload(require, module, module.exports, process, globalThis);
  } catch (error) {
    console.error(`Unable to load preload script: ${config.preloadPath}`);
    console.error(error);
    toNode({ kind: 'preload-error', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
  }
}

export interface PageScriptConfig {
  token: string;
  binding: string;
  deliver: string;
  preloadPath: string;
  preloadSource: string;
}

/** The main world's script: only the receiving end of contextBridge. */
export function mainWorldScript(config: PageScriptConfig): string {
  return `(() => { if (window.top !== window) return; (${bridgeEnd.toString()})('main', ${JSON.stringify(config.token)}); })();`;
}

/** The isolated world's script: the preload, wrapped like a sandboxed preload. */
export function isolatedWorldScript(config: PageScriptConfig): string {
  const settings = {
    token: config.token, binding: config.binding, deliver: config.deliver, preloadPath: config.preloadPath,
    platform: process.platform, versions: { ...process.versions, electron: process.versions.electron ?? '45.4.1', chrome: '156.0.0.0' },
  };
  return [
    '(() => {',
    `const codec = { encode: ${encodeClone.toString()}, decode: ${decodeClone.toString()} };`,
    `(${isolatedPreload.toString()})(${JSON.stringify(settings)}, codec, ${bridgeEnd.toString()},`,
    '  function (require, module, exports, process, global) {',
    config.preloadSource,
    '\n  });',
    '})();',
    `//# sourceURL=${config.preloadPath}`,
  ].join('\n');
}
