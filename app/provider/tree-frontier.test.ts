// TreeFrontier against app/ledger's MemoryTree (which keeps every node) for every size up to 300.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, MemoryTree, leafHash } from '../ledger/merkle';
import { TreeFrontier } from './tree-frontier';

describe('TreeFrontier', () => {
  it('has the root of the whole tree at every size, appended or taken from a tree', () => {
    const tree = new MemoryTree();
    const frontier = TreeFrontier.empty();
    expect(frontier.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= 300; n++) {
      const h = leafHash(randomBytes(1 + (n % 40)));
      tree.appendLeafHash(h);
      frontier.appendLeafHash(h);
      expect(frontier.size).toBe(n);
      expect(Buffer.from(frontier.root()).toString('hex')).toBe(Buffer.from(tree.root()).toString('hex'));
      if (n % 37 === 0) expect(TreeFrontier.fromTree(tree).root()).toEqual(tree.root());
    }
  });

  it('leaves the original untouched when a clone grows', () => {
    const frontier = TreeFrontier.empty();
    for (let i = 0; i < 7; i++) frontier.appendLeafHash(leafHash(Uint8Array.of(i)));
    const before = frontier.root();
    const grown = frontier.clone();
    grown.appendLeafHash(leafHash(Uint8Array.of(7)));
    expect(frontier.root()).toEqual(before);
    expect(frontier.size).toBe(7);
    expect(grown.root()).not.toEqual(before);
    expect(() => frontier.appendLeafHash(new Uint8Array(31))).toThrow(RangeError);
  });
});
