// The custody timeline: every case, deposition, transfer, integrity check, access and disposition of a case or
// an exhibit, oldest first, each verified now from the ledger's own data — signatures re-verified over the record
// digest with the keys the ledger enrolled, each signer's enrolment judged by log order, inclusion proven from the
// tiles against the current checkpoint (RFC 9162 §2.1.3.2; final once the witness policy is met), and the
// latest hash re-check of the exhibit.
import type { Check, TimelineEvent } from '../../contract/api';
import { nodeVerifier } from '../../crypto/bulk-verify';
import { toHex } from '../../crypto/encoding';
import { verifyEnvelope, type SignedRecord } from '../../crypto/envelope';
import { leafHash, verifyInclusion } from '../../ledger/merkle';
import { SIGNING_ROLES } from '../../ledger/rules';
import { inclusionProofFromTiles } from '../../ledger/tiles';
import type { CurrentCheckpoint, LedgerBackend } from './backend';
import type { LedgerAccess } from './ledger-access';

/** The record types a custody timeline shows. */
export const TIMELINE_TYPES = ['case.open', 'deposition', 'custody.transfer', 'integrity.check', 'access', 'disposition'];

export type TimelineFilter = (e: { caseId: string | null; exhibitId: string | null }) => boolean;

export class TimelineService {
  constructor(private readonly access: LedgerAccess) {}

  /** Events matching `filter`, oldest first, each verified now. */
  async events(filter: TimelineFilter): Promise<TimelineEvent[]> {
    const s = await this.access.backend();
    return s.exclusive(() => this.timelineOf(s, filter));
  }

  private async timelineOf(s: LedgerBackend, filter: TimelineFilter): Promise<TimelineEvent[]> {
    const cp = await s.currentCheckpoint();
    const exhibitCase = new Map([...s.state.exhibits.values()].map((e) => [e.exhibitId, e.caseId]));
    const out: TimelineEvent[] = [];
    // The latest integrity result per exhibit (and the index it was recorded at) for the hash re-check column.
    const latestCheck = new Map<string, { index: number; result: string; scope: string }[]>();
    for (const [index, applied] of s.applied.entries()) {
      const r = applied.record as { type: string; exhibitId?: string; caseId?: string; result?: string; scope?: string };
      if (r.type === 'integrity.check' && r.exhibitId) {
        const list = latestCheck.get(r.exhibitId) ?? [];
        list.push({ index, result: r.result ?? '', scope: r.scope ?? '' });
        latestCheck.set(r.exhibitId, list);
      }
    }
    for (const [index, applied] of s.applied.entries()) {
      const r = applied.record as Record<string, unknown> & { type: string; time: string };
      const exhibitId = typeof r.exhibitId === 'string' ? r.exhibitId : null;
      const caseId = typeof r.caseId === 'string' ? r.caseId : exhibitId ? (exhibitCase.get(exhibitId) ?? null) : null;
      if (!TIMELINE_TYPES.includes(r.type)) continue;
      if (!filter({ caseId, exhibitId })) continue;
      out.push(await this.verifyEvent(s, cp, index, r, caseId, exhibitId, latestCheck));
    }
    return out;
  }

