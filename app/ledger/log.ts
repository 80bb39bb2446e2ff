// Reading a tiled log back with verification, and appending to one. The reader trusts nothing it has not
// checked against a signed checkpoint: every entry is hashed, every tile recomputed, the root compared; the
// first mismatch is named (entry index or tile path). The writer publishes bundles and tiles first and the
// checkpoint last (c2sp.org/tlog-tiles), so a crash at any point leaves the previous checkpoint valid.
import { bytesEqual, utf8ToBytes } from './bytes';
import { type Checkpoint, type OpenedCheckpoint, openCheckpoint, peekCheckpoint, signCheckpoint } from './checkpoint';
import { bundlesForSize, decodeBundle, encodeBundle, entriesPath, hashesAtLevel, MAX_ENTRY_SIZE, TILE_WIDTH, type TileId, tilePath, tilesForSize, tileWidthAt } from './layout';
import { MemoryTree, leafHash } from './merkle';
import type { NoteSigner, NoteVerifier } from './note';
import type { LogDriver } from './storage/driver';
import { NotFoundError, type TileFetcher, fetchTile, tileFromTree } from './tiles';
import { EvidenceError } from '../common/errors';

export type LogVerifyCode =
  | 'LEDGER_CHECKPOINT_MISSING'
  | 'LEDGER_CHECKPOINT_INVALID'
  | 'LEDGER_BUNDLE_MISSING'
  | 'LEDGER_BUNDLE_INVALID'
  | 'LEDGER_TILE_MISSING'
  | 'LEDGER_TILE_MISMATCH'
  | 'LEDGER_ROOT_MISMATCH'
  | 'LEDGER_ENTRY_REJECTED';

