// Reading and writing the Merkle tree as C2SP tlog-tiles (https://c2sp.org/tlog-tiles): tile contents from an
// in-memory tree (writers), and tree nodes and proofs from fetched tiles (mirrors, witnesses, proof servers).
// Isomorphic: the fetcher abstracts disk or HTTP.
import { concatBytes } from './bytes';
import {
  HASH_SIZE,
  type MemoryTree,
  type NodeId,
  assembleAsync,
  foldRange,
  planConsistency,
  planInclusion,
  rangeNodes,
  rootFromLeafHashes,
} from './merkle';
import { TILE_HEIGHT, TILE_WIDTH, type TileId, nodeLocation, tilePath, tileWidthAt } from './layout';
import { EvidenceError } from '../common/errors';

/** A resource that is not there (HTTP 404, missing file). */
export class NotFoundError extends EvidenceError<'LEDGER_NOT_FOUND'> {
  override name = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_NOT_FOUND', message, options);
  }
}

/** A tile whose bytes cannot be right (wrong length). */
export class TileError extends EvidenceError<'LEDGER_BAD_TILE'> {
  override name = 'TileError';
  constructor(readonly path: string, message: string) {
    super('LEDGER_BAD_TILE', `${path}: ${message}`);
  }
}

/**
 * Read access to a log's static resources by tlog-tiles path ('checkpoint', 'tile/0/000', 'tile/entries/001.p/5').
 * `get` rejects with NotFoundError when the resource does not exist.
 */
export interface TileFetcher {
  get(path: string): Promise<Uint8Array>;
}

/**
 * Fetches a tile of the published width for tree `size`; if a partial tile is gone because the full one has
 * replaced it, falls back to the full tile's prefix (allowed by c2sp.org/tlog-tiles).
 */
export async function fetchTile(fetcher: TileFetcher, tile: TileId): Promise<Uint8Array> {
  const unit = tile.level === 'entries' ? 0 : HASH_SIZE;
  const path = tilePath(tile);
  let bytes: Uint8Array;
  try {
    bytes = await fetcher.get(path);
  } catch (err) {
    if (!(err instanceof NotFoundError) || tile.width === TILE_WIDTH) throw err;
    const full = await fetcher.get(tilePath({ ...tile, width: TILE_WIDTH }));
    if (unit === 0) return full; // entry bundles are cut by the caller, which knows the count
    bytes = full.subarray(0, tile.width * unit);
    if (full.length !== TILE_WIDTH * unit) throw new TileError(tilePath({ ...tile, width: TILE_WIDTH }), `is ${full.length} bytes, expected ${TILE_WIDTH * unit}`);
    return bytes;
  }
  if (unit !== 0 && bytes.length !== tile.width * unit) throw new TileError(path, `is ${bytes.length} bytes, expected ${tile.width * unit}`);
  return bytes;
}

/** The bytes of hash tile (level, index, width) of `tree` (c2sp.org/tlog-tiles: hashes at tree level 8·level). */
export function tileFromTree(tree: MemoryTree, tile: TileId): Uint8Array {
  if (tile.level === 'entries') throw new RangeError('tileFromTree builds hash tiles, not entry bundles');
  const level = tile.level * TILE_HEIGHT;
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < tile.width; i++) hashes.push(tree.node({ level, index: tile.index * TILE_WIDTH + i }));
  return concatBytes(...hashes);
}

/** Splits tile bytes into 32-byte hashes. */
export function tileHashes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p < bytes.length; p += HASH_SIZE) out.push(bytes.subarray(p, p + HASH_SIZE));
  return out;
}

/**
 * Complete tree nodes of a tree of `size` leaves, computed from its tiles (cached). Tiles are not verified
 * here: proofs built from them are checked against signed roots by whoever uses them, so a bad tile can
 * only make a proof fail, never pass.
 */
export class TileNodeReader {
  private readonly cache = new Map<string, Promise<Uint8Array[]>>();
  constructor(private readonly fetcher: TileFetcher, readonly size: number) {}

  private tile(tileLevel: number, tileIndex: number): Promise<Uint8Array[]> {
    const width = tileWidthAt(tileLevel, tileIndex, this.size);
    const key = `${tileLevel}/${tileIndex}`;
    let p = this.cache.get(key);
    if (!p) {
      if (width === 0) throw new RangeError(`tile ${key} does not exist in a tree of size ${this.size}`);
      p = fetchTile(this.fetcher, { level: tileLevel, index: tileIndex, width }).then(tileHashes);
      this.cache.set(key, p);
    }
    return p;
  }

  readonly nodes = async (ids: readonly NodeId[]): Promise<Uint8Array[]> =>
    Promise.all(
      ids.map(async ({ level, index }) => {
        if ((index + 1) * 2 ** level > this.size) throw new RangeError(`node (level ${level}, index ${index}) is not complete in a tree of size ${this.size}`);
        const loc = nodeLocation(level, index);
        const hashes = await this.tile(loc.tileLevel, loc.tileIndex);
        const run = hashes.slice(loc.offset, loc.offset + loc.count);
        return run.length === 1 ? run[0]! : rootFromLeafHashes(run);
      }),
    );

  /** MTH of the first `size` leaves from the tiles. */
  async root(size = this.size): Promise<Uint8Array> {
    if (size > this.size) throw new RangeError(`size ${size} exceeds the reader's tree size ${this.size}`);
    if (size === 0) return rootFromLeafHashes([]);
    return foldRange(await this.nodes(rangeNodes(0, size)));
  }
}

/** RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size`, from tiles. */
export function inclusionProofFromTiles(fetcher: TileFetcher, index: number, size: number): Promise<Uint8Array[]> {
  return assembleAsync(planInclusion(index, size), new TileNodeReader(fetcher, size).nodes);
}

/** RFC 9162 §2.1.4.1 consistency proof from tree size `first` to `second`, from tiles. */
export function consistencyProofFromTiles(fetcher: TileFetcher, first: number, second: number): Promise<Uint8Array[]> {
  return assembleAsync(planConsistency(first, second), new TileNodeReader(fetcher, second).nodes);
}
