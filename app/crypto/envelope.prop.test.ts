// Properties of the envelope verifier (fast-check): any change to a signed record, any signature moved between
// records or roles, and any substituted key makes verification fail.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addSignature, signRecord, verifyEnvelope, type SignedRecord } from './envelope';
import { canonicalJson, type JsonRecord, type JsonValue } from './record-digest';
import { generateSigner, type Signer } from './signer';

const ROLES = ['depositor', 'provider', 'witness'] as const;
const signers = new Map<string, Signer>(ROLES.map((r) => [r, generateSigner()]));
const others = [generateSigner(), generateSigner()];
const policy = {
  resolveKey: (keyId: string, role: string) => {
    const s = signers.get(role);
    return s?.keyId === keyId ? s.publicKey : undefined;
  },
  requiredRoles: [...ROLES],
};

const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value as fc.Arbitrary<JsonValue>;

const recordArb: fc.Arbitrary<JsonRecord> = fc
  .record({
    type: fc.constantFrom('deposition', 'custody.transfer', 'access'),
    body: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'type'), jsonValue, { minKeys: 1, maxKeys: 5 }),
  })
  .map(({ type, body }) => ({ ...body, type }) as JsonRecord);

function signAll(record: JsonRecord): SignedRecord {
  let env = signRecord(record, ROLES[0], signers.get(ROLES[0])!);
  for (const role of ROLES.slice(1)) env = addSignature(env, role, signers.get(role)!);
  return env;
}

/** A deep copy of `record` with one (non-type) field set to a canonically different value. */
function changeAt(record: JsonRecord, pick: number, replacement: JsonValue): JsonRecord {
  const copy = JSON.parse(JSON.stringify(record)) as JsonRecord;
  const keys = Object.keys(copy).filter((k) => k !== 'type');
  const key = keys[pick % keys.length]!;
  // Compare canonical forms: a replacement that only reorders keys or re-spells a number is not a change.
  copy[key] = canonicalJson(replacement) === canonicalJson(copy[key]) ? [replacement] : replacement;
  return copy;
}

describe('envelope properties', () => {
  it('a correctly signed envelope verifies', () => {
    fc.assert(fc.property(recordArb, (record) => verifyEnvelope(signAll(record), policy).ok), { numRuns: 40 });
  });

  it('changing any field of the record makes every signature fail', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(), jsonValue, (record, pick, replacement) => {
        const env = signAll(record);
        const tampered = { ...env, record: changeAt(env.record, pick, replacement) };
        const report = verifyEnvelope(tampered, policy);
        expect(report.ok).toBe(false);
        expect(report.signatures.every((s) => s.reason === 'bad-signature')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('changing the record type breaks every signature (domain separation)', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const env = signAll(record);
        const type = record.type === 'access' ? 'deposition' : 'access';
        expect(verifyEnvelope({ ...env, record: { ...env.record, type } }, policy).signatures.every((s) => !s.ok)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('swapping a signature in from another record fails', () => {
    fc.assert(
      fc.property(recordArb, recordArb, fc.integer({ min: 0, max: ROLES.length - 1 }), (a, b, i) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const ea = signAll(a);
        const eb = signAll(b);
        const signatures = [...ea.signatures];
        signatures[i] = eb.signatures[i]!;
        const report = verifyEnvelope({ record: ea.record, signatures }, policy);
        expect(report.ok).toBe(false);
        expect(report.signatures[i]!.reason).toBe('bad-signature');
      }),
      { numRuns: 30 },
    );
  });

  it('swapping roles between signatures fails', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }), (record, i, d) => {
        const j = (i + d) % ROLES.length;
        const env = signAll(record);
        const signatures = env.signatures.map((s) => ({ ...s }));
        [signatures[i]!.role, signatures[j]!.role] = [signatures[j]!.role, signatures[i]!.role];
        const report = verifyEnvelope({ record: env.record, signatures }, policy);
        expect(report.ok).toBe(false);
        expect(report.signatures[i]!.reason).toBe('unknown-key');
        expect(report.signatures[j]!.reason).toBe('unknown-key');
      }),
      { numRuns: 20 },
    );
  });

  it("substituting another signer's key (with or without its key id) fails", () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 2 }), fc.constantFrom(...others), fc.boolean(), (record, i, other, withId) => {
        const env = signAll(record);
        const signatures = env.signatures.map((s) => ({ ...s }));
        signatures[i] = { ...signatures[i]!, publicKey: other.publicKey, ...(withId ? { keyId: other.keyId } : {}) };
        const report = verifyEnvelope({ record: env.record, signatures }, policy);
        expect(report.ok).toBe(false);
        expect(report.signatures[i]!.reason).toBe(withId ? 'unknown-key' : 'key-mismatch');
        // Even a resolver that trusts the substitute cannot make the old signature verify under the new key.
        const trusting = { ...policy, resolveKey: (id: string, role: string) => (id === other.keyId ? other.publicKey : policy.resolveKey(id, role)) };
        if (withId) expect(verifyEnvelope({ record: env.record, signatures }, trusting).signatures[i]!.reason).toBe('bad-signature');
      }),
      { numRuns: 30 },
    );
  });
});
