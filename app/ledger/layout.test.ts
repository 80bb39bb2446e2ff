import { describe, expect, it } from 'vitest';
import {
  BundleError,
  LayoutError,
  bundlesForSize,
  decodeBundle,
  encodeBundle,
  encodeTileIndex,
  entriesPath,
  nodeLocation,
  parseTilePath,
  partialTileWidth,
  tilePath,
  tilesForSize,
} from './layout';

describe('tile index encoding (c2sp.org/tlog-tiles)', () => {
  it.each([
    [0, '000'],
    [7, '007'],
    [999, '999'],
    [1000, 'x001/000'],
    [1234067, 'x001/x234/067'],
    [1_000_000_000, 'x001/x000/x000/000'],
  ])('%i → %s', (n, want) => {
    expect(encodeTileIndex(n)).toBe(want);
  });
});

describe('tile paths', () => {
  it.each([
    [{ level: 0, index: 0, width: 256 }, 'tile/0/000'],
    [{ level: 0, index: 1234067, width: 256 }, 'tile/0/x001/x234/067'],
    [{ level: 1, index: 1, width: 17 }, 'tile/1/001.p/17'],
    [{ level: 63, index: 5, width: 1 }, 'tile/63/005.p/1'],
    [{ level: 'entries' as const, index: 1000, width: 256 }, 'tile/entries/x001/000'],
    [{ level: 'entries' as const, index: 2, width: 255 }, 'tile/entries/002.p/255'],
  ])('%j ↔ %s', (tile, path) => {
    expect(tilePath(tile)).toBe(path);
    expect(parseTilePath(path)).toEqual(tile);
  });
  it('builds entry bundle paths', () => {
    expect(entriesPath(3)).toBe('tile/entries/003');
    expect(entriesPath(3, 9)).toBe('tile/entries/003.p/9');
  });
  it.each([
    'tile/0/0', 'tile/00/000', 'tile/64/000', 'tile/0/001.p/0', 'tile/0/001.p/256', 'tile/0/001.p/07',
    'tile/0/x001', 'tile/0/001/002', 'tile/0/x000/001', '/tile/0/000', 'tile/0/000/', 'tile/entry/000', 'tile/0/1000',
  ])('rejects %s', (path) => {
    expect(() => parseTilePath(path)).toThrow(LayoutError);
  });
  it('rejects bad levels and widths when building', () => {
    expect(() => tilePath({ level: 64, index: 0, width: 1 })).toThrow(RangeError);
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(RangeError);
    expect(() => tilePath({ level: 0, index: -1, width: 1 })).toThrow(RangeError);
  });
});

describe('tiles of a tree', () => {
  it('matches the spec example for 70,000 leaves', () => {
    const tiles = tilesForSize(70_000);
    const at = (l: number) => tiles.filter((t) => t.level === l);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).filter((t) => t.width !== 256)).toEqual([{ level: 0, index: 273, width: 112 }]);
    expect(at(1)).toEqual([{ level: 1, index: 0, width: 256 }, { level: 1, index: 1, width: 17 }]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(tiles).toHaveLength(273 + 1 + 2 + 1);
    expect([partialTileWidth(0, 70_000), partialTileWidth(1, 70_000), partialTileWidth(2, 70_000)]).toEqual([112, 17, 1]);
  });
  it('a tree of 256 is a full level-0 tile and a level-1 partial of width 1', () => {
    expect(tilesForSize(256)).toEqual([{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
  });
  it('an empty tree has no tiles', () => {
    expect(tilesForSize(0)).toEqual([]);
    expect(bundlesForSize(0)).toEqual([]);
  });
  it('lists entry bundles', () => {
    expect(bundlesForSize(513)).toEqual([
      { level: 'entries', index: 0, width: 256 },
      { level: 'entries', index: 1, width: 256 },
      { level: 'entries', index: 2, width: 1 },
    ]);
  });
  it.each([
    [0, 5, { tileLevel: 0, tileIndex: 0, offset: 5, count: 1 }],
    [0, 300, { tileLevel: 0, tileIndex: 1, offset: 44, count: 1 }],
    [3, 33, { tileLevel: 0, tileIndex: 1, offset: 8, count: 8 }],
    [8, 2, { tileLevel: 1, tileIndex: 0, offset: 2, count: 1 }],
    [15, 3, { tileLevel: 1, tileIndex: 1, offset: 128, count: 128 }],
    [16, 0, { tileLevel: 2, tileIndex: 0, offset: 0, count: 1 }],
  ])('node (level %i, index %i) lives in %j', (l, n, want) => {
    expect(nodeLocation(l, n)).toEqual(want);
  });
});

describe('entry bundles', () => {
  it('round-trips uint16 length-prefixed entries', () => {
    const entries = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(0xffff).fill(7)];
    const b = encodeBundle(entries);
    expect(b.length).toBe(2 + 5 + 2 + 0xffff);
    expect(Array.from(b.subarray(0, 7))).toEqual([0, 0, 0, 3, 1, 2, 3]);
    expect(decodeBundle(b, 3)).toEqual(entries);
  });
  it('refuses an entry over 65,535 bytes', () => {
    expect(() => encodeBundle([new Uint8Array(0x10000)])).toThrow(RangeError);
  });
  it.each([
    [Uint8Array.of(0), 'truncated length prefix'],
    [Uint8Array.of(0, 3, 1, 2), 'runs past the end'],
  ])('rejects a malformed bundle %j', (b, msg) => {
    expect(() => decodeBundle(b)).toThrow(msg);
    expect(() => decodeBundle(b)).toThrow(BundleError);
  });
  it('rejects a wrong entry count', () => {
    expect(() => decodeBundle(encodeBundle([Uint8Array.of(1)]), 2)).toThrow(/holds 1 entries, expected 2/);
  });
});
