// RFC 6962 / RFC 9162 proof vectors of transparency-dev/merkle, taken as data (testdata/rfc6962/PROVENANCE.md):
// every happy path verifies and every corrupted variant is rejected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from './bytes';
import { fromBase64 } from '../crypto/encoding';
import { nodeHashChildren } from '../crypto/bulk-verify';
import {
  EMPTY_ROOT,
  MemoryTree,
  ProofError,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const VECTORS = fileURLToPath(new URL('./testdata/rfc6962', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json') ? [p] : [];
  });
}
// Empty strings stand for "no hash" in the vectors; bytes that are not base64 (never here) would fail loudly.
const b64 = (s: string): Uint8Array => fromBase64(s);

interface InclusionCase { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyCase { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

const inclusion = files(join(VECTORS, 'inclusion')).map((f) => [relative(VECTORS, f), JSON.parse(readFileSync(f, 'utf8')) as InclusionCase] as const);
const consistency = files(join(VECTORS, 'consistency')).map((f) => [relative(VECTORS, f), JSON.parse(readFileSync(f, 'utf8')) as ConsistencyCase] as const);

describe('RFC 6962 vectors', () => {
  it('are all present', () => {
    expect(inclusion.length + consistency.length).toBeGreaterThanOrEqual(190);
    expect(inclusion.some(([, c]) => !c.wantErr) && consistency.some(([, c]) => !c.wantErr)).toBe(true);
  });

  it.each(inclusion)('inclusion %s', (_name, c) => {
    const run = () => verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), (c.proof ?? []).map(b64), b64(c.root));
    if (c.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });

  it.each(consistency)('consistency %s', (_name, c) => {
    const run = () => verifyConsistency(c.size1, c.size2, (c.proof ?? []).map(b64), b64(c.root1), b64(c.root2));
    if (c.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });
});

// RFC 6962 §2.1 reference roots for the 8 leaves of the reference test data (certificate-transparency's
// merkle_tree_test: leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f).
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)),
);
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('tree hashing', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(bytesToHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootFromLeafHashes([])).toEqual(EMPTY_ROOT);
  });
  it('separates leaves from nodes (0x00 / 0x01 prefixes)', () => {
    const x = utf8ToBytes('x');
    expect(leafHash(x)).toEqual(sha256(Uint8Array.of(0, ...x)));
    expect(nodeHash(x, x)).toEqual(sha256(Uint8Array.of(1, ...x, ...x)));
  });
  it.each(roots.map((r, i) => [i + 1, r] as const))('root of the first %i reference leaves', (n, want) => {
    const hashes = leaves.slice(0, n).map(leafHash);
    expect(bytesToHex(rootFromLeafHashes(hashes))).toBe(want);
    const t = new MemoryTree();
    for (const l of leaves) t.append(l);
    expect(bytesToHex(t.root(n))).toBe(want);
  });
  it('rejects a leaf hash of the wrong size', () => {
    expect(() => new MemoryTree().appendLeafHash(new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('MemoryTree with node:crypto interior hashes', () => {
  it('has the same roots and proofs as with noble', () => {
    const noble = new MemoryTree();
    const node = new MemoryTree(nodeHashChildren);
    for (let i = 0; i < 300; i++) {
      const e = new TextEncoder().encode(`leaf ${i}`);
      noble.append(e);
      node.append(e);
      expect(node.root()).toEqual(noble.root());
    }
    expect(nodeHashChildren(new Uint8Array(32), new Uint8Array(32).fill(1))).toEqual(nodeHash(new Uint8Array(32), new Uint8Array(32).fill(1)));
    for (const [i, n] of [[0, 300], [137, 256], [299, 300]] as const) expect(node.inclusionProof(i, n)).toEqual(noble.inclusionProof(i, n));
    expect(node.consistencyProof(77, 300)).toEqual(noble.consistencyProof(77, 300));
  });
});
