// The provider's signatures (docs/RECORDS.md, "deposition"): given the depositor's signed deposition.request, check
// that every object it names is stored here with that SHA-256 and size, then build the `deposition` record
// with the receipt and sign it in role "provider". Receipts are persisted by request id, so a retry returns the
// same receipt, never a second one. Re-verification re-hashes a stored object and signs the result.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeVerifier } from '../crypto/bulk-verify';
import { toHex } from '../crypto/encoding';
import { addSignature, describeReport, parseSignedRecord, signRecord, verifyEnvelope, type SignedRecord } from '../crypto/envelope';
import { CryptoError } from '../crypto/errors';
import { recordDigest, type JsonObject, type JsonRecord } from '../crypto/record-digest';
import type { Signer } from '../crypto/signer';
import { createFileAtomic } from '../fs/atomic';
import { BadRequestError, ConflictError, ForbiddenError, ProviderError } from './errors';
import type { Member, MemberDirectory } from './members';
import { depositionRequestSchema, depositionRequestRecord, integrityCheckSchema } from '../records/schemas';
import { assertSha256, type ObjectStore } from './store';

/** The ledger's default genesis maxUploadSeconds (7 days), ms. */
const DEFAULT_MAX_UPLOAD_MS = 7 * 86_400_000;
const REQUEST_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An object named by a request is not (or not with that size) in the store. HTTP 422. */
export class ObjectNotStoredError extends ProviderError {
  constructor(message: string) {
    super('OBJECT_NOT_STORED', 422, message);
  }
}

/** The request record's signature or content is not acceptable. HTTP 422. */
export class RequestRejectedError extends ProviderError {
  constructor(message: string) {
    super('REQUEST_REJECTED', 422, message);
  }
}

export interface StoredReceipt {
  requestDigest: string;
  request: SignedRecord;
  deposition: SignedRecord;
}

export interface CountersignerOptions {
  /** Folder of persisted receipts, one `<request id>.json` each. */
  dir: string;
  store: ObjectStore;
  signer: Signer;
  directory: MemberDirectory;
  now?: () => number;
  /** How far in the future a request's time may be (clock skew), ms. */
  maxClockSkewMs: number;
  /** How long after the request the provider may still confirm storage (genesis maxUploadSeconds; default 7 days), ms. */
  maxUploadMs?: number;
  /** The ledger this provider follows: requests for another ledger are refused. */
  origin?: string;
}

export class Countersigner {
  private readonly inFlight = new Map<string, Promise<SignedRecord>>();

  private constructor(private readonly o: CountersignerOptions) {}

  static async open(options: CountersignerOptions): Promise<Countersigner> {
    await mkdir(options.dir, { recursive: true });
    return new Countersigner(options);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** The persisted receipt for a request id, if one was issued. */
  async receiptFor(id: string): Promise<StoredReceipt | undefined> {
    if (!REQUEST_ID_RE.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.o.dir, `${id}.json`), 'utf8')) as StoredReceipt;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Countersigns the depositor's signed `deposition.request` (untrusted input) for the authenticated
   * `requester`, who must be its depositor. Resolves to the `deposition` envelope signed in role provider.
   */
  async countersign(input: unknown, requester: Member): Promise<SignedRecord> {
    let envelope: SignedRecord;
    try {
      envelope = parseSignedRecord(input) as SignedRecord;
    } catch (err) {
      if (err instanceof CryptoError) throw new BadRequestError(`request: ${err.message}`);
      throw err;
    }
    const record = envelope.record;
    if (record.type !== 'deposition.request') {
      throw new BadRequestError(`request.record.type must be "deposition.request", got ${JSON.stringify(record.type)}`);
    }
    const id = record.id;
    if (typeof id !== 'string' || !REQUEST_ID_RE.test(id)) {
      throw new BadRequestError(`request.record.id must match ${REQUEST_ID_RE}, got ${JSON.stringify(id)}`);
    }
    const running = this.inFlight.get(id);
    if (running) return running;
    const work = this.countersignOnce(envelope, id, requester).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }

  private async countersignOnce(envelope: SignedRecord, id: string, requester: Member): Promise<SignedRecord> {
    const record = envelope.record;
    if (record.depositor !== requester.keyId) {
      throw new ForbiddenError('NOT_DEPOSITOR', `the request names depositor ${JSON.stringify(record.depositor)}, but it was sent by key ${requester.keyId}`);
    }
    const report = verifyEnvelope(envelope, {
      requiredRoles: ['depositor'],
      resolveKey: (keyId, role) => (role === 'depositor' && keyId === requester.keyId ? requester.publicKey : undefined),
      verifier: nodeVerifier,
    });
    if (!report.ok) throw new RequestRejectedError(`the depositor's signature does not verify: ${describeReport(report)}`);
    const requestDigest = toHex(recordDigest(record));

    // Idempotent by request id: the receipt issued for this request, or a conflict if the id was reused.
    const existing = await this.receiptFor(id);
    if (existing) return this.sameRequest(existing, requestDigest, id);

    const { type: _type, v, origin, id: _id, time, ...request } = record;
    if (v !== 1) throw new BadRequestError(`request.record.v must be 1, got ${JSON.stringify(v)}`);
    if (typeof origin !== 'string' || origin === '') throw new BadRequestError('request.record.origin must name the ledger');
    if (this.o.origin !== undefined && origin !== this.o.origin) {
      throw new RequestRejectedError(`the request is for ledger ${JSON.stringify(origin)}; this provider follows ${JSON.stringify(this.o.origin)}`);
    }
    // The ledger's schema for the request part of a deposition (app/records), so what we sign is recordable.
    const parsed = depositionRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadRequestError(`request.record.${issue.path.join('.')}: ${issue.message}`);
    }
    const requestedAt = Date.parse(parsed.data.requestedAt);
    if (time !== parsed.data.requestedAt) {
      throw new BadRequestError(`request.record.time must equal requestedAt (docs/RECORDS.md), got ${JSON.stringify(time)} and ${JSON.stringify(parsed.data.requestedAt)}`);
    }
    const now = this.now();
    if (requestedAt > now + this.o.maxClockSkewMs) {
      throw new RequestRejectedError(`the request is dated ${String(time)}, after the provider's clock ${new Date(now).toISOString()} plus the allowed skew`);
    }
    const maxUploadMs = this.o.maxUploadMs ?? DEFAULT_MAX_UPLOAD_MS;
    if (now - requestedAt > this.o.maxClockSkewMs + maxUploadMs) {
      throw new RequestRejectedError(
        `the request is dated ${String(time)}, more than ${(this.o.maxClockSkewMs + maxUploadMs) / 1000} s before the provider's clock ${new Date(now).toISOString()}: ` +
          'the ledger would refuse the receipt; sign a new request',
      );
    }
    const receiptObjects: JsonObject[] = [];
    for (const [i, { sha256, size }] of parsed.data.objects.entries()) {
      const stored = await this.o.store.stat(sha256);
      if (!stored) throw new ObjectNotStoredError(`objects[${i}] (sha256 ${sha256}) is not stored here: upload it first`);
      if (stored.size !== size) {
        throw new ObjectNotStoredError(`objects[${i}] (sha256 ${sha256}) is stored with ${stored.size} bytes, not the requested ${size}`);
      }
      receiptObjects.push({ sha256, size });
    }

