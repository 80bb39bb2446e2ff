import { describe, expect, it } from 'vitest';
import { EnvelopeSchemaError, DuplicateRoleError, RecordInputError } from './errors';
import { fromBase64, toBase64 } from './encoding';
import {
  EnvelopeVerificationError,
  addSignature,
  assertEnvelope,
  describeReport,
  parseSignedRecord,
  signRecord,
  verifyEnvelope,
  type SignedRecord,
} from './envelope';
import { flipS } from './secp256k1';
import { generateSigner, type Signer } from './signer';

const depositor = generateSigner();
const provider = generateSigner();
const stranger = generateSigner();

const keys = new Map<string, Signer>([
  ['depositor', depositor],
  ['provider', provider],
]);
const policy = {
  resolveKey: (keyId: string, role: string) => {
    const s = keys.get(role);
    return s && s.keyId === keyId ? s.publicKey : undefined;
  },
  requiredRoles: ['depositor', 'provider'],
};

const record = { type: 'deposition', caseId: 'C-2026-17', files: [{ path: 'a.bin', size: 3, sha256: 'ab'.repeat(32) }] };
const both = (): SignedRecord<typeof record> => addSignature(signRecord(record, 'depositor', depositor), 'provider', provider);

function reasons(env: unknown, opts = policy) {
  return verifyEnvelope(env, opts).signatures.map((s) => s.reason ?? 'ok');
}

describe('signRecord / addSignature', () => {
  it('builds an envelope whose signatures all verify under the policy', () => {
    const env = both();
    expect(env.signatures.map((s) => s.role)).toEqual(['depositor', 'provider']);
    expect(env.signatures[0]).toMatchObject({ keyId: depositor.keyId, publicKey: depositor.publicKey });
    expect(fromBase64(env.signatures[0]!.sig)).toHaveLength(64);
    const report = verifyEnvelope(env, policy);
    expect(report).toMatchObject({ ok: true, missingRoles: [], errors: [] });
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(describeReport(report)).toMatch(/^ok: 2 signature/);
    expect(assertEnvelope(env, policy)).toBe(env);
  });

  it('copies the record, so later mutation of the input does not change what was signed', () => {
    const input = { type: 'access', item: 'E-1' };
    const env = signRecord(input, 'depositor', depositor);
    input.item = 'E-2';
    expect(env.record.item).toBe('E-1');
  });

  it('round-trips through JSON text', () => {
    const env = JSON.parse(JSON.stringify(both())) as unknown;
    expect(verifyEnvelope(parseSignedRecord(env), policy).ok).toBe(true);
  });

  it('refuses a second signature in the same role', () => {
    expect(() => addSignature(both(), 'provider', stranger)).toThrow(DuplicateRoleError);
  });

  it('refuses bad roles and unsignable records', () => {
    expect(() => signRecord(record, 'Bad Role', depositor)).toThrow(EnvelopeSchemaError);
    expect(() => signRecord({ type: 'x', n: NaN }, 'depositor', depositor)).toThrow(RecordInputError);
  });
});

