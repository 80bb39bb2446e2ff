// The trust bundle: canonical bytes and fingerprint (what `sha256sum trust.bundle` prints), strict parsing that
// names the bad field or policy line, fingerprints as people type them, and the bundle a genesis describes.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigner } from '../crypto/signer';
import { generateNoteKey } from '../ledger/note';
import type { GenesisRecord } from '../records/schemas';
import { generateCosignerKey } from '../witness/cosignature';
import { TRUST_BUNDLE_FORMAT, TrustError, type TrustBundle, assertBundleOfGenesis, bundleFromGenesis, checkTrustBundle, formatFingerprint, parseFingerprint, parseTrustBundle, trustBundleBytes } from './bundle';
import { formatPolicyText } from './policy';

const origin = 'ledger.example/main';
const logKey = generateNoteKey(origin).vkey;
const wit = generateCosignerKey('w1.example').vkey;
const admin = generateSigner();
const provider = generateSigner();
const party = (s: { keyId: string; publicKey: string }, name: string) => ({ name, keyId: s.keyId, publicKey: s.publicKey });

const genesis: GenesisRecord = {
  type: 'genesis', v: 1, origin, id: 'genesis-1', time: '2026-12-01T00:00:00.000Z', network: 'Example agency',
  admins: [party(admin, 'Admin')], adminQuorum: 1,
  witnessPolicy: { quorum: 1, witnesses: [{ name: 'w1.example', vkey: wit }] },
  logKey,
  trust: { providers: [party(provider, 'Provider')], selfWitnessed: false },
};
const bundle: TrustBundle = bundleFromGenesis(genesis);

describe('trust bundle', () => {
  it('is the bundle its genesis describes, and its fingerprint is the SHA-256 of the file bytes', () => {
    expect(bundle).toEqual({
      format: TRUST_BUNDLE_FORMAT, origin, network: 'Example agency', selfWitnessed: false, logKey,
      policy: formatPolicyText(logKey, genesis.witnessPolicy), providers: [party(provider, 'Provider')], admins: [party(admin, 'Admin')], adminQuorum: 1,
    });
    const p = checkTrustBundle(bundle);
    const file = trustBundleBytes(bundle);
    expect(p.fingerprint).toBe(createHash('sha256').update(file).digest('hex'));
    expect(new TextDecoder().decode(file).endsWith('}\n')).toBe(true);
    expect(parseTrustBundle(file).fingerprint).toBe(p.fingerprint);
    // The same document written another way has the same fingerprint (the canonical form is hashed).
    expect(parseTrustBundle(JSON.stringify(bundle, null, 2)).fingerprint).toBe(p.fingerprint);
    expect(() => assertBundleOfGenesis(p, genesis)).not.toThrow();
  });

  it('names the field that differs from the genesis, and says when it is the log key', () => {
    const other = checkTrustBundle(bundleFromGenesis({ ...genesis, logKey: generateNoteKey(origin).vkey }));
    expect(() => assertBundleOfGenesis(other, genesis)).toThrow(/differ in logKey .*log key not in the trust root/);
    const selfW = checkTrustBundle({ ...bundle, selfWitnessed: true });
    expect(() => assertBundleOfGenesis(selfW, genesis)).toThrow(/differ in selfWitnessed/);
  });

  it.each<[string, (b: Record<string, unknown>) => void, RegExp]>([
    ['an unknown field', (b) => (b.extra = 1), /document: .*extra/i],
    ['a wrong format', (b) => (b.format = 'x'), /field format: must be "evidence-trust-bundle\/v1"/],
    ['a missing origin', (b) => delete b.origin, /field origin/],
    ['a provider key id that is not its key', (b) => ((b.providers as Array<{ keyId: string }>)[0]!.keyId = '0'.repeat(32)), /field providers\[0\]\.keyId: 0{32} is not the key id/],
    ['an admin listed twice', (b) => (b.admins = [party(admin, 'A'), party(admin, 'B')]), /field admins\[1\]\.keyId: .* appears twice/],
    ['an admin quorum above the admins', (b) => (b.adminQuorum = 2), /field adminQuorum: 2 is more than the 1 admins/],
    ['a bad policy line', (b) => (b.policy = `log ${logKey}\nwitness w1 nope\nquorum none\n`), /field policy: policy line 2: witness w1 key "nope"/],
    ['a policy for another log key', (b) => (b.policy = formatPolicyText(generateNoteKey(origin).vkey, { quorum: 0, witnesses: [] })), /its log line names .* not the bundle's logKey/],
    ['two log lines', (b) => (b.policy = `log ${logKey}\nlog ${generateNoteKey('x').vkey}\nquorum none\n`), /2 log lines/],
    ['a log key named for another origin', (b) => {
      const k = generateNoteKey('other.example/log').vkey;
      b.logKey = k;
      b.policy = formatPolicyText(k, { quorum: 0, witnesses: [] });
    }, /field logKey: the key is named other\.example\/log/],
    ['a TSA certificate that is not base64', (b) => (b.tsa = ['not base64!']), /field tsa\[0\]: expected base64 DER/],
  ])('refuses %s, naming it', (_, change, message) => {
    const b = structuredClone(bundle) as unknown as Record<string, unknown>;
    change(b);
    expect(() => checkTrustBundle(b)).toThrow(TrustError);
    expect(() => checkTrustBundle(b)).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseTrustBundle('log ed25519 …')).toThrow(/trust bundle is not JSON/);
  });
});

describe('fingerprints', () => {
  const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

  it('parse(format(f)) is f, with any spacing, case or a sha256: prefix', () => {
    fc.assert(
      fc.property(hex, fc.constantFrom('', ' ', '  ', '\n'), fc.boolean(), fc.boolean(), (f, sep, upper, prefix) => {
        const shown = formatFingerprint(f);
        expect(shown).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
        const typed = `${prefix ? 'sha256:' : ''}${shown.split(' ').join(sep)}`;
        expect(parseFingerprint(upper ? typed.toUpperCase() : typed)).toBe(f);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['63 digits', 'a'.repeat(63), /has 63 hex digits: it must have 64/],
    ['65 digits', 'a'.repeat(65), /has 65 hex digits/],
    ['a letter beyond f', `${'a'.repeat(63)}g`, /contains "g"/],
    ['nothing', '', /has 0 hex digits/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseFingerprint(text)).toThrow(message);
  });

  it('changes when any field of the bundle changes', () => {
    const base = checkTrustBundle(bundle).fingerprint;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (network) => {
        fc.pre(network !== bundle.network);
        expect(checkTrustBundle({ ...bundle, network }).fingerprint).not.toBe(base);
      }),
      { numRuns: 50 },
    );
  });
});
