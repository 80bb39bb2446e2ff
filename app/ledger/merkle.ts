// RFC 9162 §2.1 Merkle Tree hashing, inclusion proofs (§2.1.3) and consistency proofs (§2.1.4).
// Pure and isomorphic (SHA-256 from @noble/hashes, no node: imports) so the browser verifier reuses it.
//
// A tree node is named by (level, index): the Merkle Tree Hash of the complete subtree of 2**level leaves
// D[index * 2**level : (index + 1) * 2**level]. Proof generation is split in two: a pure *plan* that says which
// complete nodes each proof element is made of, and an assembly step that folds the fetched node hashes — so
// the same code serves an in-memory tree (sequencer) and a tile reader (witness, mirror).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from './bytes';
import { EvidenceError } from '../common/errors';

export const HASH_SIZE = 32;

/** Named verification failure: a proof, root, index or size that does not check out. */
export class ProofError extends EvidenceError<'LEDGER_PROOF_RANGE' | 'LEDGER_PROOF_LENGTH' | 'LEDGER_PROOF_ROOT_MISMATCH' | 'LEDGER_PROOF_HASH_SIZE'> {
  override name = 'ProofError';
}

/** RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(entry.length + 1);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return sha256(buf);
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Largest power of two strictly smaller than n (n > 1), RFC 9162 §2.1.1's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.1: MTH(D[n]) from the leaf hashes, in O(n) with a stack of complete subtrees. */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  // stack[i] holds a complete subtree; sizes strictly decrease along the stack.
  const hashes: Uint8Array[] = [];
  const sizes: number[] = [];
  for (const leaf of leaves) {
    let h = leaf;
    let s = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === s) {
      h = nodeHash(hashes.pop()!, h);
      s += sizes.pop()!;
    }
    hashes.push(h);
    sizes.push(s);
  }
  let root = hashes.pop()!;
  while (hashes.length > 0) root = nodeHash(hashes.pop()!, root);
  return root;
}

/** A complete subtree: MTH(D[index * 2**level : (index + 1) * 2**level]). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * The complete subtrees whose hashes, folded right to left with nodeHash, give MTH(D[start:end]).
 * `start` must be aligned so that [start, end) is a subtree range of RFC 9162 §2.1.1's recursion (true for
 * every range a proof asks for): the decomposition follows the binary digits of end - start, largest first.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let pos = start;
  let rem = end - start;
  while (rem > 0) {
    let level = 0;
    while (2 ** (level + 1) <= rem) level++;
    const size = 2 ** level;
    if (pos % size !== 0) throw new RangeError(`range [${start}, ${end}) is not a Merkle subtree range`);
    out.push({ level, index: pos / size });
    pos += size;
    rem -= size;
  }
  return out;
}

/** Folds the hashes of rangeNodes() into the range's Merkle Tree Hash. */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new RangeError('cannot fold an empty range');
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/** A proof plan: for each proof element (in RFC 9162 order), the range [start, end) it hashes. */
export type ProofPlan = Array<readonly [start: number, end: number]>;

