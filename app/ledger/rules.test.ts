import { describe, expect, it } from 'vitest';
import { addSignature, signRecord, type SignedRecord } from '../crypto/envelope';
import { flipS } from '../crypto/secp256k1';
import { fromBase64, toBase64 } from '../crypto/encoding';
import { nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import { verifyEnvelope } from '../crypto/envelope';
import { recordMessage } from '../crypto/record-digest';
import { EntryRejectedError, LedgerState, RuleError, adminRole, checkEntryAlone, entryFacts, parseEntry, replay, entryBytes } from './rules';
import { SampleNetwork } from '../node/sample-network';

const ORIGIN = 'rules.example/ledger';

function network(): { net: SampleNetwork; state: LedgerState; entries: Uint8Array[] } {
  const net = new SampleNetwork({ origin: ORIGIN, seed: 7 });
  const state = new LedgerState();
  const entries: Uint8Array[] = [];
  const add = (env: SignedRecord) => {
    const e = entryBytes(env);
    state.apply(e, { verifier: nodeVerifier });
    entries.push(e);
  };
  add(net.genesis());
  for (let i = 0; i < 40; i++) add(net.next());
  // make sure every record type is exercised
  const ex = net.deposition(net.officers[0]!);
  add(ex);
  for (const env of [net.transferLast(), net.integrityLast(), net.accessLast(), net.disposeLast()]) add(env);
  return { net, state, entries };
}

type Mutable = { record: Record<string, unknown>; signatures: Array<Record<string, string>> };
const clone = (env: SignedRecord): Mutable => JSON.parse(JSON.stringify(env)) as Mutable;
function expectRule(state: LedgerState, env: unknown, status: number, msg: RegExp, field?: string): void {
  const size = state.size;
  let caught: unknown;
  try {
    state.apply(entryBytes(env as SignedRecord));
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RuleError);
  expect((caught as RuleError).status).toBe(status);
  expect((caught as Error).message).toMatch(msg);
  if (field !== undefined) expect((caught as RuleError).field).toBe(field);
  expect(state.size).toBe(size);
}

describe('ledger rules', () => {
  it('accepts a realistic sequence of every record type, and a replay agrees', () => {
    const { state, entries } = network();
    expect(state.size).toBe(46);
    const types = new Set(entries.map((e) => (JSON.parse(new TextDecoder().decode(e)) as SignedRecord).record.type));
    expect([...types].sort()).toEqual(['access', 'case.open', 'custody.transfer', 'deposition', 'disposition', 'genesis', 'integrity.check', 'member.enroll']);
    expect(state.members.size).toBe(3 + 8);
    const again = replay(entries);
    expect([...again.exhibits.keys()]).toEqual([...state.exhibits.keys()]);
    expect(again.cases.size).toBeGreaterThan(0);
  });

  it('requires the genesis first, and only once', () => {
    const { net, state } = network();
    expectRule(new LedgerState(), net.caseOpen(net.officers[0]!), 400, /entry 0 must be the genesis/);
    expectRule(state, net.genesis(), 409, /already has its genesis/);
  });

  it('rejects a duplicate record id (409) and changes nothing', () => {
    const { net, state } = network();
    const env = net.caseOpen(net.officers[0]!);
    state.apply(entryBytes(env));
    const dup = clone(env);
    dup.record.caseId = 'CASE-OTHER';
    const inv = net.officers[0]!;
    const resigned = signRecord(dup.record as never, 'investigator', inv.signer);
    expectRule(state, resigned, 409, /record id .* is already in the ledger/, 'record.id');
  });

  it('rejects a non-canonical entry', () => {
    const { net, state } = network();
    const env = net.caseOpen(net.officers[0]!);
    const text = JSON.stringify(env, null, 1);
    expect(() => state.apply(new TextEncoder().encode(text))).toThrow(/canonical/);
  });

  it('names the bad field (400)', () => {
    const { net, state } = network();
    const env = clone(net.caseOpen(net.officers[0]!));
    env.record.time = 'yesterday';
    expectRule(state, env, 400, /record\.time: expected an RFC 3339/, 'record.time');
    const env2 = clone(net.caseOpen(net.officers[0]!));
    env2.record.origin = 'other.example/ledger';
    expectRule(state, env2, 400, /is for ledger/, 'record.origin');
  });

  it('rejects a bad signature (401), including a high-S one', () => {
    const { net, state } = network();
    const env = clone(net.caseOpen(net.officers[0]!));
    env.signatures[0]!.sig = toBase64(flipS(fromBase64(env.signatures[0]!.sig!)));
    expectRule(state, env, 401, /high-s/);
    const env2 = clone(net.caseOpen(net.officers[0]!));
    env2.record.title = 'changed after signing';
    expectRule(state, env2, 401, /bad-signature/);
  });

  it('rejects signers who are not enrolled, revoked, or in the wrong role (403)', () => {
    const { net, state } = network();
    const provider = net.providers[0]!;
    const env = signRecord({ type: 'case.open', v: 1, origin: ORIGIN, id: 'c-x1', time: '2026-11-27T10:00:00.000Z', caseId: 'C-X', title: 't', agency: 'a', description: '' }, 'investigator', provider.signer);
    expectRule(state, env, 403, /is a provider; this role needs investigator or supervisor/);
    const stranger = new SampleNetwork({ origin: ORIGIN, seed: 3 }).admins[0]!;
    const env2 = signRecord({ type: 'case.open', v: 1, origin: ORIGIN, id: 'c-x2', time: '2026-11-27T10:00:00.000Z', caseId: 'C-Y', title: 't', agency: 'a', description: '' }, 'investigator', stranger.signer);
    expectRule(state, env2, 403, /is not enrolled at entry/);
  });

  it('judges key validity by log order: a revoked key cannot sign later', () => {
    const { net, state } = network();
    const inv = net.officers.find((o) => o.role === 'investigator')!;
    let revoke = signRecord({ type: 'member.revoke', v: 1, origin: ORIGIN, id: 'rev-1', time: '2026-11-27T11:00:00.000Z', keyId: inv.signer.keyId, reason: 'left the unit' } as never, adminRole(0), net.admins[0]!.signer) as SignedRecord;
    expectRule(state, revoke, 403, /1 admin signature\(s\), 2 needed/);
    revoke = addSignature(revoke, adminRole(1), net.admins[1]!.signer);
    state.apply(entryBytes(revoke));
    expectRule(state, net.caseOpen(inv), 403, /was revoked at entry 46/);
  });

  it('checks deposition receipts against the request', () => {
    const { net, state } = network();
    const good = net.deposition(net.officers[0]!);
    const swapped = clone(good);
    (swapped.record.receipt as { objects: Array<{ size: number }> }).objects[0]!.size += 1;
    expectRule(state, swapped, 422, /receipt object 0 .* differs from request object 0/);
    state.apply(entryBytes(good));
    expectRule(state, good, 409, /already in the ledger/);
  });

  it('enforces custody: only the holder releases, and nothing moves after disposition', () => {
    const { net, state } = network();
    const depo = net.deposition(net.officers[0]!);
    state.apply(entryBytes(depo));
    const exhibitId = (depo.record as unknown as { exhibitId: string }).exhibitId;
    const other = net.officers[1]!;
    const third = net.officers[2]!;
    const wrong = addSignature(signRecord({ type: 'custody.transfer', v: 1, origin: ORIGIN, id: 't-1', time: '2026-11-27T12:00:00.000Z', exhibitId, from: other.signer.keyId, to: third.signer.keyId, purpose: 'x' }, 'releasing', other.signer), 'receiving', third.signer);
    expectRule(state, wrong, 422, /does not hold exhibit/);
  });
});

describe('compact facts (the worker-thread path)', () => {
  const verdict = (f: () => void): unknown => {
    try {
      f();
      return 'accepted';
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      return { code: err.code, status: err.status, message: err.message, field: err.field };
    }
  };

  it('gets the verdicts and the state of whole entries, for validly signed entries that break stateful rules', () => {
    const net = new SampleNetwork({ origin: ORIGIN, seed: 9 });
    const whole = new LedgerState();
    const facts = new LedgerState();
    const both = (env: SignedRecord): unknown => {
      const e = entryBytes(env);
      const want = verdict(() => whole.apply(e, { verifier: nodeVerifier }));
      const got = verdict(() => {
        const parsed = parseEntry(e);
        checkEntryAlone(parsed);
        facts.applyFacts(structuredClone(entryFacts(parsed)));
      });
      expect(got).toEqual(want);
      return got;
    };
    expect(both(net.genesis())).toBe('accepted');
    for (let i = 0; i < 40; i++) expect(both(net.next())).toBe('accepted');
    const depo = net.deposition(net.officers[0]!);
    expect(both(depo)).toBe('accepted');
    expect(both(depo)).toMatchObject({ status: 409 });
    const exhibitId = (depo.record as unknown as { exhibitId: string }).exhibitId;
    const [a, b, c] = [net.officers[0]!, net.officers[1]!, net.officers[2]!];
    const transfer = (id: string, from: typeof a, to: typeof a) =>
      addSignature(signRecord({ type: 'custody.transfer', v: 1, origin: ORIGIN, id, time: '2026-11-27T12:00:00.000Z', exhibitId, from: from.signer.keyId, to: to.signer.keyId, purpose: 'x' }, 'releasing', from.signer), 'receiving', to.signer);
    expect(both(transfer('t-1', b, c))).toMatchObject({ code: 'LEDGER_RULE_NOT_HOLDER' });
    expect(both(transfer('t-2', a, b))).toBe('accepted');
    expect(both(transfer('t-3', a, c))).toMatchObject({ code: 'LEDGER_RULE_NOT_HOLDER' });
    const provider = net.providers[0]!;
    expect(both(signRecord({ type: 'case.open', v: 1, origin: ORIGIN, id: 'c-x1', time: '2026-11-27T10:00:00.000Z', caseId: 'C-X', title: 't', agency: 'a', description: '' }, 'investigator', provider.signer))).toMatchObject({ code: 'LEDGER_RULE_ROLE' });
    const stranger = new SampleNetwork({ origin: ORIGIN, seed: 3 }).admins[0]!;
    expect(both(net.caseOpen(stranger))).toMatchObject({ code: 'LEDGER_RULE_UNKNOWN_SIGNER' });
    const other = signRecord({ type: 'case.open', v: 1, origin: 'elsewhere/ledger', id: 'c-x3', time: '2026-11-27T10:00:00.000Z', caseId: 'C-Z', title: 't', agency: 'a', description: '' }, 'investigator', net.officers.find((o) => o.role === 'investigator')!.signer);
    expect(both(other)).toMatchObject({ code: 'LEDGER_RULE_ORIGIN' });
    const inv = net.officers.find((o) => o.role === 'investigator')!;
    const revoke1 = signRecord({ type: 'member.revoke', v: 1, origin: ORIGIN, id: 'rev-1', time: '2026-11-27T11:00:00.000Z', keyId: inv.signer.keyId, reason: 'left' } as never, adminRole(0), net.admins[0]!.signer) as SignedRecord;
    expect(both(revoke1)).toMatchObject({ code: 'LEDGER_RULE_QUORUM' });
    expect(both(addSignature(revoke1, adminRole(1), net.admins[1]!.signer))).toBe('accepted');
    expect(both(net.caseOpen(inv))).toMatchObject({ code: 'LEDGER_RULE_REVOKED_SIGNER' });
    for (let i = 0; i < 20; i++) both(net.next());
    for (const env of [net.transferLast(), net.integrityLast(), net.accessLast(), net.disposeLast(), net.accessLast(), net.transferLast()]) both(env);
    expect(facts.size).toBe(whole.size);
    expect(facts.members).toEqual(whole.members);
    expect(facts.cases).toEqual(whole.cases);
    expect(facts.exhibits).toEqual(whole.exhibits);
    expect(facts.recordIds).toEqual(whole.recordIds);
  });
});

describe('agreement with app/crypto', () => {
  it('cuts the same signed message from an entry as recordMessage computes', () => {
    const { entries } = network();
    for (const e of entries) {
      const { envelope, message } = parseEntry(e);
      expect(message).toEqual(recordMessage(envelope.record));
    }
  });

  it('judges a deposition\'s request digest alike with noble\'s SHA-256 and node:crypto\'s', () => {
    const { net, entries } = network();
    const depo = clone(net.deposition(net.officers[0]!));
    const tampered = clone(net.deposition(net.officers[1]!));
    (tampered.record.request as { metadata: { description: string } }).metadata.description += ' (edited)';
    const verdicts = (sha256?: (b: Uint8Array) => Uint8Array) =>
      [...entries, entryBytes(depo as unknown as SignedRecord), entryBytes(tampered as unknown as SignedRecord)].map((e) => {
        try {
          checkEntryAlone(parseEntry(e), sha256 ? { sha256 } : {});
          return 'ok';
        } catch (err) {
          if (!(err instanceof RuleError)) throw err;
          return err.message;
        }
      });
    const noble = verdicts();
    expect(verdicts(nodeSha256)).toEqual(noble);
    expect(noble.at(-2)).toBe('ok');
    expect(noble.at(-1)).toMatch(/receipt.requestDigest .* is not the digest of the deposition.request record/);
  });

  it('accepts and refuses signatures exactly as verifyEnvelope does', () => {
    const { net, state } = network();
    const variants: Array<[string, (m: Mutable) => void]> = [
      ['high-S', (m) => (m.signatures[0]!.sig = toBase64(flipS(fromBase64(m.signatures[0]!.sig!))))],
      ['bit flip in sig', (m) => (m.signatures[0]!.sig = toBase64(fromBase64(m.signatures[0]!.sig!).map((b, i) => (i === 5 ? b ^ 1 : b))))],
      ['changed record', (m) => (m.record.purpose = 'other')],
      ['swapped keys', (m) => ([m.signatures[0]!.publicKey, m.signatures[1]!.publicKey] = [m.signatures[1]!.publicKey!, m.signatures[0]!.publicKey!])],
      ['wrong keyId', (m) => (m.signatures[0]!.keyId = m.signatures[1]!.keyId!)],
      ['valid', () => undefined],
    ];
    const depo = net.deposition(net.officers[0]!);
    state.apply(entryBytes(depo));
    const base = net.transferLast();
    const onRecord = new Map(base.signatures.map((s) => [`${s.role}/${s.keyId}`, s.publicKey]));
    for (const [what, mutate] of variants) {
      const m = clone(base);
      mutate(m);
      const theirs = verifyEnvelope(m, { requiredRoles: ['releasing', 'receiving'], resolveKey: (k, r) => onRecord.get(`${r}/${k}`), verifier: nodeVerifier }).ok;
      let ours = true;
      try {
        state.apply(entryBytes(m as unknown as SignedRecord), { verifier: nodeVerifier });
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        ours = false;
      }
      expect([what, ours]).toEqual([what, theirs]);
      expect([what, ours]).toEqual([what, what === 'valid']);
    }
  });
});

describe('replay', () => {
  it('names the index of the first bad entry', () => {
    const { entries } = network();
    const bad = [...entries];
    bad[5] = entries[4]!;
    expect(() => replay(bad)).toThrow(EntryRejectedError);
    expect(() => replay(bad)).toThrow(/^entry 5: /);
  });
});
