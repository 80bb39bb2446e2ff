// What the deposition flow (flow.ts) needs from the parties it deals with, as two ports, and the HTTP adapter of
// the ledger node. Network mode and `evidence deposit` reach a provider over tus (app/provider/client.ts's
// ProviderClient is a ProviderPort) and a ledger node over HTTP (`httpLedger`); standalone mode plugs in its
// in-process provider and sequencer (app/host/services/standalone-ports.ts). The flow's checks are the same
// either way: the provider's countersignature by an enrolled provider key, the sequencer's inclusion promise by
// the log key, inclusion proofs to a checkpoint opened with the log key and the witness policy.
import type { SignedRecord } from '../crypto/envelope';
import type { TileFetcher } from '../ledger/tiles';
import { tileFetcherFor } from '../provider/ledger-members';
import type { WitnessPolicy } from '../witness/cosignature';
import { EvidenceError } from '../common/errors';

export interface UploadOptions {
  /** Bytes the provider holds so far (including what an earlier, interrupted run sent) and the total. */
  onProgress?: (sent: number, total: number) => void;
  /** Called once the upload is under way; `resumed`: it continues an interrupted one, from the provider's offset. */
  onStart?: (info: { url: string; resumed: boolean }) => void;
  signal?: AbortSignal;
}

/** The evidence provider: stores the bytes (resumably) and countersigns the depositor's request. */
export interface ProviderPort {
  /** Where the provider is, for messages (a URL, or the folder of an in-process one). */
  readonly baseUrl: string;
  /**
   * Uploads `file`, which must hash to `declared`; an interrupted upload of the same bytes continues from the
   * provider's offset. Rejects with an error whose `code` says why (INTEGRITY: the bytes do not match; ABORTED).
   */
  upload(file: string, declared: { sha256: string; size: number }, options?: UploadOptions): Promise<{ alreadyStored: boolean }>;
  /** Sends the depositor's signed deposition.request; resolves to the provider-signed `deposition` envelope. */
  countersign(request: SignedRecord): Promise<SignedRecord>;
}

/** The sequencer's answer to a submitted entry. */
export type AddAnswer =
  /** Accepted: its index and the signed inclusion promise (c2sp.org/tlog-tiles style note, ledger/promise.ts). */
  | { accepted: true; index: number; promise: string }
  /** Refused; `duplicate`: a record with this id is already in the log (an earlier submission whose answer was lost). */
  | { accepted: false; duplicate: boolean; code: string; message: string };

/** The ledger's sequencer and its published log. */
export interface LedgerPort {
  /** Where the ledger is, for messages. */
  readonly where: string;
  /** Submits an entry (the canonical JSON of the envelope); an unreachable sequencer rejects with code NODE_UNREACHABLE. */
  add(entry: Uint8Array): Promise<AddAnswer>;
  /** The current checkpoint note (log-signed, with whatever cosignatures it has). */
  checkpoint(): Promise<string>;
  /** The published log's tiles (c2sp.org/tlog-tiles), for inclusion proofs and the receipt. */
  tiles(): Promise<TileFetcher>;
}

/**
 * What the depositor trusts, when given explicitly (pinned); by default the flow takes the log key and the
 * witness policy from the ledger's genesis and accepts any active provider member's countersignature.
 */
export interface DepositTrust {
  /** The log's note verifier key (vkey); must be the genesis's. */
  logKey?: string;
  witnessPolicy?: WitnessPolicy;
  /** The one provider key whose countersignature is accepted. */
  providerKey?: string;
}

/** An error with a code, as the ports reject. */
export class PortError extends EvidenceError {
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'PortError';
  }
}

/** A ledger node over HTTP: POST /add, GET /checkpoint and the tiles under the same base URL. */
export function httpLedger(nodeUrl: string): LedgerPort {
  const base = nodeUrl.replace(/\/+$/, '');
  return {
    where: base,
    async add(entry) {
      const res = await fetch(`${base}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(entry) }).catch((err: unknown) => {
        throw new PortError('NODE_UNREACHABLE', `POST ${base}/add: ${(err as Error).message}`, { cause: err });
      });
      const body = (await res.json().catch(() => ({}))) as { index?: number; promise?: string; error?: { code?: string; message?: string } };
      if (res.ok && body.index !== undefined && body.promise !== undefined) return { accepted: true, index: body.index, promise: body.promise };
      const code = body.error?.code ?? `HTTP_${res.status}`;
      return { accepted: false, duplicate: res.status === 409 && code === 'LEDGER_RULE_DUPLICATE_ID', code, message: `${body.error?.message ?? res.statusText} (${res.status})` };
    },
    async checkpoint() {
      const res = await fetch(`${base}/checkpoint`).catch((err: unknown) => {
        throw new PortError('NODE_UNREACHABLE', `GET ${base}/checkpoint: ${(err as Error).message}`, { cause: err });
      });
      if (!res.ok) throw new PortError(`HTTP_${res.status}`, `GET ${base}/checkpoint: HTTP ${res.status}`);
      return res.text();
    },
    tiles: () => tileFetcherFor(base),
  };
}