/** RFC 9162 §2.1.3.1: the ranges whose hashes make PATH(index, D[size]), leaf to root. */
export function planInclusion(index: number, size: number): ProofPlan {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new ProofError('LEDGER_PROOF_RANGE', `index ${index} is not below tree size ${size}`);
  const path: ProofPlan = [];
  const walk = (m: number, lo: number, n: number): void => {
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, lo, k);
      path.push([lo + k, lo + n]);
    } else {
      walk(m - k, lo + k, n - k);
      path.push([lo, lo + k]);
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.4.1: the ranges whose hashes make PROOF(first, D[second]). */
export function planConsistency(first: number, second: number): ProofPlan {
  checkSize('first', first);
  checkSize('second', second);
  if (first > second) throw new ProofError('LEDGER_PROOF_RANGE', `first size ${first} exceeds second size ${second}`);
  if (first === 0 || first === second) return [];
  const proof: ProofPlan = [];
  const sub = (m: number, lo: number, n: number, b: boolean): void => {
    if (m === n) {
      if (!b) proof.push([lo, lo + n]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, lo, k, b);
      proof.push([lo + k, lo + n]);
    } else {
      sub(m - k, lo + k, n - k, false);
      proof.push([lo, lo + k]);
    }
  };
  sub(first, 0, second, true);
  return proof;
}

/** Synchronous source of complete-subtree hashes (an in-memory tree). */
export type NodeSource = (node: NodeId) => Uint8Array;
/** Asynchronous source of complete-subtree hashes (tiles over HTTP or disk). */
export type AsyncNodeSource = (nodes: readonly NodeId[]) => Promise<Uint8Array[]>;

/** Assembles a plan's proof hashes from a synchronous node source. */
export function assemble(plan: ProofPlan, nodeAt: NodeSource): Uint8Array[] {
  return plan.map(([s, e]) => foldRange(rangeNodes(s, e).map(nodeAt)));
}

/** Assembles a plan's proof hashes, fetching every node it needs in one batch. */
export async function assembleAsync(plan: ProofPlan, fetchNodes: AsyncNodeSource): Promise<Uint8Array[]> {
  const parts = plan.map(([s, e]) => rangeNodes(s, e));
  const hashes = await fetchNodes(parts.flat());
  if (hashes.length !== parts.reduce((a, p) => a + p.length, 0)) {
    throw new RangeError(`node source returned ${hashes.length} hashes for ${parts.flat().length} nodes`);
  }
  let i = 0;
  return parts.map((p) => foldRange(p.map(() => hashes[i++]!)));
}

function checkVerifyArgs(pairs: Array<[string, number]>): void {
  for (const [name, n] of pairs) {
    if (!Number.isSafeInteger(n) || n < 0) throw new ProofError('LEDGER_PROOF_RANGE', `${name} must be a non-negative safe integer, got ${n}`);
  }
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  for (const [i, p] of proof.entries()) {
    if (p.length !== HASH_SIZE) {
      throw new ProofError('LEDGER_PROOF_HASH_SIZE', `proof hash ${i} is ${p.length} bytes, expected ${HASH_SIZE}`);
    }
  }
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof implies (throws ProofError if the proof is malformed). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkVerifyArgs([['index', index], ['size', size]]);
  if (index >= size) throw new ProofError('LEDGER_PROOF_RANGE', `index ${index} is not below tree size ${size}`);
  if (leaf.length !== HASH_SIZE) throw new ProofError('LEDGER_PROOF_HASH_SIZE', `leaf hash is ${leaf.length} bytes, expected ${HASH_SIZE}`);
  checkProofHashes(proof);
  // Sizes may exceed 2**32, so shift by division rather than with 32-bit bitwise operators.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('LEDGER_PROOF_LENGTH', `inclusion proof for ${index} in ${size} is too long (${proof.length} hashes)`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('LEDGER_PROOF_LENGTH', `inclusion proof for ${index} in ${size} is too short (${proof.length} hashes)`);
  return r;
}

/** RFC 9162 §2.1.3.2: throws ProofError unless `proof` proves `leaf` at `index` in the tree (size, root). */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (root.length !== HASH_SIZE) throw new ProofError('LEDGER_PROOF_HASH_SIZE', `root is ${root.length} bytes, expected ${HASH_SIZE}`);
  const got = rootFromInclusionProof(index, size, leaf, proof);
  if (!bytesEqual(got, root)) {
    throw new ProofError('LEDGER_PROOF_ROOT_MISMATCH', `inclusion proof for index ${index} in size ${size} does not lead to the given root`);
  }
}

