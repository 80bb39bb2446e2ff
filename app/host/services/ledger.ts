// The ledger as the investigator uses it, wired to the standalone stack (services/standalone.ts): cases,
// depositions (sign → upload → countersign → record → witness), custody transfers, integrity checks and the
// custody timeline. Every verdict returned to the UI is computed here, in this session, from the ledger's own
// data: signatures re-verified over the record digest, each signer's enrolment judged by log order, inclusion
// proven from the tiles against the current checkpoint (log key + witness policy), and the latest hash re-check.
//
// In network mode (services/network.ts) the same methods answer from this workstation's verified mirror of the
// remote ledger node: nothing is shown that the mirror has not verified (log key, witness quorum, consistency,
// the rules), and a record counts as done only once it is visible there.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { join } from 'node:path';
import type {
  CaseSummary,
  Check,
  CheckpointView,
  ContractError,
  DepositionProgress,
  EventName,
  EventPayload,
  ExhibitSummary,
  IndexEntry,
  IndexMark,
  IndexPage,
  LedgerStatus,
  ParsedArgs,
  Settings,
  Service,
  TimelineEvent,
} from '../../contract/api';
import { nodeVerifier } from '../../crypto/bulk-verify';
import { fromHex, toHex } from '../../crypto/encoding';
import { addSignature, signRecord, verifyEnvelope, type SignedRecord } from '../../crypto/envelope';
import { unlockKeystore } from '../../crypto/keystore';
import type { DisposableSigner } from '../../crypto/signer';
import { formatCheckpoint } from '../../ledger/checkpoint';
import { leafHash, MemoryTree, verifyInclusion } from '../../ledger/merkle';
import { inclusionProofFromTiles } from '../../ledger/tiles';
import { RuleError, SIGNING_ROLES } from '../../ledger/rules';
import { hashFile } from '../../provider/store';
import { canonicalJson } from '../../crypto/record-digest';
import type { HostLogger } from '../dispatch';
import { errorCodeOf, HostError } from '../errors';
import type { IdentityService } from '../identity';
import { IDENTITIES_DIR } from '../identity';
import { randomId, StandaloneStack } from './standalone';
import type { CheckpointSeen, LedgerBackend, CurrentCheckpoint } from './backend';
import { NetworkLedger, networkDepositOne } from './network';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type LedgerMethods = Pick<
  Service,
  | 'ledger.status'
  | 'ledger.checkpoints'
  | 'ledger.index'
  | 'cases.list'
  | 'cases.open'
  | 'cases.exhibits'
  | 'deposit.start'
  | 'timeline.case'
  | 'timeline.exhibit'
  | 'integrity.verify'
  | 'custody.transfer'
>;

export class LedgerNotAvailableError extends HostError {
  constructor(reason: string) {
    super('LEDGER_NOT_AVAILABLE', reason);
    this.name = 'LedgerNotAvailableError';
  }
}

/**
 * Checkpoints as blocks (DESIGN.md "The ledger"), oldest first: a checkpoint seen again (the same size and root,
 * e.g. once more cosigned) is one block in its latest state; each block's header links to the previous
 * checkpoint by the SHA-256 of its body. A body not kept (lists saved before it was) is rebuilt from origin,
 * size and root: the checkpoint text our nodes sign, which has no extension lines.
 */
export function blocks(origin: string, seen: readonly CheckpointSeen[]): CheckpointView[] {
  const latest: CheckpointSeen[] = [];
  for (const c of seen) {
    const last = latest.at(-1);
    if (last && last.size === c.size && last.root === c.root) latest[latest.length - 1] = c;
    else latest.push(c);
  }
  const hashOf = (c: CheckpointSeen) =>
    createHash('sha256')
      .update(c.body ?? formatCheckpoint({ origin, size: c.size, root: fromHex(c.root), extensions: [] }))
      .digest('hex');
  return latest.map((c, i) => {
    const prev = latest[i - 1];
    return {
      size: c.size,
      root: c.root,
      firstIndex: prev ? prev.size : 0,
      hash: hashOf(c),
      prevHash: prev ? hashOf(prev) : null,
      time: c.time,
      cosigners: c.cosigners,
      final: c.final,
    };
  });
}