/** A log that does not verify; names the first bad entry index and/or resource path. */
export class LogVerifyError extends EvidenceError<LogVerifyCode> {
  override name = 'LogVerifyError';
  constructor(
    code: LogVerifyCode,
    message: string,
    readonly where: { index?: number; path?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** An entry larger than a tlog-tiles bundle allows (65,535 bytes). */
export class EntryTooLargeError extends EvidenceError<'LEDGER_ENTRY_TOO_LARGE'> {
  override name = 'EntryTooLargeError';
  constructor(readonly size: number) {
    super('LEDGER_ENTRY_TOO_LARGE', `entry is ${size} bytes; the log accepts at most ${MAX_ENTRY_SIZE} (c2sp.org/tlog-tiles uint16 length prefix)`);
  }
}

export interface LoadOptions {
  /** The log's key; when absent, `resolveLogKey` must provide it (e.g. from the genesis entry). */
  logKey?: NoteVerifier;
  /** Called after the entries are read and hashed (before the checkpoint signature is checked) to choose the key. */
  resolveLogKey?: (entries: readonly Uint8Array[]) => NoteVerifier;
  origin?: string;
  witnesses?: readonly NoteVerifier[];
  /** Called for every entry in order, after the whole tree verified against the checkpoint. */
  onEntry?: (entry: Uint8Array, index: number) => void;
  /** Check every hash tile too (default true); the tree itself is always rebuilt from the entries. */
  checkTiles?: boolean;
  /** Progress callback (entries read so far). */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadedLog {
  readonly checkpoint: OpenedCheckpoint;
  readonly tree: MemoryTree;
  readonly entries: Uint8Array[];
}

/** Reads the checkpoint note and parses its body (the signature is checked once the log key is known). */
export async function readCheckpoint(fetcher: TileFetcher): Promise<{ note: Uint8Array; peeked: Checkpoint }> {
  let note: Uint8Array;
  try {
    note = await fetcher.get('checkpoint');
  } catch (err) {
    if (err instanceof NotFoundError) throw new LogVerifyError('LEDGER_CHECKPOINT_MISSING', 'the log has no checkpoint', { path: 'checkpoint' }, { cause: err });
    throw err;
  }
  try {
    return { note, peeked: peekCheckpoint(note) };
  } catch (err) {
    throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `checkpoint: ${(err as Error).message}`, { path: 'checkpoint' }, { cause: err });
  }
}

/** Reads entry bundle `b` (c2sp.org/tlog-tiles) and splits it into exactly `b.width` entries, naming it on failure. */
export async function readBundle(fetcher: TileFetcher, b: TileId): Promise<Uint8Array[]> {
  const path = entriesPath(b.index, b.width);
  let bytes: Uint8Array;
  try {
    bytes = await fetchTile(fetcher, b);
  } catch (err) {
    if (err instanceof NotFoundError) throw new LogVerifyError('LEDGER_BUNDLE_MISSING', `entry bundle ${path} is missing`, { path, index: b.index * TILE_WIDTH }, { cause: err });
    throw err;
  }
  try {
    let list = decodeBundle(bytes);
    // A full bundle served in place of a partial one holds more entries: keep the ones this size covers.
    if (list.length > b.width && b.width < TILE_WIDTH) list = list.slice(0, b.width);
    if (list.length !== b.width) throw new RangeError(`holds ${list.length} entries, expected ${b.width}`);
    return list;
  } catch (err) {
    throw new LogVerifyError('LEDGER_BUNDLE_INVALID', `entry bundle ${path}: ${(err as Error).message}`, { path, index: b.index * TILE_WIDTH }, { cause: err });
  }
}

/**
 * Checks a tree rebuilt from a log's entries against its checkpoint: (by default) every hash tile against the
 * tree (the first bad one is named, with the entries it covers), then the root (RFC 9162 §2.1.1).
 */
export async function checkTree(fetcher: TileFetcher, tree: MemoryTree, peeked: Checkpoint, checkTiles = true): Promise<void> {
  const size = peeked.size;
  if (tree.size !== size) throw new RangeError(`the tree holds ${tree.size} entries, the checkpoint ${size}`);
  const rootMatches = bytesEqual(tree.root(), peeked.root);
  if (checkTiles) {
    for (const t of tilesForSize(size)) {
      const path = tilePath(t);
      let got: Uint8Array;
      try {
        got = await fetchTile(fetcher, t);
      } catch (err) {
        if (err instanceof NotFoundError) throw new LogVerifyError('LEDGER_TILE_MISSING', `hash tile ${path} is missing`, { path }, { cause: err });
        throw new LogVerifyError('LEDGER_TILE_MISMATCH', `hash tile ${path}: ${(err as Error).message}`, { path }, { cause: err });
      }
      const want = tileFromTree(tree, t);
      if (!bytesEqual(got, want)) {
        let i = 0;
        while (i < want.length && got[i] === want[i]) i++;
        const hashIndex = Math.floor(i / 32);
        const level = t.level as number;
        const first = (t.index * TILE_WIDTH + hashIndex) * TILE_WIDTH ** level;
        const span = TILE_WIDTH ** level;
        const what = rootMatches
          ? 'the tile is altered (the entries match the signed root)'
          : 'the tile or the entries it covers are altered';
        throw new LogVerifyError(
          'LEDGER_TILE_MISMATCH',
          `hash tile ${path}: hash ${hashIndex} (entries ${first}..${first + span - 1}` +
            `${level === 0 ? `, in ${entriesPath(t.index, t.width)}` : ''}) does not match the entries: ${what}`,
          { path, index: first },
        );
      }
    }
  }
  if (!rootMatches) {
    throw new LogVerifyError('LEDGER_ROOT_MISMATCH', `the entries do not hash to the checkpoint's root for size ${size}: an entry or the checkpoint is altered`, { path: 'checkpoint' });
  }
}

/** Opens (checks the signatures of) a checkpoint note with the log's key, as a LogVerifyError on failure. */
export function openLogCheckpoint(note: Uint8Array, logKey: NoteVerifier, opts: { origin?: string; witnesses?: readonly NoteVerifier[] } = {}): OpenedCheckpoint {
  try {
    return openCheckpoint(note, logKey, { ...(opts.origin !== undefined ? { origin: opts.origin } : {}), witnesses: opts.witnesses ?? [] });
  } catch (err) {
    throw new LogVerifyError('LEDGER_CHECKPOINT_INVALID', `checkpoint: ${(err as Error).message}`, { path: 'checkpoint' }, { cause: err });
  }
}

/**
 * Reads and verifies a whole log: checkpoint signature, every entry bundle (length prefixes and counts), the
 * root rebuilt from the entries, and (by default) every hash tile against the rebuilt tree.
 */
export async function loadLog(fetcher: TileFetcher, opts: LoadOptions = {}): Promise<LoadedLog> {
  const { note, peeked } = await readCheckpoint(fetcher);
  const size = peeked.size;
  const tree = new MemoryTree();
  const entries: Uint8Array[] = [];
  for (const b of bundlesForSize(size)) {
    for (const e of await readBundle(fetcher, b)) {
      tree.appendLeafHash(leafHash(e));
      entries.push(e);
    }
    opts.onProgress?.(entries.length, size);
  }
  await checkTree(fetcher, tree, peeked, opts.checkTiles ?? true);
  const logKey = opts.logKey ?? opts.resolveLogKey?.(entries);
  if (!logKey) throw new TypeError('loadLog needs logKey or resolveLogKey');
  const checkpoint = openLogCheckpoint(note, logKey, opts);
  if (opts.onEntry) for (const [i, e] of entries.entries()) opts.onEntry(e, i);
  return { checkpoint, tree, entries };
}

/** What a checkpoint publication hands to hooks (e.g. the witness client). */
export interface PublishedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: string;
  /** Size of the previous checkpoint (for the consistency proof a witness wants). */
  readonly previousSize: number;
}

/**
 * Appends entries to a tiled log on a driver: entry bundles and hash tiles first, then the signed checkpoint,
 * then the superseded partial tiles are removed. One writer per log (the sequencer serializes calls).
 */
export class LogWriter {
  private constructor(
    private readonly driver: LogDriver,
    private readonly origin: string,
    private readonly signer: NoteSigner,
    readonly tree: MemoryTree,
    /** Entries of the rightmost partial bundle (needed to rewrite it). */
    private tail: Uint8Array[],
    private current: { checkpoint: Checkpoint; note: string },
  ) {}

  /** Creates an empty log (size 0 checkpoint) unless one exists, then opens it with verification. */
  static async create(
    driver: LogDriver,
    origin: string,
    signer: NoteSigner,
    verifier: NoteVerifier,
    onEntry?: (entry: Uint8Array, index: number) => void,
  ): Promise<LogWriter> {
    try {
      await driver.get('checkpoint');
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      const tree = new MemoryTree();
      await driver.put('checkpoint', utf8ToBytes(signCheckpoint({ origin, size: 0, root: tree.root(), extensions: [] }, [signer])));
    }
    return LogWriter.open(driver, origin, signer, verifier, onEntry);
  }

  /** Opens an existing log, verifying it fully; `onEntry` sees every integrated entry in order. */
  static async open(
    driver: LogDriver,
    origin: string,
    signer: NoteSigner,
    verifier: NoteVerifier,
    onEntry?: (entry: Uint8Array, index: number) => void,
  ): Promise<LogWriter> {
    const loaded = await loadLog(driver, { logKey: verifier, origin, ...(onEntry ? { onEntry } : {}) });
    const size = loaded.tree.size;
    const tail = loaded.entries.slice(size - (size % TILE_WIDTH));
    return new LogWriter(driver, origin, signer, loaded.tree, tail, { checkpoint: loaded.checkpoint.checkpoint, note: loaded.checkpoint.note });
  }

  get size(): number {
    return this.tree.size;
  }

  get checkpoint(): { checkpoint: Checkpoint; note: string } {
    return this.current;
  }

  /**
   * Integrates `entries` at indexes size.., publishing bundles, tiles and the new checkpoint (last).
   * `leafHashes`, when the caller already has them (the sequencer, for its promises), are the entries' RFC 9162
   * leaf hashes in the same order; otherwise they are computed here.
   */
  async append(entries: readonly Uint8Array[], leafHashes?: readonly Uint8Array[]): Promise<PublishedCheckpoint> {
    for (const e of entries) if (e.length > MAX_ENTRY_SIZE) throw new EntryTooLargeError(e.length);
    if (leafHashes && leafHashes.length !== entries.length) throw new RangeError(`${leafHashes.length} leaf hashes for ${entries.length} entries`);
    const oldSize = this.tree.size;
    if (entries.length === 0) return { ...this.current, previousSize: oldSize };
    for (const [i, e] of entries.entries()) {
      if (leafHashes) this.tree.appendLeafHash(leafHashes[i]!);
      else this.tree.append(e);
    }
    const newSize = this.tree.size;

    // Entry bundles touched: from the one holding oldSize to the one holding newSize - 1.
    const all = [...this.tail, ...entries];
    const firstBundle = Math.floor(oldSize / TILE_WIDTH);
    const becameFull: string[] = [];
    for (let b = firstBundle; b * TILE_WIDTH < newSize; b++) {
      const start = b * TILE_WIDTH - firstBundle * TILE_WIDTH;
      const chunk = all.slice(start, start + TILE_WIDTH);
      await this.driver.put(entriesPath(b, chunk.length), encodeBundle(chunk));
      if (chunk.length === TILE_WIDTH && b * TILE_WIDTH < oldSize) becameFull.push(entriesPath(b));
    }
    this.tail = all.slice(Math.floor(newSize / TILE_WIDTH) * TILE_WIDTH - firstBundle * TILE_WIDTH);

    // Hash tiles touched at each level: those holding hashes [hashesAtLevel(old), hashesAtLevel(new)).
    for (let level = 0; hashesAtLevel(level, newSize) > 0; level++) {
      const hOld = hashesAtLevel(level, oldSize);
      const hNew = hashesAtLevel(level, newSize);
      if (hNew === hOld) continue;
      for (let t = Math.floor(hOld / TILE_WIDTH); t * TILE_WIDTH < hNew; t++) {
        const width = tileWidthAt(level, t, newSize);
        const tile = { level, index: t, width };
        await this.driver.put(tilePath(tile), tileFromTree(this.tree, tile));
        if (width === TILE_WIDTH && t * TILE_WIDTH < hOld) becameFull.push(tilePath(tile));
      }
    }

    const checkpoint: Checkpoint = { origin: this.origin, size: newSize, root: this.tree.root(), extensions: [] };
    const note = signCheckpoint(checkpoint, [this.signer]);
    await this.driver.put('checkpoint', utf8ToBytes(note));
    this.current = { checkpoint, note };
    for (const p of becameFull) await this.driver.deletePartials(p);
    return { checkpoint, note, previousSize: oldSize };
  }

  /**
   * Replaces the published checkpoint note with one carrying more signature lines over the same body
   * (witness cosignatures). The body must be identical to the current checkpoint's.
   */
  async publishCosigned(note: string, verify: (note: string) => Checkpoint): Promise<void> {
    const cp = verify(note);
    if (cp.size !== this.current.checkpoint.size || !bytesEqual(cp.root, this.current.checkpoint.root)) {
      throw new RangeError(`cosigned checkpoint is for size ${cp.size}, the current checkpoint is size ${this.current.checkpoint.size}`);
    }
    await this.driver.put('checkpoint', utf8ToBytes(note));
    this.current = { checkpoint: cp, note };
  }
}
