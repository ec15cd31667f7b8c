import type { StoreConnection } from './store-connection.ts';

/** One part of the store (lanes, transcript, …): its statements over the store's one connection and clock. */
export abstract class StoreAggregate {
  protected readonly db: StoreConnection;
  protected readonly now: () => number;

  constructor(db: StoreConnection, now: () => number) {
    this.db = db;
    this.now = now;
  }
}
