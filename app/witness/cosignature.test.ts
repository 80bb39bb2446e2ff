import { describe, expect, it } from 'vitest';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { fromBase64 } from '../crypto/encoding';
import { formatCheckpoint, signCheckpoint } from '../ledger/checkpoint';
import { MemoryTree } from '../ledger/merkle';
import { SIG_COSIGNATURE_V1, addSignatureLines, generateNoteKey, parseVerifierKey } from '../ledger/note';
import { CosignatureError, checkPolicy, cosignCheckpoint, generateCosignerKey, parsePolicy, verifyCosignature } from './cosignature';

const tree = new MemoryTree();
for (let i = 0; i < 5; i++) tree.append(new TextEncoder().encode(`entry ${i}`));
const cp = { origin: 'example.com/log', size: 5, root: tree.root(), extensions: [] };
const text = formatCheckpoint(cp);
const log = generateNoteKey('example.com/log');
const w1 = generateCosignerKey('witness.example/w1');
const w2 = generateCosignerKey('witness.example/w2');
const w3 = generateCosignerKey('witness.example/w3');

/** Ed25519 raw public key → node:crypto KeyObject (SPKI prefix for Ed25519, RFC 8410). */
function nodeKey(pub: Uint8Array) {
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
}

describe('cosignature/v1', () => {
  it('uses the spec key id SHA-256(name ‖ 0x0A ‖ 0x04 ‖ pub)[:4] (checked with node:crypto)', () => {
    const v = parseVerifierKey(w1.vkey);
    expect(v.type).toBe(SIG_COSIGNATURE_V1);
    const h = createHash('sha256').update(Buffer.concat([Buffer.from('witness.example/w1\n'), Buffer.from([4]), v.publicKey])).digest();
    expect(v.keyId).toBe(h.readUInt32BE(0));
    expect(w1.vkey.split('+')[1]).toBe(h.subarray(0, 4).toString('hex'));
  });

  it('signs "cosignature/v1\\ntime T\\n" ‖ body, verifiable by node:crypto Ed25519', () => {
    const line = cosignCheckpoint(text, w1.skey, 1679315147n);
    const raw = fromBase64(line.split(' ')[2]!);
    expect(raw.length).toBe(4 + 8 + 64);
    expect(Buffer.from(raw.subarray(4, 12)).readBigUInt64BE(0)).toBe(1679315147n);
    const msg = Buffer.from(`cosignature/v1\ntime 1679315147\n${text}`);
    expect(nodeVerify(null, msg, nodeKey(w1.verifier.publicKey), raw.subarray(12))).toBe(true);
    expect(verifyCosignature(text, line, w1.verifier)).toBe(1679315147n);
  });

  it('rejects a cosignature over another body, by another key, or with an altered timestamp', () => {
    const line = cosignCheckpoint(text, w1.skey, 1700000000n);
    const other = formatCheckpoint({ ...cp, size: 4, root: tree.root(4) });
    expect(() => verifyCosignature(other, line, w1.verifier)).toThrow(/does not verify/);
    expect(() => verifyCosignature(text, line, w2.verifier)).toThrow(CosignatureError);
    const raw = fromBase64(line.split(' ')[2]!);
    raw[11] = raw[11]! ^ 1;
    const bumped = `\u2014 witness.example/w1 ${Buffer.from(raw).toString('base64')}`;
    expect(() => verifyCosignature(text, bumped, w1.verifier)).toThrow(/does not verify/);
  });

  it('refuses a zero or out-of-range timestamp', () => {
    expect(() => cosignCheckpoint(text, w1.skey, 0n)).toThrow(/must be in 1\.\.2\^63-1/);
    expect(() => cosignCheckpoint(text, w1.skey, 1n << 63n)).toThrow(CosignatureError);
  });
});

describe('witness policy', () => {
  const policy = parsePolicy({ quorum: 2, witnesses: [w1, w2, w3].map((w) => ({ name: w.verifier.name, vkey: w.vkey })) });
  const note = signCheckpoint(cp, [log.signer]);

  it.each([
    [[], false],
    [[w1], false],
    [[w1, w1], false],
    [[w1, w3], true],
    [[w1, w2, w3], true],
  ])('counts distinct policy cosigners (%#)', (signers, final) => {
    const lines = signers.map((w, i) => cosignCheckpoint(text, w.skey, 1700000000n + BigInt(i)));
    const r = checkPolicy(addSignatureLines(note, lines), log.verifier, policy, 'example.com/log');
    expect(r.final).toBe(final);
    expect(r.cosigners.length).toBe(new Set(signers).size);
  });

  it('ignores cosignatures of keys outside the policy', () => {
    const stranger = generateCosignerKey('witness.example/w1');
    const lines = [cosignCheckpoint(text, stranger.skey, 5n), cosignCheckpoint(text, w2.skey, 5n)];
    const r = checkPolicy(addSignatureLines(note, lines), log.verifier, policy);
    expect(r.cosigners).toEqual(['witness.example/w2']);
    expect(r.final).toBe(false);
  });

  it('rejects a note whose policy witness line does not verify', () => {
    const forged = cosignCheckpoint(formatCheckpoint({ ...cp, size: 4, root: tree.root(4) }), w1.skey, 5n);
    expect(() => checkPolicy(addSignatureLines(note, [forged]), log.verifier, policy)).toThrow(/does not verify/);
  });

  it.each([
    [{ quorum: -1, witnesses: [{ name: 'witness.example/w1', vkey: w1.vkey }] }, /quorum -1/],
    [{ quorum: 2, witnesses: [{ name: 'witness.example/w1', vkey: w1.vkey }] }, /quorum 2/],
    [{ quorum: 1, witnesses: [{ name: 'witness.example/w1', vkey: w1.vkey }, { name: 'witness.example/w1', vkey: w1.vkey }] }, /twice/],
    [{ quorum: 1, witnesses: [{ name: 'example.com/log', vkey: log.vkey }] }, /expected 0x04/],
    [{ quorum: 1, witnesses: [{ name: 'other', vkey: w1.vkey }] }, /is named "other"/],
  ])('rejects a bad policy (%#)', (p, msg) => {
    expect(() => parsePolicy(p)).toThrow(msg);
  });
});
