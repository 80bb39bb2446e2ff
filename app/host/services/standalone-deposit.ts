// A deposition in standalone mode: the depositor signs the request, the in-process provider stores the file
// (re-hashing it while it receives), countersigns the receipt, the depositor co-signs and the in-process
// sequencer records it; it is witnessed with the next checkpoint.
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { addSignature, signRecord } from '../../crypto/envelope';
import { canonicalJson } from '../../crypto/record-digest';
import { HostError } from '../errors';
import type { DepositJob } from './backend';
import { refused } from './ledger-access';
import { randomId, type StandaloneStack } from './standalone';

/** RFC 8785 canonical JSON, to compare two records field by field regardless of key order. */
function canonical(v: unknown): string {
  return canonicalJson(v ?? null);
}

export async function standaloneDepositOne(s: StandaloneStack, job: DepositJob): Promise<void> {
  const { depositor, depositorName, caseId, item, progress } = job;
  const requestedAt = new Date().toISOString();
  const metadata = Object.fromEntries(Object.entries(item.metadata).filter(([, v]) => v !== undefined && v !== ''));
  const request = {
    caseId,
    exhibitId: item.exhibitId,
    depositor: depositor.keyId,
    requestedAt,
    objects: [{ name: item.name, size: item.size, sha256: item.sha256 }],
    kind: 'file',
    metadata: { description: '', ...metadata },
  };
  const signedRequest = signRecord({ type: 'deposition.request', v: 1, origin: s.origin, id: randomId('depo'), time: requestedAt, ...request }, 'depositor', depositor);
  progress({ step: 'signed', signedBy: [depositorName] });

  // Upload: the provider re-hashes while it receives and refuses bytes that do not match the request.
  let done = 0;
  let last = 0;
  const counter = new Transform({
    transform: (chunk: Buffer, _enc, cb) => {
      done += chunk.length;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        progress({ step: 'uploading', bytesDone: done, signedBy: [depositorName] });
      }
      cb(null, chunk);
    },
  });
  const source = createReadStream(item.path, { highWaterMark: 1 << 20 }).pipe(counter);
  try {
    await s.store.putStream(source, { sha256: item.sha256, size: item.size });
  } catch (err) {
    throw new HostError(
      'UPLOAD_MISMATCH',
      `The provider received ${done.toLocaleString('en')} bytes of ${item.name} but they do not match the ${item.size.toLocaleString('en')} bytes hashed at intake (${(err as Error).message}). Nothing was recorded. The file may have changed since intake: add it again.`,
      { cause: err, params: { name: item.name } },
    );
  }
  progress({ step: 'uploading', bytesDone: item.size, signedBy: [depositorName] });

  const providerMember = s.member(s.provider.keyId);
  const depositorMember = s.member(depositor.keyId);
  if (!providerMember || !depositorMember) throw new HostError('LEDGER_REFUSED', 'The provider or the depositor is not enrolled in this ledger.', { params: { problem: 'provider or depositor not enrolled' } });
  const countersigned = await s.countersigner.countersign(signedRequest, depositorMember);
  progress({ step: 'countersigned', bytesDone: item.size, signedBy: [depositorName, providerMember.name ?? 'provider'] });

  // The depositor checks the provider's record names exactly the request, then co-signs it.
  const rec = countersigned.record as { request?: unknown; receipt?: { objects?: unknown } };
  if (canonical(rec.request) !== canonical(request) || canonical(rec.receipt?.objects) !== canonical([{ sha256: item.sha256, size: item.size }])) {
    throw new HostError('RECEIPT_MISMATCH', `The provider's receipt for ${item.exhibitId} does not match what was requested. Nothing was recorded.`, { params: { exhibitId: item.exhibitId } });
  }
  const full = addSignature(countersigned, 'depositor', depositor);
  const accepted = await s.submit(full).catch((err: unknown) => {
    throw refused(err, `the deposition of ${item.exhibitId}`);
  });
  await s.rememberLocalCopy(item.exhibitId, { path: item.path, name: item.name, sha256: item.sha256, size: item.size });
  progress({ step: 'recorded', bytesDone: item.size, signedBy: [depositorName, providerMember.name ?? 'provider'], entryIndex: accepted.index });
  await s.settle();
  const cp = await s.currentCheckpoint();
  if (!cp.final || cp.size <= accepted.index) throw new HostError('NOT_WITNESSED', `Entry ${accepted.index} is recorded but no final checkpoint covers it yet. It will be witnessed with the next checkpoint.`, { params: { index: String(accepted.index) } });
  progress({ step: 'witnessed', bytesDone: item.size, signedBy: [depositorName, providerMember.name ?? 'provider'], entryIndex: accepted.index, cosigners: cp.cosigners });
}