  private async verifyEvent(
    s: LedgerBackend,
    cp: CurrentCheckpoint,
    index: number,
    r: Record<string, unknown> & { type: string; time: string },
    caseId: string | null,
    exhibitId: string | null,
    latestCheck: Map<string, { index: number; result: string; scope: string }[]>,
  ): Promise<TimelineEvent> {
    const entry = s.entries[index]!;
    const envelope = JSON.parse(new TextDecoder().decode(entry)) as SignedRecord;
    // Signatures: re-verified now over the record digest, each with the key the ledger enrolled for that id.
    const report = verifyEnvelope(envelope, {
      requiredRoles: [],
      resolveKey: (keyId) => s.state.members.get(keyId)?.publicKey,
      verifier: nodeVerifier,
    });
    const signers = envelope.signatures.map((sig, i) => {
      const m = s.state.members.get(sig.keyId);
      return {
        role: sig.role,
        keyId: sig.keyId,
        name: m?.name ?? 'unknown key',
        badge: m?.badge ?? '',
        memberRole: m?.role ?? 'none',
        enrolledAt: m ? m.enrolledAt : null,
        valid: report.signatures[i]?.ok === true,
      };
    });
    const badSig = report.signatures.filter((x) => !x.ok);
    const sigProblems = [...badSig.map((x) => x.message), ...report.errors].join('; ');
    const signatures: Check = report.ok
      ? { state: 'ok', detail: `${signers.length} signature(s) verified over digest ${report.digest ?? ''}`, code: 'signatures.ok', params: { count: String(signers.length), digest: report.digest ?? '' } }
      : { state: 'failed', detail: sigProblems, code: 'signatures.failed', params: { problems: sigProblems } };
    // Enrolment by log order: each signer enrolled before this entry, not revoked by then, in a role allowed to sign.
    const enrolProblems: Array<{ detail: string; code: string; params: Record<string, string> }> = [];
    for (const sg of signers) {
      const m = s.state.members.get(sg.keyId);
      if (!m) enrolProblems.push({ detail: `key ${sg.keyId} (${sg.role}) is not enrolled`, code: 'enrolled.unknownKey', params: { key: sg.keyId, role: sg.role } });
      else if (m.enrolledAt >= index) enrolProblems.push({ detail: `${m.name} was enrolled at entry ${m.enrolledAt}, after this entry`, code: 'enrolled.later', params: { name: m.name, at: String(m.enrolledAt) } });
      else if (m.revokedAt !== undefined && m.revokedAt < index) enrolProblems.push({ detail: `${m.name} was revoked at entry ${m.revokedAt}`, code: 'enrolled.revoked', params: { name: m.name, at: String(m.revokedAt) } });
      else if (SIGNING_ROLES[sg.role] && !SIGNING_ROLES[sg.role]!.includes(m.role)) enrolProblems.push({ detail: `${m.name} (${m.role}) may not sign as ${sg.role}`, code: 'enrolled.wrongRole', params: { name: m.name, memberRole: m.role, role: sg.role } });
    }
    const enrolled: Check =
      enrolProblems.length === 0
        ? { state: 'ok', detail: signers.map((x) => `${x.name}: enrolled at entry ${x.enrolledAt}`).join('; '), code: 'enrolled.ok', params: { who: signers.map((x) => `${x.name} #${x.enrolledAt}`).join(', ') } }
        : { state: 'failed', detail: enrolProblems.map((p) => p.detail).join('; '), code: enrolProblems[0]!.code, params: enrolProblems[0]!.params };
    // Inclusion: an RFC 9162 proof from the tiles to the current checkpoint's root; final when the witness policy is met.
    let included: Check;
    let proof: TimelineEvent['proof'] = null;
    const leaf = leafHash(entry);
    if (index >= cp.size) {
      included = { state: 'pending', detail: `entry ${index} is not yet in a published checkpoint (size ${cp.size})`, code: 'included.notYet', params: { index: String(index), size: String(cp.size) } };
    } else {
      try {
        const path = await inclusionProofFromTiles(s.tiles, index, cp.size);
        verifyInclusion(index, cp.size, leaf, path, cp.root);
        proof = { leafHash: toHex(leaf), treeSize: cp.size, root: toHex(cp.root), path: path.map(toHex), cosigners: cp.cosigners, checkpointNote: cp.note };
        const params = { index: String(index), size: String(cp.size), cosigners: cp.cosigners.join(', '), k: String(cp.cosigners.length), n: String(s.policy.witnesses.length), quorum: String(s.policy.quorum) };
        included = cp.final
          ? { state: 'ok', detail: `included at index ${index} under the checkpoint of size ${cp.size}, cosigned by ${cp.cosigners.join(', ')} (${cp.cosigners.length} of ${s.policy.witnesses.length}, quorum ${s.policy.quorum})`, code: 'included.final', params }
          : { state: 'pending', detail: `included under checkpoint ${cp.size}, awaiting witnesses (${cp.cosigners.length} of ${s.policy.quorum})`, code: 'included.awaiting', params };
      } catch (err) {
        included = { state: 'failed', detail: `the inclusion proof does not verify: ${(err as Error).message}`, code: 'included.badProof', params: { problem: (err as Error).message } };
      }
    }
    // Hash re-check: for the exhibit's events, the latest integrity check so far (for an integrity check: its own result).
    let hash: Check = { state: 'na', detail: 'no hash re-check applies', code: 'hash.na', params: {} };
    if (r.type === 'integrity.check') {
      const observed = r.observed as { sha256: string; size: number };
      const ex = exhibitId ? s.state.exhibits.get(exhibitId) : undefined;
      const exp = ex?.objects[0];
      const params = { scope: r.scope === 'local' ? 'local' : 'provider', observed: observed.sha256, observedSize: String(observed.size), expected: exp?.sha256 ?? '?', expectedSize: String(exp?.size ?? '?') };
      hash =
        r.result === 'match'
          ? { state: 'ok', detail: `${String(r.scope)} copy re-hashed: ${observed.sha256} (${observed.size} bytes) matches the deposition`, code: 'hash.match', params }
          : {
              state: 'failed',
              detail: `${r.scope === 'local' ? 'the local copy' : "the provider's copy"} hashes to ${observed.sha256} (${observed.size} bytes), but the deposition recorded ${exp?.sha256 ?? '?'} (${exp?.size ?? '?'} bytes)`,
              code: 'hash.mismatch',
              params,
            };
    } else if (exhibitId && r.type === 'deposition') {
      const checks = latestCheck.get(exhibitId) ?? [];
      const bad = checks.filter((c) => c.result === 'mismatch');
      const lastByScope = new Map(checks.map((c) => [c.scope, c]));
      const failing = [...lastByScope.values()].filter((c) => c.result === 'mismatch');
      const entries = (list: Array<{ index: number }>) => list.map((c) => `#${c.index}`).join(', ');
      if (failing.length > 0) hash = { state: 'failed', detail: `the latest ${failing.map((c) => c.scope).join(' and ')} re-check (entry ${failing.map((c) => c.index).join(', ')}) found a mismatch`, code: 'hash.laterMismatch', params: { entries: entries(failing) } };
      else if (checks.length > 0) hash = { state: 'ok', detail: `latest re-checks match (${[...lastByScope.values()].map((c) => `${c.scope} at entry ${c.index}`).join(', ')})${bad.length ? `; earlier mismatches at ${bad.map((c) => c.index).join(', ')}` : ''}`, code: 'hash.laterMatch', params: { entries: entries([...lastByScope.values()]) } };
      else hash = { state: 'na', detail: 'not re-checked since deposition', code: 'hash.notRechecked', params: {} };
    }
    const checks = { signatures, enrolled, included, hash };
    const failed = Object.entries(checks).filter(([, c]) => c.state === 'failed');
    const verdict: TimelineEvent['verdict'] = failed.length > 0 ? 'failed' : included.state === 'pending' ? 'awaiting' : 'verified';
    return {
      index,
      type: r.type,
      time: r.time,
      caseId,
      exhibitId,
      facts: factsOf(s, r),
      signers,
      checks,
      verdict,
      reason: failed.length > 0 ? failed.map(([k, c]) => `${k}: ${c.detail}`).join('; ') : null,
      entry: new TextDecoder().decode(entry),
      proof,
    };
  }
}

