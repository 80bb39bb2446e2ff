// Small isomorphic byte helpers for the ledger (no node: imports: the browser verifier reuses them).
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes };
/** One implementation of each, shared with app/crypto (base64 lives there only: `fromBase64`, `toBase64`). */
export { bytesEqual } from '../crypto/encoding';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** Strict UTF-8 decoding (throws on invalid sequences). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
