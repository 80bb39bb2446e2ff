// The node's log key signing through node:crypto (OpenSSL) instead of noble: the sequencer signs a promise per
// submission and noble's Ed25519 signing was the submission path's bottleneck (measured). Ed25519 is
// deterministic (RFC 8032), so both produce identical signatures (fast-signer.test.ts).
import { createPrivateKey, sign } from 'node:crypto';
import { fromBase64 } from '../crypto/encoding';
import { type NoteKeyPair, parseSignerKey } from '../ledger/note';

// PKCS #8 prefix of an Ed25519 private key (RFC 8410 §7): the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The key pair of `skey` with its signer backed by node:crypto. */
export function nodeNoteKey(skey: string): NoteKeyPair {
  const kp = parseSignerKey(skey);
  const raw = fromBase64(skey.split('+').slice(4).join('+'));
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw.subarray(1)]), format: 'der', type: 'pkcs8' });
  raw.fill(0);
  if (kp.verifier.type !== 0x01) return kp;
  return { ...kp, signer: { name: kp.signer.name, keyId: kp.signer.keyId, sign: (text) => new Uint8Array(sign(null, text, key)) } };
}