export function factsOf(s: LedgerBackend, r: Record<string, unknown>): Record<string, string> {
  const name = (k: unknown) => (typeof k === 'string' ? (s.state.members.get(k)?.name ?? k) : '');
  switch (r.type) {
    case 'case.open':
      return { caseId: String(r.caseId), title: String(r.title), agency: String(r.agency) };
    case 'deposition': {
      const req = r.request as { objects: Array<{ name: string; size: number; sha256: string }>; depositor: string; metadata: { description: string } };
      const o = req.objects[0]!;
      return { name: o.name, size: String(o.size), sha256: o.sha256, depositor: name(req.depositor), description: req.metadata.description };
    }
    case 'custody.transfer':
      return { from: name(r.from), to: name(r.to), purpose: String(r.purpose), ...(r.location ? { location: String(r.location) } : {}) };
    case 'integrity.check': {
      const o = r.observed as { sha256: string; size: number };
      const expected = s.state.exhibits.get(String(r.exhibitId))?.objects[0];
      return {
        scope: String(r.scope),
        result: String(r.result),
        checker: name(r.checker),
        sha256: o.sha256,
        size: String(o.size),
        ...(expected ? { expectedSha256: expected.sha256, expectedSize: String(expected.size) } : {}),
      };
    }
    case 'access':
      return { accessor: name(r.accessor), purpose: String(r.purpose) };
    case 'disposition':
      return { method: String(r.method), authorisedBy: name(r.authorisedBy), witnessOfficer: name(r.witnessOfficer) };
    default:
      return {};
  }
}