    const storedAt = new Date(Math.max(now, requestedAt)).toISOString();
    const deposition: JsonRecord = {
      type: 'deposition',
      v: 1,
      origin,
      id,
      time: storedAt,
      caseId: parsed.data.caseId,
      exhibitId: parsed.data.exhibitId,
      request,
      receipt: { provider: this.o.signer.keyId, requestDigest, objects: receiptObjects, storedAt },
    };
    // The ledger recomputes the request digest from the deposition (app/records depositionRequestRecord).
    const rebuilt = toHex(recordDigest(depositionRequestRecord(deposition as unknown as { origin: string; id: string; request: Record<string, unknown> })));
    if (rebuilt !== requestDigest) throw new Error(`internal: the deposition rebuilds request digest ${rebuilt}, not ${requestDigest}`);
    const signed = signRecord(deposition, 'provider', this.o.signer);
    const entry: StoredReceipt = { requestDigest, request: envelope, deposition: signed };
    if (!(await createFileAtomic(join(this.o.dir, `${id}.json`), JSON.stringify(entry) + '\n'))) {
      // Another provider process issued it between our read and write: return that one.
      const winner = await this.receiptFor(id);
      if (!winner) throw new Error(`receipt ${id} exists but cannot be read`);
      return this.sameRequest(winner, requestDigest, id);
    }
    return signed;
  }

  private sameRequest(existing: StoredReceipt, requestDigest: string, id: string): SignedRecord {
    if (existing.requestDigest !== requestDigest) {
      throw new ConflictError(
        'REQUEST_ID_REUSED',
        `request id ${id} was already countersigned for a different request (digest ${existing.requestDigest}, this one ${requestDigest})`,
      );
    }
    return existing.deposition;
  }

  /**
   * Adds the provider's signature (role provider) to an `integrity.check` of scope provider that the
   * requester signed as checker, after checking that its `providerResult` is this provider's own signed
   * re-hash for that requester and that the record reports exactly what that re-hash observed.
   */
  async countersignIntegrity(input: unknown, requester: Member): Promise<SignedRecord> {
    let envelope: SignedRecord;
    try {
      envelope = parseSignedRecord(input) as SignedRecord;
    } catch (err) {
      if (err instanceof CryptoError) throw new BadRequestError(`check: ${err.message}`);
      throw err;
    }
    const parsed = integrityCheckSchema.safeParse(envelope.record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadRequestError(`check.record.${issue.path.join('.')}: ${issue.message}`);
    }
    const rec = parsed.data;
    if (rec.scope !== 'provider') throw new BadRequestError(`check.record.scope must be "provider", got ${JSON.stringify(rec.scope)}`);
    if (rec.checker !== requester.keyId) {
      throw new ForbiddenError('NOT_CHECKER', `the check names checker ${rec.checker}, but it was sent by key ${requester.keyId}`);
    }
    if (this.o.origin !== undefined && rec.origin !== this.o.origin) {
      throw new RequestRejectedError(`the check is for ledger ${JSON.stringify(rec.origin)}; this provider follows ${JSON.stringify(this.o.origin)}`);
    }
    const checker = verifyEnvelope(envelope, {
      requiredRoles: ['checker'],
      resolveKey: (keyId, role) => (role === 'checker' && keyId === requester.keyId ? requester.publicKey : undefined),
      verifier: nodeVerifier,
    });
    if (!checker.ok) throw new RequestRejectedError(`the checker's signature does not verify: ${describeReport(checker)}`);
    const pr = rec.providerResult;
    const own = verifyEnvelope(pr, {
      requiredRoles: ['provider'],
      resolveKey: (keyId, role) => (role === 'provider' && keyId === this.o.signer.keyId ? this.o.signer.publicKey : undefined),
      verifier: nodeVerifier,
    });
    if (!own.ok) throw new RequestRejectedError(`providerResult is not a result signed by this provider: ${describeReport(own)}`);
    const result = (pr as unknown as SignedRecord).record as {
      type?: string;
      requestedBy?: string;
      observed?: { sha256: string; size: number };
      result?: string;
    };
    if (result.type !== 'provider.integrity' || result.requestedBy !== requester.keyId) {
      throw new RequestRejectedError(`providerResult must be a provider.integrity result made for ${requester.keyId}`);
    }
    if (result.observed?.sha256 !== rec.observed.sha256 || result.observed?.size !== rec.observed.size) {
      throw new RequestRejectedError(`the check reports ${rec.observed.sha256} (${rec.observed.size} bytes), but the provider observed ${String(result.observed?.sha256)} (${String(result.observed?.size)} bytes)`);
    }
    if (rec.result === 'match' && result.result !== 'match') {
      throw new RequestRejectedError(`the check says "match" but the provider's re-hash says ${JSON.stringify(result.result)}`);
    }
    if (envelope.signatures.some((sig) => sig.role === 'provider')) {
      throw new BadRequestError('the check already carries a provider signature');
    }
    return addSignature(envelope, 'provider', this.o.signer);
  }

  /**
   * Re-hashes a stored object for `requester` and signs the outcome in role provider: a
   * `provider.integrity` record the workstation embeds as `providerResult` of an integrity.check.
   */
  async verifyObject(sha256: string, requester: Member, origin?: string): Promise<SignedRecord> {
    assertSha256(sha256);
    const v = await this.o.store.verify(sha256);
    const record: JsonRecord = {
      type: 'provider.integrity',
      v: 1,
      ...(origin !== undefined ? { origin } : {}),
      id: randomUUID(),
      time: new Date(this.now()).toISOString(),
      provider: this.o.signer.keyId,
      requestedBy: requester.keyId,
      sha256,
      size: v.size,
      observed: { sha256: v.observed.sha256, size: v.observed.size },
      result: v.match ? 'match' : 'mismatch',
    };
    return signRecord(record, 'provider', this.o.signer);
  }
}
