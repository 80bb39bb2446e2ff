// The right edge of a Merkle tree: the hashes of the complete subtrees that make up its first `size` leaves
// (RFC 9162 §2.1.1; merkle.ts rangeNodes(0, size)), a handful of hashes instead of the whole tree. It is enough
// to append leaves and compute the root, which is all a follower needs to check that a new checkpoint extends
// the entries it has already verified (the "compact range" of the transparency-dev libraries).
import { EMPTY_ROOT, foldRange, HASH_SIZE, type MemoryTree, nodeHash, rangeNodes } from '../ledger/merkle';

export class TreeFrontier {
  private constructor(
    private count: number,
    /** Complete subtree hashes, largest (leftmost) first: one per 1-bit of `count`. */
    private readonly peaks: Uint8Array[],
  ) {}

  static empty(): TreeFrontier {
    return new TreeFrontier(0, []);
  }

  /** The frontier of all of `tree`'s leaves. */
  static fromTree(tree: MemoryTree): TreeFrontier {
    return new TreeFrontier(tree.size, rangeNodes(0, tree.size).map(tree.node));
  }

  get size(): number {
    return this.count;
  }

  clone(): TreeFrontier {
    return new TreeFrontier(this.count, [...this.peaks]);
  }

  /** Appends a leaf hash (merkle.ts leafHash of the entry): it merges with the equal-sized subtrees on its left. */
  appendLeafHash(h: Uint8Array): void {
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${h.length}`);
    let right = h;
    // One merge per trailing 1-bit of the old size: those are the subtrees of the new leaf's own size.
    for (let n = this.count; n % 2 === 1; n = (n - 1) / 2) right = nodeHash(this.peaks.pop()!, right);
    this.peaks.push(right);
    this.count++;
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    return this.count === 0 ? EMPTY_ROOT : foldRange(this.peaks);
  }
}
