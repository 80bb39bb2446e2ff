// The examples in docs/RECORDS.md and docs/RECEIPT.md are real: every envelope's signatures verify, every
// ledger record matches its schema and the roles the receipt verifier requires, the signed bytes and the entry
// shown are the ones the code makes, and the tlog-proof and anchor parse. A doc that drifts from the code fails.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type SignedRecord, verifyEnvelope } from '../crypto/envelope';
import { toHex } from '../crypto/encoding';
import { recordDigest, recordSignedBytes } from '../crypto/record-digest';
import { keyIdOf } from '../crypto/secp256k1';
import { entryBytes, parseEntry } from '../ledger/rules';
import { parseAnchor } from '../proof/anchor';
import { requiredRoles } from '../proof/receipt';
import { parseTlogProof } from '../proof/tlog-proof';
import { type LedgerRecord, type RecordType, depositionRequestRecord, recordSchemas } from './schemas';

const doc = (path: string): string => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
/** The fenced code blocks of a Markdown text in language `lang` ('' for blocks with none), in order. */
function blocks(text: string, lang: string): string[] {
  const out: string[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (!open && line.startsWith('```')) open = { lang: line.slice(3).trim(), lines: [] };
    else if (open && line === '```') {
      if (open.lang === lang) out.push(open.lines.join('\n'));
      open = undefined;
    } else open?.lines.push(line);
  }
  return out;
}

const records = doc('docs/RECORDS.md');
const envelopes = blocks(records, 'json')
  .map((b) => JSON.parse(b) as unknown)
  .filter((v): v is SignedRecord => typeof v === 'object' && v !== null && 'record' in v && 'signatures' in v);
const byType = (type: string): SignedRecord[] => envelopes.filter((e) => e.record.type === type);

describe('docs/RECORDS.md examples', () => {
  it('show every record type, and the request and provider re-hash', () => {
    for (const type of [...Object.keys(recordSchemas), 'deposition.request', 'provider.integrity']) expect(byType(type).length, type).toBeGreaterThan(0);
  });

  it.each(envelopes.map((e) => [e.record.type, e] as const))('%s: signatures verify, schema and roles hold', (type, env) => {
    const report = verifyEnvelope(env, {
      resolveKey: (keyId, role) => env.signatures.find((s) => s.keyId === keyId && s.role === role && keyIdOf(s.publicKey) === keyId)?.publicKey,
      requiredRoles: env.signatures.map((s) => s.role),
    });
    expect(report.ok, report.errors.join('; ')).toBe(true);
    if (Object.hasOwn(recordSchemas, type)) {
      // As a ledger entry: canonical bytes that parse, and the signers the record's type calls for.
      const { record } = parseEntry(entryBytes(env));
      const { roles, bound } = requiredRoles(record as LedgerRecord);
      for (const role of roles) expect(env.signatures.map((s) => s.role)).toContain(role);
      for (const [role, keyId] of Object.entries(bound)) expect(env.signatures.find((s) => s.role === role)?.keyId).toBe(keyId);
      expect(recordSchemas[type as RecordType].safeParse(env.record).success).toBe(true);
    }
  });

  it('the deposition names the digest of the request shown', () => {
    const [dep] = byType('deposition') as unknown as Array<{ record: { origin: string; id: string; request: Record<string, unknown>; receipt: { requestDigest: string } } }>;
    const [req] = byType('deposition.request');
    expect(req!.record).toEqual(depositionRequestRecord(dep!.record));
    expect(toHex(recordDigest(req!.record))).toBe(dep!.record.receipt.requestDigest);
  });

  it('the signed bytes, digest and entry shown are those of the access example', () => {
    const [access] = byType('access');
    const [signed, digest, entry] = blocks(records, '').slice(0, 3);
    expect(signed).toBe(new TextDecoder().decode(recordSignedBytes(access!.record)));
    expect(digest).toBe(toHex(recordDigest(access!.record)));
    expect(entry).toBe(new TextDecoder().decode(entryBytes(access!)));
  });
});

describe('docs/RECEIPT.md examples', () => {
  const receipt = doc('docs/RECEIPT.md');
  const plain = blocks(receipt, '');

  it('the tlog-proof and the anchor parse and agree', () => {
    // The file ends with the checkpoint note's final newline, which a code block does not show.
    const proof = parseTlogProof(`${plain.find((b) => b.startsWith('c2sp.org/tlog-proof@v1'))!}\n`);
    const anchor = parseAnchor(plain.find((b) => b.startsWith('EVIDENCE-ANCHOR/1'))!);
    expect(anchor.entry.index).toBe(proof.index);
    expect(proof.checkpoint).toContain(`\n${anchor.checkpoint.size}\n${anchor.checkpoint.root}\n`);
  });

  it('the verification report shown passed every check', () => {
    const report = blocks(receipt, 'json').map((b) => JSON.parse(b) as { ok?: boolean; checks?: Array<{ status: string }> }).find((r) => r.checks)!;
    expect(report.ok).toBe(true);
    expect(report.checks!.map((c) => c.status)).toEqual(Array(8).fill('pass'));
  });
});