/**
 * RFC 9162 §2.1.4.2: throws ProofError unless `proof` shows tree (first, firstRoot) is a prefix of
 * (second, secondRoot). As in the RFC, 0 < first ≤ second; first = second needs an empty proof and equal
 * roots. (A size-0 tree is trivially a prefix of every tree; callers such as witnesses handle it themselves.)
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): void {
  checkVerifyArgs([['first', first], ['second', second]]);
  if (first === 0) throw new ProofError('LEDGER_PROOF_RANGE', 'consistency from an empty tree proves nothing (RFC 9162 §2.1.4.2 needs 0 < first)');
  if (first > second) throw new ProofError('LEDGER_PROOF_RANGE', `first size ${first} exceeds second size ${second}`);
  if (first === second) {
    if (proof.length !== 0) throw new ProofError('LEDGER_PROOF_LENGTH', `sizes are equal (${first}) but the proof has ${proof.length} hashes, expected none`);
    if (!bytesEqual(firstRoot, secondRoot)) throw new ProofError('LEDGER_PROOF_ROOT_MISMATCH', `sizes are equal (${first}) but the roots differ`);
    return;
  }
  if (proof.length === 0) throw new ProofError('LEDGER_PROOF_LENGTH', `empty consistency proof from ${first} to ${second}`);
  checkProofHashes(proof);
  const path = [...proof];
  // Step 2: if first is an exact power of 2, prepend first_hash.
  if (isPowerOfTwo(first)) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('LEDGER_PROOF_LENGTH', `consistency proof from ${first} to ${second} is too long (${proof.length} hashes)`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('LEDGER_PROOF_LENGTH', `consistency proof from ${first} to ${second} is too short (${proof.length} hashes)`);
  if (!bytesEqual(fr, firstRoot)) throw new ProofError('LEDGER_PROOF_ROOT_MISMATCH', `consistency proof does not lead to the root of size ${first}`);
  if (!bytesEqual(sr, secondRoot)) throw new ProofError('LEDGER_PROOF_ROOT_MISMATCH', `consistency proof does not lead to the root of size ${second}`);
}

/**
 * An append-only in-memory Merkle tree keeping every complete subtree hash (levels[l][i] = node (l, i)),
 * so roots and proofs for any size up to the current one are O(log n) hash operations. Used by the
 * sequencer and by verifiers rebuilding a log; ~64 bytes per leaf.
 */
export class MemoryTree {
  private readonly levels: Uint8Array[][] = [[]];

  /**
   * `hashChildren`: RFC 9162 §2.1.1 interior node hash (nodeHash, with noble, by default); Node callers that
   * append many leaves pass one with node:crypto (the audit's main thread).
   */
  constructor(private readonly hashChildren: (left: Uint8Array, right: Uint8Array) => Uint8Array = nodeHash) {}

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends a leaf hash (not the entry: call leafHash first). */
  appendLeafHash(h: Uint8Array): number {
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${h.length}`);
    const index = this.size;
    this.levels[0]!.push(h);
    let level = 0;
    let i = index;
    while (i % 2 === 1) {
      const row = this.levels[level]!;
      const parent = this.hashChildren(row[i - 1]!, row[i]!);
      level++;
      if (this.levels.length <= level) this.levels.push([]);
      this.levels[level]!.push(parent);
      i = Math.floor(i / 2);
    }
    return index;
  }

  append(entry: Uint8Array): number {
    return this.appendLeafHash(leafHash(entry));
  }

  /** The hash of complete subtree (level, index); throws if it is not complete yet. */
  readonly node: NodeSource = ({ level, index }) => {
    const h = this.levels[level]?.[index];
    if (!h) throw new RangeError(`node (level ${level}, index ${index}) is not complete in a tree of size ${this.size}`);
    return h;
  };

  /** MTH of the first `size` leaves (default: all). */
  root(size = this.size): Uint8Array {
    checkSize('size', size);
    if (size > this.size) throw new RangeError(`size ${size} exceeds the tree size ${this.size}`);
    if (size === 0) return EMPTY_ROOT;
    return foldRange(rangeNodes(0, size).map(this.node));
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    if (size > this.size) throw new RangeError(`size ${size} exceeds the tree size ${this.size}`);
    return assemble(planInclusion(index, size), this.node);
  }

  consistencyProof(first: number, second = this.size): Uint8Array[] {
    if (second > this.size) throw new RangeError(`size ${second} exceeds the tree size ${this.size}`);
    return assemble(planConsistency(first, second), this.node);
  }
}
