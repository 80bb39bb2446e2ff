import { describe, expect, it } from 'vitest';
import { MemoryTree, verifyConsistency, verifyInclusion } from './merkle';
import { tilePath, tilesForSize } from './layout';
import {
  NotFoundError,
  TileError,
  TileNodeReader,
  type TileFetcher,
  consistencyProofFromTiles,
  inclusionProofFromTiles,
  tileFromTree,
} from './tiles';

function published(tree: MemoryTree, sizes: number[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const s of sizes) for (const t of tilesForSize(s)) files.set(tilePath(t), tileFromTree(tree, t));
  return files;
}
const fetcherOf = (files: Map<string, Uint8Array>): TileFetcher => ({
  get: async (path) => {
    const f = files.get(path);
    if (!f) throw new NotFoundError(`no ${path}`);
    return f;
  },
});

describe('proofs from tiles', () => {
  const tree = new MemoryTree();
  for (let i = 0; i < 70_000; i++) tree.append(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16));
  const sizes = [1, 255, 256, 257, 65_535, 65_536, 65_537, 70_000];
  const files = published(tree, sizes);

  it.each(sizes)('root of size %i from tiles equals the memory tree', async (s) => {
    expect(await new TileNodeReader(fetcherOf(files), s).root()).toEqual(tree.root(s));
  });

  it.each([
    [0, 1], [0, 256], [255, 256], [256, 257], [1000, 65_536], [65_536, 65_537], [12_345, 70_000], [69_999, 70_000],
  ])('inclusion of %i in %i verifies', async (i, s) => {
    const proof = await inclusionProofFromTiles(fetcherOf(files), i, s);
    expect(proof).toEqual(tree.inclusionProof(i, s));
    verifyInclusion(i, s, tree.node({ level: 0, index: i }), proof, tree.root(s));
  });

  it.each([
    [1, 256], [255, 257], [256, 65_536], [257, 70_000], [65_535, 65_537], [65_536, 70_000],
  ])('consistency %i → %i verifies', async (a, b) => {
    const proof = await consistencyProofFromTiles(fetcherOf(files), a, b);
    expect(proof).toEqual(tree.consistencyProof(a, b));
    verifyConsistency(a, b, proof, tree.root(a), tree.root(b));
  });

  it('falls back to the full tile when a partial one was replaced', async () => {
    const only = published(tree, [70_000]);
    // size 257's partial level-0 tile 001.p/1 is gone; 001 (full) serves its prefix
    expect(only.has('tile/0/001.p/1')).toBe(false);
    expect(await new TileNodeReader(fetcherOf(only), 257).root()).toEqual(tree.root(257));
  });

  it('names a tile of the wrong length', async () => {
    const bad = new Map(files);
    bad.set('tile/0/000', new Uint8Array(100));
    await expect(inclusionProofFromTiles(fetcherOf(bad), 0, 256)).rejects.toThrow(TileError);
    await expect(inclusionProofFromTiles(fetcherOf(bad), 0, 256)).rejects.toThrow(/tile\/0\/000: is 100 bytes, expected 8192/);
  });
});