/** Maps the rules' refusal to words for the person at the screen, keeping the rule's own message. */
function refused(err: unknown, what: string): unknown {
  if (err instanceof RuleError) return new HostError('LEDGER_REFUSED', `The ledger refused ${what}: ${err.message}. Nothing was recorded.`, { cause: err, params: { problem: err.message } });
  return err;
}

export class LedgerService {
  private current: { key: string; backend: Promise<LedgerBackend> } | undefined;
  /** Depositions running in the background; close() aborts their uploads and waits for them. */
  private readonly running = new Set<Promise<void>>();
  /** Exhibit → deposition id of the deposition running now: depositing it again (a reloaded UI) follows that one. */
  private readonly active = new Map<string, string>();
  private readonly abort = new AbortController();

  constructor(
    private readonly dataDir: string,
    private readonly identity: IdentityService,
    private readonly settings: () => Settings,
    private readonly emit: Emit,
    private readonly log: HostLogger,
    private readonly tuning: { uploadChunkBytes?: number; uploadRetryDelays?: number[]; syncIntervalMs?: number; settleTimeoutMs?: number } = {},
  ) {}

  /** The ledger of the chosen mode, opened on first use and reopened when the network settings change. */
  private async backend(): Promise<LedgerBackend> {
    const s = this.settings();
    if (s.mode === null) throw new LedgerNotAvailableError('Choose standalone or network mode first (first-run setup).');
    const key = s.mode === 'standalone' ? 'standalone' : `network:${JSON.stringify(s.network)}`;
    if (this.current?.key !== key) {
      const old = this.current?.backend;
      this.current = {
        key,
        backend: (async () => {
          if (old) await (await old.catch(() => undefined))?.close();
          return s.mode === 'standalone'
            ? StandaloneStack.open(this.dataDir, this.log, () => void this.announce())
            : NetworkLedger.open({ dataDir: this.dataDir, network: s.network, log: this.log, onChange: () => void this.announce(), ...this.tuning });
        })(),
      };
    }
    const mine = this.current;
    try {
      return await mine.backend;
    } catch (err) {
      if (this.current === mine) this.current = undefined;
      throw err;
    }
  }

  private announcing = false;
  private announceAgain = false;

