/**
 * The window's outbox (L32): a message is written here before it is sent, and removed once the
 * gateway answered for it. A message typed while Baton is unreachable therefore survives a reload
 * of the page and is sent, in order, when the window reconnects; the gateway recognises a resend
 * by the message's client id, so nothing is taken twice.
 *
 * Entries carry the id of the store they were typed for (`storeId`, from app.status), so a window
 * that later talks to another data directory never sends them there.
 */

export interface OutboxEntry {
  /** The client message id the gateway deduplicates by. */
  id: string;
  /** The store this message was typed for; null when the window had never reached one. */
  storeId: string | null;
  laneKey: string;
  text: string;
  createdAt: number;
}

export interface OutboxStorage {
  /** Every entry, oldest first. */
  list(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  remove(id: string): Promise<void>;
}

function byAge(a: OutboxEntry, b: OutboxEntry): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** For tests and for windows without IndexedDB: durable only as long as the page. */
export class MemoryOutbox implements OutboxStorage {
  private readonly entries = new Map<string, OutboxEntry>();

  list(): Promise<OutboxEntry[]> {
    return Promise.resolve([...this.entries.values()].sort(byAge));
  }

  put(entry: OutboxEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    return Promise.resolve();
  }

  remove(id: string): Promise<void> {
    this.entries.delete(id);
    return Promise.resolve();
  }
}

const DB_NAME = 'baton-outbox';
const STORE = 'messages';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The page's own durable storage (IndexedDB); null where the browser offers none. */
export function indexedDbOutbox(factory: IDBFactory | undefined = globalThis.indexedDB): OutboxStorage | null {
  if (!factory) return null;
  let opened: Promise<IDBDatabase> | null = null;
  const db = (): Promise<IDBDatabase> => {
    opened ??= new Promise((resolve, reject) => {
      const open = factory.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('IndexedDB could not be opened'));
    });
    return opened;
  };
  return {
    async list() {
      const tx = (await db()).transaction(STORE, 'readonly');
      const all = (await request(tx.objectStore(STORE).getAll())) as OutboxEntry[];
      return all.sort(byAge);
    },
    async put(entry) {
      const tx = (await db()).transaction(STORE, 'readwrite', { durability: 'strict' });
      tx.objectStore(STORE).put(entry);
      await done(tx);
    },
    async remove(id) {
      const tx = (await db()).transaction(STORE, 'readwrite', { durability: 'strict' });
      tx.objectStore(STORE).delete(id);
      await done(tx);
    },
  };
}
