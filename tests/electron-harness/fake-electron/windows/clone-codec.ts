/**
 * Structured-clone data over a text channel (CDP bindings and Runtime.evaluate carry strings).
 * Electron's IPC and MessagePorts copy with the structured clone algorithm
 * (shell/common/gin_converters/blink_converter.cc → blink::CloneableMessage); this codec keeps what
 * JSON would lose (undefined, NaN, -0, BigInt, Date, RegExp, Map, Set, binary data, Error) and, like
 * the real algorithm, refuses functions and symbols with a DataCloneError.
 *
 * Both functions are self-contained on purpose: their source is also injected into the page's
 * isolated world (Function.prototype.toString), so the two ends share one implementation.
 */

export function encodeClone(value: unknown): string {
  const seen = new Map<object, number>();
  let nextRef = 0;
  const fail = (what: string): never => {
    const error = new Error(`${what} could not be cloned.`);
    error.name = 'DataCloneError';
    throw error;
  };
  const walk = (input: unknown): unknown => {
    if (input === undefined) return { $c: 'u' };
    if (input === null || typeof input === 'boolean' || typeof input === 'string') return input;
    if (typeof input === 'number') {
      if (Number.isNaN(input)) return { $c: 'n', v: 'NaN' };
      if (input === Infinity) return { $c: 'n', v: 'Inf' };
      if (input === -Infinity) return { $c: 'n', v: '-Inf' };
      if (Object.is(input, -0)) return { $c: 'n', v: '-0' };
      return input;
    }
    if (typeof input === 'bigint') return { $c: 'b', v: input.toString() };
    if (typeof input === 'function') return fail('A function');
    if (typeof input === 'symbol') return fail('A symbol');
    const object = input as object;
    const ref = seen.get(object);
    if (ref !== undefined) return { $c: 'ref', v: ref };
    const id = nextRef++;
    seen.set(object, id);
    if (object instanceof Date) return { $c: 'd', id, v: object.getTime() };
    if (object instanceof RegExp) return { $c: 're', id, v: object.source, f: object.flags };
    if (object instanceof Map) return { $c: 'm', id, v: Array.from(object, ([k, v]) => [walk(k), walk(v)]) };
    if (object instanceof Set) return { $c: 's', id, v: Array.from(object, (v) => walk(v)) };
    if (object instanceof ArrayBuffer) return { $c: 'ab', id, v: Array.from(new Uint8Array(object)) };
    if (ArrayBuffer.isView(object)) {
      const view = object as ArrayBufferView;
      const bytes = Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      return { $c: 'tv', id, t: view.constructor.name === 'Buffer' ? 'Uint8Array' : view.constructor.name, v: bytes };
    }
    if (object instanceof Error) return { $c: 'e', id, name: object.name, message: object.message, stack: object.stack };
    if (Array.isArray(object)) return { $c: 'a', id, v: object.map((item) => walk(item)) };
    const tag = Object.prototype.toString.call(object);
    if (tag !== '[object Object]') return fail(`An object of type ${tag.slice(8, -1)}`);
    const entries: Array<[string, unknown]> = [];
    for (const key of Object.keys(object)) entries.push([key, walk((object as Record<string, unknown>)[key])]);
    return { $c: 'o', id, v: entries };
  };
  return JSON.stringify(walk(value));
}

export function decodeClone(text: string): unknown {
  const refs = new Map<number, unknown>();
  const views: Record<string, new (buffer: ArrayBuffer) => unknown> = {
    Uint8Array, Int8Array, Uint8ClampedArray, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array,
    BigInt64Array: BigInt64Array as unknown as new (buffer: ArrayBuffer) => unknown,
    BigUint64Array: BigUint64Array as unknown as new (buffer: ArrayBuffer) => unknown,
    DataView: DataView as unknown as new (buffer: ArrayBuffer) => unknown,
  };
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const tagged = node as { $c: string; id: number; v: unknown; f?: string; t?: string; name?: string; message?: string; stack?: string };
    switch (tagged.$c) {
      case 'u': return undefined;
      case 'n': return tagged.v === 'NaN' ? NaN : tagged.v === 'Inf' ? Infinity : tagged.v === '-Inf' ? -Infinity : -0;
      case 'b': return BigInt(tagged.v as string);
      case 'ref': return refs.get(tagged.v as number);
      case 'd': { const d = new Date(tagged.v as number); refs.set(tagged.id, d); return d; }
      case 're': { const r = new RegExp(tagged.v as string, tagged.f); refs.set(tagged.id, r); return r; }
      case 'm': { const m = new Map(); refs.set(tagged.id, m); for (const [k, v] of tagged.v as unknown[][]) m.set(walk(k), walk(v)); return m; }
      case 's': { const s = new Set(); refs.set(tagged.id, s); for (const v of tagged.v as unknown[]) s.add(walk(v)); return s; }
      case 'ab': { const b = new Uint8Array(tagged.v as number[]).buffer; refs.set(tagged.id, b); return b; }
      case 'tv': {
        const buffer = new Uint8Array(tagged.v as number[]).buffer;
        const View = views[tagged.t ?? 'Uint8Array'] ?? Uint8Array;
        const view = new View(buffer);
        refs.set(tagged.id, view);
        return view;
      }
      case 'e': {
        const e = new Error(tagged.message);
        e.name = tagged.name ?? 'Error';
        if (tagged.stack !== undefined) e.stack = tagged.stack;
        refs.set(tagged.id, e);
        return e;
      }
      case 'a': { const a: unknown[] = []; refs.set(tagged.id, a); for (const v of tagged.v as unknown[]) a.push(walk(v)); return a; }
      case 'o': {
        const o: Record<string, unknown> = {};
        refs.set(tagged.id, o);
        for (const [k, v] of tagged.v as Array<[string, unknown]>) o[k] = walk(v);
        return o;
      }
      default: return node;
    }
  };
  return walk(JSON.parse(text));
}
