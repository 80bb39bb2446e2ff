// `evidence member enroll`: an administrator enrols a person's (or a provider's) key in a network ledger — the
// step a workstation in network mode asks for when its key is not enrolled yet. A trust root is required
// (--trust or --trust-fingerprint): the node's log key and trust bundle are checked against it first. The
// member.enroll record is signed with the administrator's keystore and sent to the ledger node (POST /add); the
// node's signed inclusion promise is checked against the trusted log key before the index is printed.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { signRecord } from '../crypto/envelope';
import { unlockKeystore } from '../crypto/keystore';
import { canonicalJson } from '../crypto/record-digest';
import { utf8ToBytes } from '../ledger/bytes';
import { toBase64 } from '../crypto/encoding';
import { leafHash } from '../ledger/merkle';
import { openPromise } from '../ledger/promise';
import { adminRole } from '../ledger/rules';
import { readPassphrase } from './provider';
import { checkParties, fetchBytes, requireTrustBundle, trustOptions, type TrustOptions } from './trust';
import { TRUST_BUNDLE_FILE } from '../trust/bundle';
import { EvidenceError } from '../common/errors';

export class MemberCliError extends EvidenceError<'CLI_BAD_ARGUMENT' | 'NODE_UNREACHABLE' | 'LEDGER_REFUSED' | 'BAD_PROMISE'> {
  override name = 'MemberCliError';
  constructor(
    code: 'CLI_BAD_ARGUMENT' | 'NODE_UNREACHABLE' | 'LEDGER_REFUSED' | 'BAD_PROMISE',
    message: string,
  ) {
    super(code, message);
  }
}

const ROLES = ['investigator', 'custodian', 'supervisor', 'admin', 'provider'] as const;

export function register(program: Command): void {
  const member = program.command('member').description("manage a network ledger's members (administrators)");
  const enroll = member
    .command('enroll')
    .description('enrol a key in the ledger (a member.enroll record signed by an administrator, sent to the node)')
    .requiredOption('--node <url>', 'the ledger node URL')
    .requiredOption('--admin-key <keystore>', "an administrator's keystore (one of the genesis admins)")
    .requiredOption('--key-id <hex>', 'the key id to enrol (32 hex characters)')
    .requiredOption('--public-key <hex>', 'its compressed secp256k1 public key (66 hex characters)')
    .requiredOption('--name <name>', "the member's name")
    .option('--badge <badge>', 'badge or staff number', '')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'investigator')
    .option('--admin-index <n>', "the administrator's position in the genesis admin list, from 0 (its signature role admin.<n+1>)", '0')
    .option('--passphrase-file <file>', 'file whose first line is the keystore passphrase (default: $EVIDENCE_PASSPHRASE)');
  trustOptions(enroll).action(async (o: TrustOptions & { node: string; adminKey: string; keyId: string; publicKey: string; name: string; badge: string; role: string; adminIndex: string; passphraseFile?: string }) => {
      if (!/^[0-9a-f]{32}$/.test(o.keyId)) throw new MemberCliError('CLI_BAD_ARGUMENT', `--key-id ${JSON.stringify(o.keyId)} must be 32 lowercase hex characters`);
      if (!/^0[23][0-9a-f]{64}$/.test(o.publicKey)) throw new MemberCliError('CLI_BAD_ARGUMENT', `--public-key ${JSON.stringify(o.publicKey)} must be a compressed secp256k1 key: 66 hex characters starting 02 or 03`);
      if (!(ROLES as readonly string[]).includes(o.role)) throw new MemberCliError('CLI_BAD_ARGUMENT', `--role ${JSON.stringify(o.role)} must be one of ${ROLES.join(', ')}`);
      const adminIndex = Number(o.adminIndex);
      if (!Number.isInteger(adminIndex) || adminIndex < 0) throw new MemberCliError('CLI_BAD_ARGUMENT', `--admin-index ${JSON.stringify(o.adminIndex)} must be 0 or more`);
      const node = o.node.replace(/\/+$/, '');
      // Fail closed, before anything is signed or sent: the node must be the trust root's ledger.
      const trust = await requireTrustBundle(o, 'member enroll', () => fetchBytes(`${node}/${TRUST_BUNDLE_FILE}`));
      await checkParties(trust, { node }, 'member enroll');
      const logKey = trust.logKey;
      const origin = logKey.name;
      const passphrase = await readPassphrase(o.passphraseFile, 'member enroll');
      const { signer } = await unlockKeystore(resolve(o.adminKey), passphrase);
      let envelope;
      try {
        envelope = signRecord(
          {
            type: 'member.enroll',
            v: 1,
            origin,
            id: `enroll-${crypto.randomUUID()}`,
            time: new Date().toISOString(),
            member: { keyId: o.keyId, publicKey: o.publicKey, name: o.name, badge: o.badge, role: o.role },
          },
          adminRole(adminIndex),
          signer,
        );
      } finally {
        signer.dispose();
      }
      const bytes = utf8ToBytes(canonicalJson(envelope));
      let res: Response;
      try {
        res = await fetch(`${node}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes, signal: AbortSignal.timeout(30_000) });
      } catch (err) {
        throw new MemberCliError('NODE_UNREACHABLE', `POST ${node}/add: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as { index?: number; promise?: string; error?: { code?: string; message?: string } };
      if (!res.ok || body.promise === undefined) {
        throw new MemberCliError('LEDGER_REFUSED', `the ledger node refused the enrolment: ${body.error?.message ?? `HTTP ${res.status}`}${body.error?.code ? ` (${body.error.code})` : ''}`);
      }
      const promise = openPromise(body.promise, logKey);
      if (promise.index !== body.index || toBase64(promise.leafHash) !== toBase64(leafHash(bytes))) {
        throw new MemberCliError('BAD_PROMISE', `the node's inclusion promise (index ${promise.index}) does not name this enrolment`);
      }
      process.stdout.write(`enrolled ${o.keyId} (${o.name}) as ${o.role} in ${origin}: entry ${promise.index}, accepted at ${promise.time}\n`);
    });
}