  /** Tells the UI the ledger changed (coalesced: one status computation at a time). */
  private async announce(): Promise<void> {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    try {
      do {
        this.announceAgain = false;
        try {
          this.emit('onLedgerChanged', await this.status());
        } catch (err) {
          this.log.error('ledger: could not report the ledger state', err);
        }
      } while (this.announceAgain);
    } finally {
      this.announcing = false;
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
    if (this.current) await (await this.current.backend.catch(() => undefined))?.close();
  }

  /** The verified ledger's tile folder, for reports (generated from the ledger alone). */
  async ledgerFolder(): Promise<string> {
    return (await this.backend()).ledgerFolder;
  }

  methods(): LedgerMethods {
    return {
      'ledger.status': () => this.status(),
      'ledger.checkpoints': () => this.checkpoints(),
      'ledger.index': (a) => this.index(a.since, a.limit ?? 2000),
      'cases.list': (a) => this.listCases(a.search),
      'cases.open': (a) => this.openCase(a),
      'cases.exhibits': (a) => this.exhibits(a.caseId),
      'deposit.start': (a) => this.deposit(a),
      'timeline.case': (a) => this.timeline((e) => e.caseId === a.caseId),
      'timeline.exhibit': (a) => this.timeline((e) => e.exhibitId === a.exhibitId),
      'integrity.verify': (a) => this.verifyNow(a.exhibitId),
      'custody.transfer': (a) => this.transfer(a),
    };
  }

  async status(): Promise<LedgerStatus> {
    const mode = this.settings().mode;
    const unavailable = (error: ContractError, sync: LedgerStatus['sync']): LedgerStatus => ({
      available: false,
      unavailableReason: error.message,
      unavailableError: error,
      origin: null,
      size: 0,
      finalSize: 0,
      finalAt: null,
      witnessQuorum: 0,
      witnesses: [],
      peers: [],
      forks: [],
      sync,
    });
    const misconfigured = (detail: string): LedgerStatus['sync'] => ({ state: 'misconfigured', size: 0, target: null, detail, reason: null, checkedAt: null });
    if (mode === null) {
      const err = new LedgerNotAvailableError('not set up');
      return unavailable({ code: err.code, message: err.message }, misconfigured('not set up'));
    }
    let s: LedgerBackend;
    try {
      s = await this.backend();
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      return unavailable({ code: err.code, message: err.message, params: err.params }, misconfigured(err.message));
    }
    return s.exclusive(async () => {
      const forks = await s.forks();
      const sync = s.sync();
      if (s.entries.length === 0) {
        const err = s instanceof NetworkLedger ? s.notVerified() : new HostError('LEDGER_NOT_VERIFIED', 'The ledger has not been verified yet.');
        return { ...unavailable({ code: err.code, message: err.message, params: err.params }, sync), origin: s.origin, forks, peers: s.kind === 'network' ? s.peers({ note: '', size: 0, root: new Uint8Array(32), cosigners: [], final: false }) : [] };
      }
      const cp = await s.currentCheckpoint();
      const lastFinal = [...s.checkpointList()].reverse().find((c) => c.final);
      return {
        available: true,
        unavailableReason: null,
        unavailableError: null,
        origin: s.origin,
        size: cp.size,
        finalSize: cp.final ? cp.size : (lastFinal?.size ?? 0),
        finalAt: lastFinal?.time ?? null,
        witnessQuorum: s.policy.quorum,
        witnesses: s.policy.witnesses.map((w) => w.name),
        peers: s.peers(cp),
        forks,
        sync,
      };
    });
  }

  /** The blocks, newest first: each checkpoint with the entries it added and the hash of the one before it. */
  async checkpoints(): Promise<CheckpointView[]> {
    const s = await this.backend();
    return blocks(s.origin, s.checkpointList()).reverse();
  }

  /** Leaf hashes of each backend's verified entries, extended as it grows (RFC 9162 roots for the index marks). */
  private readonly trees = new WeakMap<LedgerBackend, MemoryTree>();

  /**
   * The verified entries after `since` for the UI's cached index (renderer/src/workspace/ledger-index.ts). The
   * mark is the origin and the RFC 9162 §2.1.1 root of the first `size` entries: a cache of another log, or of a
   * view that forked from this one, does not match and is told to start again from entry 0.
   */
  async index(since: IndexMark | null, limit: number): Promise<IndexPage> {
    const s = await this.backend();
    return s.exclusive(async () => {
      const cp = await s.currentCheckpoint();
      const total = Math.min(cp.size, s.entries.length);
      let tree = this.trees.get(s);
      if (!tree) this.trees.set(s, (tree = new MemoryTree()));
      while (tree.size < total) tree.appendLeafHash(leafHash(s.entries[tree.size]!));
      const continues = since !== null && since.origin === s.origin && since.size <= total && toHex(tree.root(since.size)) === since.root;
      const from = continues ? since.size : 0;
      const to = Math.min(total, from + limit);
      const exhibitCase = new Map([...s.state.exhibits.values()].map((e) => [e.exhibitId, e.caseId]));
      const entries: IndexEntry[] = [];
      for (let index = from; index < to; index++) {
        const r = s.applied[index]!.record as Record<string, unknown> & { type: string; time: string };
        if (!TIMELINE_TYPES.includes(r.type)) continue;
        const exhibitId = typeof r.exhibitId === 'string' ? r.exhibitId : null;
        const caseId = typeof r.caseId === 'string' ? r.caseId : exhibitId ? (exhibitCase.get(exhibitId) ?? null) : null;
        const facts = factsOf(s, r);
        if (r.type === 'case.open') {
          const by = this.person(s, s.state.cases.get(String(r.caseId))?.openedBy ?? '');
          Object.assign(facts, { description: String(r.description ?? ''), openedBy: by.name, openedByBadge: by.badge, openedByKey: by.keyId });
        }
        entries.push({ index, type: r.type, time: r.time, caseId, exhibitId, facts });
      }
      return { origin: s.origin, continues, from, entries, mark: { origin: s.origin, size: to, root: toHex(tree.root(to)) }, total };
    });
  }

  private person(s: LedgerBackend, keyId: string): { keyId: string; name: string; badge: string } {
    const m = s.state.members.get(keyId);
    return { keyId, name: m?.name ?? 'unknown key', badge: m?.badge ?? '' };
  }

  /** The unlocked officer, enrolled in the standalone ledger on first use (standalone admin signs). */
  private async officer(s: LedgerBackend) {
    const { info, signer } = this.identity.signer();
    await this.ensureEnrolled(s, info);
    return { info, signer };
  }

  private async ensureEnrolled(s: LedgerBackend, info: { keyId: string; publicKey: string; name: string; badge: string; role: string }): Promise<void> {
    await s.ensureEnrolled(info);
  }

  /** Opens another officer's keystore with their passphrase for one signature (the key is disposed after). */
  private async reauthenticate(keyId: string, passphrase: string): Promise<DisposableSigner> {
    try {
      const unlocked = await unlockKeystore(join(this.dataDir, IDENTITIES_DIR, `${keyId}.json`), passphrase);
      return unlocked.signer;
    } catch (err) {
      if (errorCodeOf(err) === 'E_KEYSTORE_PASSPHRASE') {
        throw new HostError('WRONG_PASSPHRASE', `The passphrase does not unlock key ${keyId}. Check the keyboard layout and Caps Lock, then try again.`, { cause: err });
      }
      if (errorCodeOf(err) === 'E_KEYSTORE_NOT_FOUND') {
        throw new HostError('IDENTITY_NOT_FOUND', `There is no identity ${keyId} on this workstation. Set that officer up here first.`, { cause: err });
      }
      throw err;
    }
  }

  async listCases(search?: string): Promise<CaseSummary[]> {
    const s = await this.backend();
    const q = search?.trim().toLowerCase() ?? '';
    const out: CaseSummary[] = [];
    for (const c of s.state.cases.values()) {
      const rec = s.applied[c.openedAt]?.record as { title: string; agency: string; description: string; time: string } | undefined;
      if (!rec) continue;
      const summary: CaseSummary = {
        caseId: c.caseId,
        title: rec.title,
        agency: rec.agency,
        description: rec.description,
        openedAt: rec.time,
        openedBy: this.person(s, c.openedBy),
        index: c.openedAt,
        exhibits: [...s.state.exhibits.values()].filter((e) => e.caseId === c.caseId).length,
      };
      const hay = `${summary.caseId}\n${summary.title}\n${summary.agency}\n${summary.description}`.toLowerCase();
      if (q === '' || hay.includes(q)) out.push(summary);
    }
    return out.sort((a, b) => b.index - a.index);
  }

  async openCase(a: ParsedArgs<'cases.open'>): Promise<CaseSummary> {
    const s = await this.backend();
    const { signer } = await this.officer(s);
    const envelope = signRecord(
      { type: 'case.open', v: 1, origin: s.origin, id: randomId('case'), time: new Date().toISOString(), caseId: a.caseId, title: a.title, agency: a.agency, description: a.description },
      'investigator',
      signer,
    );
    await s.submit(envelope).catch((err: unknown) => {
      throw refused(err, `to open case ${a.caseId}`);
    });
    await s.settle();
    const found = (await this.listCases()).find((c) => c.caseId === a.caseId);
    if (!found) throw new HostError('LEDGER_RECORD_MISSING', `Case ${a.caseId} was submitted but is not in the ledger. Nothing else was recorded.`, { params: { what: a.caseId } });
    return found;
  }

  async exhibits(caseId: string): Promise<ExhibitSummary[]> {
    const s = await this.backend();
    return [...s.state.exhibits.values()]
      .filter((e) => e.caseId === caseId)
      .map((e) => {
        const rec = s.applied[e.depositedAt]?.record as { request: { objects: Array<{ name: string }>; metadata: { description: string } }; time: string };
        const first = e.objects[0] ?? { sha256: '', size: 0 };
        return {
          exhibitId: e.exhibitId,
          caseId: e.caseId,
          name: rec.request.objects[0]?.name ?? e.exhibitId,
          description: rec.request.metadata.description,
          size: first.size,
          sha256: first.sha256,
          depositedAt: rec.time,
          index: e.depositedAt,
          holder: this.person(s, e.holder),
          disposed: e.disposedAt !== undefined,
        };
      })
      .sort((a, b) => a.index - b.index);
  }

  // ---- deposition ------------------------------------------------------------------------------------------

  async deposit(a: ParsedArgs<'deposit.start'>): Promise<{ depositionIds: string[] }> {
    const s = await this.backend();
    const { info } = await this.officer(s);
    if (!s.state.cases.has(a.caseId)) throw new HostError('CASE_NOT_FOUND', `There is no case ${a.caseId} in the ledger. Open the case first.`, { params: { caseId: a.caseId } });
    const seen = new Set<string>();
    for (const item of a.items) {
      const taken = !this.active.has(item.exhibitId) && s.state.exhibits.has(item.exhibitId) && recordedIndex(s, a.caseId, item, info.keyId) === undefined;
      if (taken || seen.has(item.exhibitId)) {
        throw new HostError('EXHIBIT_EXISTS', `Exhibit number ${item.exhibitId} is already used. Give each exhibit its own number.`, { params: { exhibitId: item.exhibitId } });
      }
      seen.add(item.exhibitId);
    }
    // Signing needs the passphrase now, even while unlocked: a second check that the depositor is present.
    const signer = await this.reauthenticate(info.keyId, a.passphrase);
    const ids = a.items.map((item) => this.active.get(item.exhibitId) ?? randomId('depo'));
    const fresh = a.items.map((item, i) => ({ item, id: ids[i]! })).filter(({ item }) => !this.active.has(item.exhibitId));
    for (const f of fresh) this.active.set(f.item.exhibitId, f.id);
    const run = (async () => {
      try {
        for (const { item, id } of fresh) {
          try {
            await this.depositOne(s, signer, info.name, id, a.caseId, item);
          } finally {
            this.active.delete(item.exhibitId);
          }
        }
      } finally {
        signer.dispose();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return { depositionIds: ids };
  }

  private async depositOne(
    s: LedgerBackend,
    depositor: DisposableSigner,
    depositorName: string,
    id: string,
    caseId: string,
    item: ParsedArgs<'deposit.start'>['items'][number],
  ): Promise<void> {
    const progress = (p: Partial<DepositionProgress> & Pick<DepositionProgress, 'step'>) =>
      this.emit('onDepositionProgress', {
        depositionId: id,
        exhibitId: item.exhibitId,
        bytesDone: 0,
        bytesTotal: item.size,
        signedBy: [],
        entryIndex: null,
        cosigners: [],
        error: null,
        resumedFrom: null,
        ...p,
      });
    try {
      // Deposited already (a retry after a crash that came after the ledger accepted it): continue from the
      // recorded entry to the witnessed step instead of depositing it twice. In network mode an unfinished
      // journal is followed through the flow, which finds its entry by record id and writes the receipt.
      const recorded = recordedIndex(s, caseId, item, depositor.keyId);
      if (recorded !== undefined && !(s instanceof NetworkLedger && (await s.hasJournal(item.exhibitId)))) {
        await this.continueRecorded(s, recorded, depositorName, item, progress);
        return;
      }
      if (s instanceof NetworkLedger) {
        await networkDepositOne(s, { depositor, depositorName, caseId, item, progress, signal: this.abort.signal });
        void this.announce();
        return;
      }
      if (!(s instanceof StandaloneStack)) throw new TypeError('unknown ledger backend');
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
      const signedRequest = signRecord({ type: 'deposition.request', v: 1, origin: s.origin, id, time: requestedAt, ...request }, 'depositor', depositor);
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
      void this.announce();
    } catch (err) {
      const known = err instanceof HostError ? err : undefined;
      if (!known) this.log.error(`deposit ${item.exhibitId} failed`, err);
      const error: ContractError = known
        ? { code: known.code, message: known.message, ...(Object.keys(known.params).length > 0 ? { params: known.params } : {}) }
        : { code: 'DEPOSIT_FAILED', message: `The deposition of ${item.exhibitId} failed: ${(err as Error).message}. Nothing was recorded.`, params: { exhibitId: item.exhibitId, problem: (err as Error).message } };
      progress({ step: 'failed', error });
    }
  }

  /** Reports an already-recorded deposition's steps from the ledger, waits for its witnesses, keeps the local copy. */
  private async continueRecorded(
    s: LedgerBackend,
    index: number,
    depositorName: string,
    item: ParsedArgs<'deposit.start'>['items'][number],
    progress: (p: Partial<DepositionProgress> & Pick<DepositionProgress, 'step'>) => void,
  ): Promise<void> {
    const envelope = JSON.parse(new TextDecoder().decode(s.entries[index]!)) as SignedRecord;
    const providerKey = envelope.signatures.find((x) => x.role === 'provider')?.keyId;
    const providerName = (providerKey ? s.state.members.get(providerKey)?.name : undefined) ?? 'provider';
    const signedBy = [depositorName, providerName];
    progress({ step: 'signed', signedBy: [depositorName] });
    progress({ step: 'countersigned', bytesDone: item.size, signedBy });
    progress({ step: 'recorded', bytesDone: item.size, signedBy, entryIndex: index });
    if (s instanceof NetworkLedger) await s.waitFor(index);
    else await s.settle();
    const cp = await s.currentCheckpoint();
    if (!cp.final || cp.size <= index) throw new HostError('NOT_WITNESSED', `Entry ${index} is recorded but no final checkpoint covers it yet. It will be witnessed with the next checkpoint.`, { params: { index: String(index) } });
    await s.rememberLocalCopy(item.exhibitId, { path: item.path, name: item.name, sha256: item.sha256, size: item.size });
    progress({ step: 'witnessed', bytesDone: item.size, signedBy, entryIndex: index, cosigners: cp.cosigners });
    void this.announce();
  }

  // ---- integrity and custody ---------------------------------------------------------------------------------

  async verifyNow(exhibitId: string): Promise<TimelineEvent[]> {
    const s = await this.backend();
    const { info, signer } = await this.officer(s);
    const ex = s.state.exhibits.get(exhibitId);
    if (!ex) throw new HostError('EXHIBIT_NOT_FOUND', `There is no exhibit ${exhibitId} in the ledger.`, { params: { exhibitId } });
    const expected = ex.objects[0]!;
    const indexes: number[] = [];
    const base = { v: 1, origin: s.origin, exhibitId, checker: info.keyId };

    const local = s.localCopies.get(exhibitId);
    if (local) {
      let observed: { sha256: string; size: number };
      try {
        observed = await hashFile(local.path);
      } catch (err) {
        throw new HostError('LOCAL_COPY_UNREADABLE', `The local copy ${local.path} cannot be read (${(err as Error).message}). Nothing was recorded. Check the file is still there.`, { cause: err, params: { path: local.path } });
      }
      const result = observed.sha256 === expected.sha256 && observed.size === expected.size ? 'match' : 'mismatch';
      const env = signRecord({ type: 'integrity.check', ...base, id: randomId('check'), time: new Date().toISOString(), scope: 'local', result, observed }, 'checker', signer);
      indexes.push((await s.submit(env).catch((err: unknown) => { throw refused(err, 'the local integrity check'); })).index);
    }
    const requester = s.member(info.keyId)!;
    const env = await s.providerCheck(expected.sha256, requester, (providerResult) => {
      const pr = providerResult.record as unknown as { observed: { sha256: string; size: number }; result: 'match' | 'mismatch' };
      const result = pr.result === 'match' && pr.observed.sha256 === expected.sha256 && pr.observed.size === expected.size ? 'match' : 'mismatch';
      return signRecord(
        { type: 'integrity.check', ...base, id: randomId('check'), time: new Date().toISOString(), scope: 'provider', result, observed: pr.observed, providerResult: providerResult as unknown as Record<string, never> },
        'checker',
        signer,
      );
    }, signer);
    indexes.push((await s.submit(env).catch((err: unknown) => { throw refused(err, 'the provider integrity check'); })).index);
    await s.settle();
    void this.announce();
    const events = await this.timeline((e) => e.exhibitId === exhibitId);
    return events.filter((e) => indexes.includes(e.index));
  }

  async transfer(a: ParsedArgs<'custody.transfer'>): Promise<TimelineEvent> {
    const s = await this.backend();
    const { info } = await this.officer(s);
    const ex = s.state.exhibits.get(a.exhibitId);
    if (!ex) throw new HostError('EXHIBIT_NOT_FOUND', `There is no exhibit ${a.exhibitId} in the ledger.`, { params: { exhibitId: a.exhibitId } });
    if (ex.holder !== info.keyId) {
      throw new HostError('NOT_HOLDER', `${info.name} does not hold exhibit ${a.exhibitId}; ${this.person(s, ex.holder).name} does. The holder must unlock the workstation to release it.`, {
        params: { name: info.name, exhibitId: a.exhibitId, holder: this.person(s, ex.holder).name },
      });
    }
    if (a.to === info.keyId) throw new HostError('SAME_OFFICER', 'The receiving officer must be someone else than the releasing officer.');
    const releasing = await this.reauthenticate(info.keyId, a.releasingPassphrase);
    const receiving = await this.reauthenticate(a.to, a.receivingPassphrase).catch((err: unknown) => {
      releasing.dispose();
      throw err;
    });
    try {
      const receiverInfo = (await this.identity.list()).find((i) => i.keyId === a.to);
      if (receiverInfo) await this.ensureEnrolled(s, receiverInfo);
      const record = {
        type: 'custody.transfer',
        v: 1,
        origin: s.origin,
        id: randomId('xfer'),
        time: new Date().toISOString(),
        exhibitId: a.exhibitId,
        from: info.keyId,
        to: a.to,
        purpose: a.purpose,
        ...(a.location ? { location: a.location } : {}),
      };
      const env = addSignature(signRecord(record, 'releasing', releasing), 'receiving', receiving);
      const accepted = await s.submit(env).catch((err: unknown) => {
        throw refused(err, `the transfer of ${a.exhibitId}`);
      });
      await s.settle();
      void this.announce();
      const event = (await this.timeline((e) => e.exhibitId === a.exhibitId)).find((e) => e.index === accepted.index);
      if (!event) throw new HostError('LEDGER_RECORD_MISSING', `The transfer was accepted as entry ${accepted.index} but is not in the ledger.`, { params: { what: `#${accepted.index}` } });
      return event;
    } finally {
      releasing.dispose();
      receiving.dispose();
    }
  }

  // ---- the timeline ------------------------------------------------------------------------------------------

  /** Events matching `filter`, oldest first, each verified now. */
  async timeline(filter: (e: { caseId: string | null; exhibitId: string | null }) => boolean): Promise<TimelineEvent[]> {
    const s = await this.backend();
    return s.exclusive(() => this.timelineOf(s, filter));
  }

  private async timelineOf(s: LedgerBackend, filter: (e: { caseId: string | null; exhibitId: string | null }) => boolean): Promise<TimelineEvent[]> {
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

/**
 * The entry index of `item`'s deposition when the verified ledger already holds it as this depositor made it:
 * same case, the one object with the same SHA-256 and size, deposited by `depositor`. Undefined otherwise
 * (not deposited, or the exhibit number is taken by something else).
 */
function recordedIndex(s: LedgerBackend, caseId: string, item: { exhibitId: string; sha256: string; size: number }, depositor: string): number | undefined {
  const ex = s.state.exhibits.get(item.exhibitId);
  if (!ex || ex.caseId !== caseId || ex.depositor !== depositor || ex.objects.length !== 1) return undefined;
  const o = ex.objects[0]!;
  return o.sha256 === item.sha256 && o.size === item.size ? ex.depositedAt : undefined;
}

/** The record types a custody timeline shows. */
const TIMELINE_TYPES = ['case.open', 'deposition', 'custody.transfer', 'integrity.check', 'access', 'disposition'];

/** RFC 8785 canonical JSON, to compare two records field by field regardless of key order. */
function canonical(v: unknown): string {
  return canonicalJson(v ?? null);
}

function factsOf(s: LedgerBackend, r: Record<string, unknown>): Record<string, string> {
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
