// The log core never knows its storage (after Tessera's storage/<backend>): a driver stores the public
// tlog-tiles resources (checkpoint, hash tiles, entry bundles) and the sequencer's pending journal. Local files
// now (fs.ts); a PostgreSQL driver for an HA agency node would implement the same interface.
import type { TileFetcher } from '../tiles';

/** Durable append-only journal of accepted-but-not-yet-integrated entries. */
export interface Journal {
  /** Appends records; resolves only once they are durable (fsynced). */
  append(records: readonly Uint8Array[]): Promise<void>;
  /** Every intact record in order; a torn tail (a crash mid-append, never acknowledged) is dropped. */
  readAll(): Promise<Uint8Array[]>;
  /** Atomically replaces the whole journal with `records` (after integration). */
  rewrite(records: readonly Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

export interface LogDriver extends TileFetcher {
  /** Reads a public resource by tlog-tiles path; rejects with NotFoundError when absent. */
  get(path: string): Promise<Uint8Array>;
  /**
   * Writes a public resource atomically and durably: after it resolves, a crash leaves either the whole new
   * content or (for a first write) nothing. Tiles and bundles are immutable: rewriting one writes equal bytes.
   */
  put(path: string, data: Uint8Array): Promise<void>;
  /** Removes the partial versions (`<path>.p/*`) of a tile once its full version is published. */
  deletePartials(fullPath: string): Promise<void>;
  /** The sequencer's journal. */
  journal(): Promise<Journal>;
  close(): Promise<void>;
}
