// Pure C2SP tlog-tiles path and tile math (https://c2sp.org/tlog-tiles). No I/O: storage drivers, the static
// server and tile fetchers all share these functions.
import { EvidenceError } from '../common/errors';

/** Hashes per full tile, and the tile height in tree levels (256 = 2**8). */
export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;
/** c2sp.org/tlog-tiles: entry bundles are big-endian uint16 length-prefixed, so an entry is at most 65,535 bytes. */
export const MAX_ENTRY_SIZE = 0xffff;

export class LayoutError extends EvidenceError<'LEDGER_BAD_TILE_PATH'> {
  override name = 'LayoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_BAD_TILE_PATH', message, options);
  }
}

/** A tile (level ≥ 0) or an entry bundle (level 'entries'); width 1..256, 256 meaning a full tile. */
export interface TileId {
  readonly level: number | 'entries';
  readonly index: number;
  readonly width: number;
}

function checkIndex(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** c2sp.org/tlog-tiles: N as zero-padded 3-digit path elements, all but the last prefixed with x (1234067 → x001/x234/067). */
export function encodeTileIndex(n: number): string {
  checkIndex('tile index', n);
  const parts: string[] = [];
  let rest = n;
  do {
    parts.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
}

/** c2sp.org/tlog-tiles: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (no leading slash). */
export function tilePath(tile: TileId): string {
  const { level, index, width } = tile;
  if (level !== 'entries' && (!Number.isInteger(level) || level < 0 || level > 63)) {
    throw new RangeError(`tile level must be an integer 0..63 or 'entries', got ${String(level)}`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`tile width must be 1..256, got ${width}`);
  const suffix = width === TILE_WIDTH ? '' : `.p/${width}`;
  return `tile/${level}/${encodeTileIndex(index)}${suffix}`;
}

export const entriesPath = (index: number, width: number = TILE_WIDTH): string => tilePath({ level: 'entries', index, width });

/** Parses a tile path strictly (no leading zeroes in L and W, x-prefixed groups); throws LayoutError naming it. */
export function parseTilePath(path: string): TileId {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) throw new LayoutError(`not a tlog-tiles path: ${JSON.stringify(path)} (want tile/<L>/<N>[.p/<W>])`);
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > 63) throw new LayoutError(`tile level ${level} is above 63 in ${JSON.stringify(path)}`);
  const groups = m[2]!.split('/').map((g) => g.replace(/^x/, ''));
  if (groups.length > 1 && groups[0] === '000') throw new LayoutError(`tile index has a leading zero group in ${JSON.stringify(path)}`);
  const index = groups.reduce((acc, g) => acc * 1000 + Number(g), 0);
  if (!Number.isSafeInteger(index)) throw new LayoutError(`tile index too large in ${JSON.stringify(path)}`);
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) throw new LayoutError(`partial tile width must be 1..255 in ${JSON.stringify(path)}`);
  return { level, index, width };
}

/** Number of hashes at tile level `level` (tree level 8·level) in a tree of `size` leaves. */
export function hashesAtLevel(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** c2sp.org/tlog-tiles: the width of the partial tile at `level` for tree size `size` (0: none). */
export function partialTileWidth(level: number, size: number): number {
  return hashesAtLevel(level, size) % TILE_WIDTH;
}

/** The width of tile (level, index) as published for tree size `size` (0 if it does not exist yet). */
export function tileWidthAt(level: number, index: number, size: number): number {
  const n = hashesAtLevel(level, size);
  return Math.max(0, Math.min(TILE_WIDTH, n - index * TILE_WIDTH));
}

/**
 * Every hash tile a tree of `size` leaves publishes (full ones and the partial rightmost ones), level by level.
 * A tree of 70,000 gives 273 full + 1 partial (112) at level 0, 1 full + 1 partial (17) at level 1, 1 partial (1) at level 2.
 */
export function tilesForSize(size: number): TileId[] {
  checkIndex('size', size);
  const out: TileId[] = [];
  for (let level = 0; hashesAtLevel(level, size) > 0; level++) {
    const n = hashesAtLevel(level, size);
    for (let index = 0; index * TILE_WIDTH < n; index++) out.push({ level, index, width: tileWidthAt(level, index, size) });
  }
  return out;
}

/** Entry bundles of a tree of `size` entries. */
export function bundlesForSize(size: number): TileId[] {
  checkIndex('size', size);
  const out: TileId[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    out.push({ level: 'entries', index, width: Math.min(TILE_WIDTH, size - index * TILE_WIDTH) });
  }
  return out;
}

/**
 * Where a complete tree node (tree level L, index n) lives: the tile at level ⌊L/8⌋ holding the 2**(L mod 8)
 * tile hashes it is the Merkle Tree Hash of, from `offset` (c2sp.org/tlog-tiles: "the Merkle Tree levels between
 * those expressed by the tile hashes are reconstructed by hashing the leaves").
 */
export function nodeLocation(level: number, index: number): { tileLevel: number; tileIndex: number; offset: number; count: number } {
  checkIndex('node level', level);
  checkIndex('node index', index);
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level % TILE_HEIGHT);
  const first = index * count;
  return { tileLevel, tileIndex: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
}

/** Encodes entries as an entry bundle: each entry prefixed by its big-endian uint16 length (c2sp.org/tlog-tiles). */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const [i, e] of entries.entries()) {
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`entry ${i} is ${e.length} bytes; a bundle entry is at most ${MAX_ENTRY_SIZE}`);
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const e of entries) {
    out[p] = e.length >> 8;
    out[p + 1] = e.length & 0xff;
    out.set(e, p + 2);
    p += 2 + e.length;
  }
  return out;
}

export class BundleError extends EvidenceError<'LEDGER_BAD_BUNDLE'> {
  override name = 'BundleError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_BAD_BUNDLE', message, options);
  }
}

/** Splits an entry bundle; throws BundleError if a length prefix runs past the end or the count is wrong. */
export function decodeBundle(bundle: Uint8Array, expectedCount?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < bundle.length) {
    if (p + 2 > bundle.length) throw new BundleError(`truncated length prefix at byte ${p} of a ${bundle.length}-byte bundle`);
    const len = (bundle[p]! << 8) | bundle[p + 1]!;
    if (p + 2 + len > bundle.length) throw new BundleError(`entry ${out.length} (length ${len}) runs past the end of the ${bundle.length}-byte bundle`);
    out.push(bundle.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  if (expectedCount !== undefined && out.length !== expectedCount) {
    throw new BundleError(`bundle holds ${out.length} entries, expected ${expectedCount}`);
  }
  return out;
}
