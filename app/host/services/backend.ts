// What the casework services (casework.ts) need from the ledger they record in: the standalone stack (standalone.ts,
// this workstation is the ledger) or the network ledger (network.ts, a remote ledger node seen only
// through this workstation's verified mirror). Everything here is verified data: entries applied by the
// ledger's own rules, checkpoints checked against the pinned log key and the witness policy.
import type { DepositionProgress, HostText, LedgerStatus, Mode, ParsedArgs } from '../../contract/api';
import type { SignedRecord } from '../../crypto/envelope';
import type { DisposableSigner, Signer } from '../../crypto/signer';
import type { AppliedEntry, LedgerState } from '../../ledger/rules';
import type { TileFetcher } from '../../ledger/tiles';
import type { Member } from '../../provider/members';
import { peekCheckpoint } from '../../ledger/checkpoint';
import type { ParsedPolicy } from '../../witness/cosignature';
import type { ForkEvidence } from '../../witness/fork';
import type { HostError } from '../errors';
import type { DepositPorts } from './deposit-flow';

export interface CheckpointSeen {
  size: number;
  root: string;
  time: string;
  cosigners: string[];
  final: boolean;
  /** The checkpoint's body as signed (c2sp.org/tlog-checkpoint); absent in lists saved before it was kept. */
  body?: string;
}

export interface LocalCopy {
  path: string;
  name: string;
  sha256: string;
  size: number;
}

/** The checkpoint the verified view is at, opened with the log key and checked against the witness policy. */
export interface CurrentCheckpoint {
  note: string;
  size: number;
  root: Uint8Array;
  cosigners: string[];
  final: boolean;
}

export interface OfficerKey {
  keyId: string;
  publicKey: string;
  name: string;
  badge: string;
  role: string;
}

export type Peers = LedgerStatus['peers'];

/** The witnesses of the policy as parties, each marked by whether it cosigned the current checkpoint. */
export function witnessPeers(policy: ParsedPolicy, cp: Pick<CurrentCheckpoint, 'cosigners'>, local: boolean): Peers {
  return policy.witnesses.map((w) => ({
    name: w.name,
    role: 'witness' as const,
    url: null,
    local,
    state: cp.cosigners.includes(w.name) ? ('cosigned' as const) : ('not-cosigned' as const),
    amount: null,
  }));
}
export type SyncView = LedgerStatus['sync'];

/**
 * A fork alarm as a code and values (c2sp.org/tlog-witness: two checkpoints that cannot both be true): two of
 * the same size with different roots, or a smaller one whose root is not the prefix of the trusted tree.
 */
export function forkText(f: Pick<ForkEvidence, 'ours' | 'theirs' | 'source'>): HostText {
  const size = (note: string) => {
    try {
      return peekCheckpoint(note).size;
    } catch {
      return -1;
    }
  };
  const ours = size(f.ours);
  const theirs = size(f.theirs);
  return ours === theirs
    ? { code: 'fork.sameSize', params: { size: String(theirs), source: f.source } }
    : { code: 'fork.notPrefix', params: { size: String(theirs), trustedSize: String(ours), source: f.source } };
}

export type DepositItem = ParsedArgs<'deposit.start'>['items'][number];

/** Reports a deposition's step to the UI (`onDepositionProgress`); fields left out keep their defaults. */
export type DepositStep = (p: Partial<DepositionProgress> & Pick<DepositionProgress, 'step'>) => void;

/** One exhibit to deposit, signed by `depositor` (disposed by the caller after the batch). */
export interface DepositJob {
  depositor: DisposableSigner;
  depositorName: string;
  caseId: string;
  item: DepositItem;
  progress: DepositStep;
  /** Aborted when the host closes: the upload stops and resumes on the next deposit of the exhibit. */
  signal: AbortSignal;
}

export interface LedgerBackend {
  readonly kind: Mode;
  readonly origin: string;
  /** The rules' state after every verified entry. */
  readonly state: LedgerState;
  /** Verified entries in index order, as applied by the rules, and their bytes. */
  readonly applied: readonly AppliedEntry[];
  readonly entries: readonly Uint8Array[];
  /** The verified tiles, for inclusion proofs. */
  readonly tiles: TileFetcher;
  readonly policy: ParsedPolicy;
  readonly localCopies: ReadonlyMap<string, LocalCopy>;
  checkpointList(): CheckpointSeen[];
  currentCheckpoint(): Promise<CurrentCheckpoint>;
  /** The ledger's view of a key: enrolled by log order, revoked when logged. */
  member(keyId: string): Member | undefined;
  /** Sends a signed record to the sequencer; resolves with its index once accepted (inclusion promise). */
  submit(envelope: SignedRecord): Promise<{ index: number }>;
  /** Resolves once every accepted submission is in the verified view under a final checkpoint. */
  settle(): Promise<void>;
  /** Resolves once entry `index` is in the verified view under a final checkpoint. */
  waitFor(index: number): Promise<void>;
  /** Why nothing can be shown yet while the verified view is empty. */
  notVerified(): HostError;
  /**
   * The parties a deposition by `depositor` of the object `sha256` goes through (deposit-flow.ts), once they
   * are known to be the trusted ones and ready; `signal` stops its upload.
   */
  depositPorts(depositor: Signer, sha256: string, signal: AbortSignal): Promise<DepositPorts>;
  /** The folder of deposition journals, one per exhibit (app/deposit/flow.ts). */
  readonly journalDir: string;
  /** Makes sure the key may sign (standalone: enrols it; network: explains how an administrator enrols it). */
  ensureEnrolled(officer: OfficerKey): Promise<void>;
  rememberLocalCopy(exhibitId: string, copy: LocalCopy): Promise<void>;
  /**
   * Has the provider re-hash its copy of `sha256` for `requester`, builds the checker-signed integrity.check
   * around the provider's signed result with `build`, and returns it countersigned by the provider.
   */
  providerCheck(sha256: string, requester: Member, build: (providerResult: SignedRecord) => SignedRecord, signer?: Signer): Promise<SignedRecord>;
  /** The parties of this ledger; `null` before anything is verified. */
  peers(cp: CurrentCheckpoint | null): Peers;
  /** The folder holding the verified tlog-tiles copy (reports are printed from it alone). */
  readonly ledgerFolder: string;
  sync(): SyncView;
  forks(): Promise<LedgerStatus['forks']>;
  /** Runs `fn` while no sync writes to the verified copy (proofs read tiles that a sync may replace). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