describe('verifyEnvelope reports which signature failed and why', () => {
  it('missing required role', () => {
    const report = verifyEnvelope(signRecord(record, 'depositor', depositor), policy);
    expect(report.ok).toBe(false);
    expect(report.missingRoles).toEqual(['provider']);
    expect(report.errors).toContain('required role "provider": no valid signature');
  });

  it('unknown key: a key the policy does not know in that role', () => {
    const env = addSignature(signRecord(record, 'depositor', depositor), 'provider', stranger);
    const report = verifyEnvelope(env, policy);
    expect(reasons(env)).toEqual(['ok', 'unknown-key']);
    expect(report.signatures[1]!.message).toBe(
      `signature 1 (role "provider", key ${stranger.keyId}): unknown-key: key ${stranger.keyId} may not sign in role "provider"`,
    );
    expect(report.missingRoles).toEqual(['provider']);
  });

  it('key mismatch: publicKey replaced while keyId kept', () => {
    const env = both();
    env.signatures[1] = { ...env.signatures[1]!, publicKey: stranger.publicKey };
    expect(reasons(env)).toEqual(['ok', 'key-mismatch']);
    expect(verifyEnvelope(env, policy).signatures[1]!.message).toMatch(/keyId is not the fingerprint of publicKey/);
  });

  it('key mismatch: the resolver holds a different key for that id', () => {
    const env = both();
    const lying = { ...policy, resolveKey: (id: string, role: string) => (role === 'provider' ? stranger.publicKey : policy.resolveKey(id, role)) };
    expect(reasons(env, lying)).toEqual(['ok', 'key-mismatch']);
  });

  it('bad signature: a changed record', () => {
    const env = both();
    env.record.caseId = 'C-2026-18';
    expect(reasons(env)).toEqual(['bad-signature', 'bad-signature']);
  });

  it('bad signature: a signature moved from another record', () => {
    const other = signRecord({ ...record, caseId: 'other' }, 'provider', provider);
    const env = both();
    env.signatures[1] = other.signatures[0]!;
    expect(reasons(env)).toEqual(['ok', 'bad-signature']);
  });

  it('high-S twin of a valid signature', () => {
    const env = both();
    env.signatures[0] = { ...env.signatures[0]!, sig: toBase64(flipS(fromBase64(env.signatures[0]!.sig))) };
    expect(reasons(env)).toEqual(['high-s', 'ok']);
  });

  it('malformed: names the field', () => {
    const env = both() as unknown as { signatures: Record<string, unknown>[] };
    env.signatures[1] = { ...env.signatures[1], sig: 'short' };
    const report = verifyEnvelope(env, policy);
    expect(report.signatures[1]).toMatchObject({ ok: false, reason: 'malformed' });
    expect(report.signatures[1]!.message).toMatch(/field signatures\[1\]\.sig: sig must be a 64-byte compact signature/);
  });

  it('malformed: r = 0 inside a well-formed base64 string', () => {
    const env = both();
    const sig = fromBase64(env.signatures[0]!.sig);
    sig.fill(0, 0, 32);
    env.signatures[0] = { ...env.signatures[0]!, sig: toBase64(sig) };
    expect(reasons(env)).toEqual(['malformed', 'ok']);
  });

  it('duplicate role', () => {
    const env = both();
    env.signatures.push({ ...env.signatures[0]! });
    expect(reasons(env)).toEqual(['ok', 'ok', 'duplicate-role']);
    expect(verifyEnvelope(env, policy).ok).toBe(false);
  });

  it('rejects envelopes that are not objects, lack signatures, or carry unknown fields', () => {
    expect(verifyEnvelope(null, policy)).toMatchObject({ ok: false, missingRoles: ['depositor', 'provider'] });
    expect(verifyEnvelope({ record, signatures: [] }, { ...policy, requiredRoles: [] }).errors).toContain('envelope field signatures: no signatures');
    expect(verifyEnvelope({ ...both(), note: 'unsigned' }, policy).errors).toContain('envelope field note: unknown field');
    const bad = verifyEnvelope({ record: { type: 'x', n: Infinity }, signatures: both().signatures }, policy);
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]).toMatch(/record \$\.n: number Infinity is not finite/);
  });

  it('assertEnvelope throws with the report', () => {
    const env = signRecord(record, 'depositor', depositor);
    expect(() => assertEnvelope(env, policy)).toThrow(EnvelopeVerificationError);
    try {
      assertEnvelope(env, policy);
    } catch (e) {
      expect((e as EnvelopeVerificationError).code).toBe('E_ENVELOPE_UNVERIFIED');
      expect((e as EnvelopeVerificationError).report.missingRoles).toEqual(['provider']);
    }
  });
});

describe('parseSignedRecord (zod)', () => {
  it.each([
    [{ record, signatures: [] }, 'signatures'],
    [{ record: { ...record, type: 'bad type' }, signatures: [] }, 'record.type'],
    [{ record: { type: 'x', nested: { deep: [1, NaN] } }, signatures: [] }, 'record.nested.deep[1]'],
    [{ record, signatures: [{ role: 'depositor', keyId: 'x', publicKey: depositor.publicKey, sig: 'A'.repeat(86) + '==' }] }, 'signatures[0].keyId'],
    [{ record, signatures: [{ role: 'depositor', keyId: depositor.keyId, publicKey: depositor.publicKey }] }, 'signatures[0].sig'],
    [{ record, signatures: both().signatures, extra: 1 }, '(root)'],
  ])('names the bad field (%#: %s)', (input, field) => {
    let err: unknown;
    try {
      parseSignedRecord(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvelopeSchemaError);
    expect((err as EnvelopeSchemaError).field).toBe(field);
    expect((err as EnvelopeSchemaError).message).toContain(`envelope field ${field}:`);
  });
});
