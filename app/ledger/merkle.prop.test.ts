// Properties of RFC 9162 proofs over random logs: every proof verifies, and any single-bit change to the
// proof, the root, the index or the size makes verification fail.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryTree, leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle';

function tree(n: number, seed: number): MemoryTree {
  const t = new MemoryTree();
  for (let i = 0; i < n; i++) t.append(Uint8Array.of(seed & 0xff, i & 0xff, (i >> 8) & 0xff));
  return t;
}
const flip = (b: Uint8Array, bit: number): Uint8Array => {
  const c = Uint8Array.from(b);
  c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
  return c;
};
const fails = (f: () => void): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe('merkle properties', () => {
  it('root of the memory tree equals the recursive definition for every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const t = tree(n, seed);
        const leaves = Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(seed & 0xff, i & 0xff, (i >> 8) & 0xff)));
        for (const s of [0, n >> 1, n]) expect(t.root(s)).toEqual(rootFromLeafHashes(leaves.slice(0, s)));
      }),
      { numRuns: 40 },
    );
  });

  it('every inclusion proof for every index verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 140 }), fc.integer(), (n, seed) => {
        const t = tree(n, seed);
        const root = t.root();
        for (let i = 0; i < n; i++) {
          verifyInclusion(i, n, t.node({ level: 0, index: i }), t.inclusionProof(i), root);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('every consistency proof between any two sizes verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer(), (n, seed) => {
        const t = tree(n, seed);
        for (let a = 1; a <= n; a++) {
          for (let b = a; b <= n; b++) verifyConsistency(a, b, t.consistencyProof(a, b), t.root(a), t.root(b));
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a single-bit change to an inclusion proof, root, leaf, index or size makes it fail', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 600 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        fc.integer(),
        fc.nat(),
        (([n, i], seed, bit) => {
          const t = tree(n + 512, seed);
          const root = t.root(n);
          const leaf = t.node({ level: 0, index: i });
          const proof = t.inclusionProof(i, n);
          verifyInclusion(i, n, leaf, proof, root);
          if (proof.length > 0) {
            const k = bit % proof.length;
            const bad = proof.map((p, j) => (j === k ? flip(p, bit >> 4) : p));
            expect(fails(() => verifyInclusion(i, n, leaf, bad, root))).toBe(true);
          }
          expect(fails(() => verifyInclusion(i, n, leaf, proof, flip(root, bit)))).toBe(true);
          expect(fails(() => verifyInclusion(i, n, flip(leaf, bit), proof, root))).toBe(true);
          const badIndex = i ^ (1 << (bit % 10));
          expect(fails(() => verifyInclusion(badIndex, n, leaf, proof, root))).toBe(true);
          // A checkpoint binds size and root together: the proof must not pass for another size's tree.
          const badSize = n ^ (1 << (bit % 9));
          if (badSize > 0) expect(fails(() => verifyInclusion(i, badSize, leaf, proof, t.root(badSize)))).toBe(true);
        }),
      ),
      { numRuns: 300 },
    );
  });

  it('a single-bit change to a consistency proof, either root or either size makes it fail', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 600 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n))),
        fc.integer(),
        fc.nat(),
        (([a, b], seed, bit) => {
          const t = tree(b + 512, seed);
          const ra = t.root(a);
          const rb = t.root(b);
          const proof = t.consistencyProof(a, b);
          verifyConsistency(a, b, proof, ra, rb);
          const k = bit % proof.length;
          const bad = proof.map((p, j) => (j === k ? flip(p, bit >> 4) : p));
          expect(fails(() => verifyConsistency(a, b, bad, ra, rb))).toBe(true);
          expect(fails(() => verifyConsistency(a, b, proof, flip(ra, bit), rb))).toBe(true);
          expect(fails(() => verifyConsistency(a, b, proof, ra, flip(rb, bit)))).toBe(true);
          // A checkpoint binds size and root together (RFC 9162 proofs alone do not): the proof must fail for the
          // tree of the changed size.
          const a2 = a ^ (1 << (bit % 9));
          const b2 = b ^ (1 << (bit % 9));
          if (a2 > 0 && a2 <= b) expect(fails(() => verifyConsistency(a2, b, proof, t.root(a2), rb))).toBe(true);
          if (b2 >= a) expect(fails(() => verifyConsistency(a, b2, proof, ra, t.root(b2)))).toBe(true);
        }),
      ),
      { numRuns: 300 },
    );
  });
});
