// Network mode (docs/DESIGN.md, "Mirrors"): the ledger is a remote ledger node, the provider and the witnesses are
// independent parties. This workstation keeps a verified mirror of the node's log under `<data>/network/mirror/`
// (app/mirror: pinned log key, the genesis witness quorum, consistency with every checkpoint it trusted before,
// every entry through the record rules) and answers every ledger question from that copy alone. What it sends —
// case openings, depositions, transfers, integrity checks — goes to the node (POST /add), whose signed inclusion
// promise is checked against the pinned log key; the record counts as done only once the mirror has verified
// it under a final checkpoint. Uploads go to the provider over tus (resumable: the upload URL is kept in a
// durable file, so an interrupted upload continues from the provider's offset after a restart), and the
// provider's countersignature must be made by the pinned provider key, enrolled as a provider in the ledger.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostText, LedgerStatus, Settings } from '../../contract/api';
import type { HostTextCode } from '../../contract/codes';
import type { ForkEvidence } from '../../witness/fork';
import { nodeVerifier } from '../../crypto/bulk-verify';
import { toBase64, toHex } from '../../crypto/encoding';
import { describeReport, verifyEnvelope, type SignedRecord } from '../../crypto/envelope';
import { canonicalJson } from '../../crypto/record-digest';
import type { Signer } from '../../crypto/signer';
import { httpLedger } from '../../deposit/ports';
import type { DepositPorts } from './deposit-flow';
import { writeJsonAtomic } from '../../fs/atomic';
import { bytesEqual, utf8ToBytes } from '../../ledger/bytes';
import { decodeBundle, TILE_WIDTH } from '../../ledger/layout';
import { leafHash } from '../../ledger/merkle';
import { parseNote, parseVerifierKey, type NoteVerifier } from '../../ledger/note';
import { openPromise } from '../../ledger/promise';
import { LedgerState, type AppliedEntry } from '../../ledger/rules';
import { fetchTile, type TileFetcher } from '../../ledger/tiles';
import { addMirrorLog, MirrorLog, type PeerErrorEvent, type SyncState } from '../../mirror/mirror';
import { ProviderClient, type UploadOptions, type UploadResult } from '../../provider/client';
import type { Member } from '../../provider/members';
import { checkPolicy, parsePolicy, type ParsedPolicy, type WitnessPolicy } from '../../witness/cosignature';
import { originHash } from '../../witness/witness';
import type { HostLogger } from '../dispatch';
import { errorCodeOf, HostError } from '../errors';
import { forkText, witnessPeers, type CheckpointSeen, type CurrentCheckpoint, type LedgerBackend, type LocalCopy, type OfficerKey, type Peers, type SyncView } from './backend';

export const NETWORK_DIR = 'network';

type NetworkSettings = Settings['network'];

/** The host's tuning of network mode (HostOptions.network). */
export type NetworkTuning = Pick<NetworkLedgerOptions, 'uploadChunkBytes' | 'uploadRetryDelays' | 'syncIntervalMs' | 'settleTimeoutMs'>;

export interface NetworkLedgerOptions {
  dataDir: string;
  network: NetworkSettings;
  log: HostLogger;
  onChange: () => void;
  /** tus PATCH size (default 8 MiB: an interrupted upload loses at most the chunk in flight). */
  uploadChunkBytes?: number;
  /** Delays between automatic upload retries (default: tus-js-client's, about two minutes in all). */
  uploadRetryDelays?: number[];
  /** Time between sync rounds with the node (default 2 s). */
  syncIntervalMs?: number;
  /** How long a submitted record may take to appear, witnessed, in the verified mirror (default 60 s). */
  settleTimeoutMs?: number;
}

/** The depositor's provider client with the host's upload tuning and the host's stop signal. */
class HostProviderClient extends ProviderClient {
  constructor(
    options: ConstructorParameters<typeof ProviderClient>[0],
    private readonly extra: UploadOptions,
  ) {
    super(options);
  }
  override upload(file: string, declared: { sha256: string; size: number }, options: UploadOptions = {}): Promise<UploadResult> {
    return super.upload(file, declared, { ...this.extra, ...options });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

export class NetworkLedger implements LedgerBackend {
  readonly kind = 'network' as const;
  readonly state = new LedgerState();
  readonly applied: AppliedEntry[] = [];
  readonly entries: Uint8Array[] = [];
  policy: ParsedPolicy;
  localCopies = new Map<string, LocalCopy>();
  private checkpoints: CheckpointSeen[] = [];
  private cp: CurrentCheckpoint | undefined;
  /** Highest index the node accepted from us. */
  private submitted = -1;
  private lock: Promise<unknown> = Promise.resolve();
  private round: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private mirrorState: SyncState;
  /** Why the node's checkpoint could not be had in the last round, in English and as a code (null: it answered). */
  private nodeError: { detail: string; reason: HostText } | null = null;
  private nodeCheckedAt: string | null = null;
  private provider: { ok: boolean; error: { detail: string; reason: HostText } | null } = { ok: false, error: null };
  private policyProblem: { detail: string; reason: HostText } | null = null;
  /** The latest fork alarm's reason, for the sync line. */
  private forkReason: HostText | null = null;
  private lastAnnounced = '';

  private constructor(
    readonly dir: string,
    readonly origin: string,
    readonly logKey: NoteVerifier,
    readonly settings: NetworkSettings & { ledgerUrl: string; providerUrl: string; logKey: string; providerKey: string },
    readonly mirror: MirrorLog,
    private readonly o: NetworkLedgerOptions,
  ) {
    this.policy = parsePolicy({ quorum: settings.witnessQuorum, witnesses: settings.witnesses });
    this.mirrorState = mirror.state;
  }

  static async open(o: NetworkLedgerOptions): Promise<NetworkLedger> {
    const n = o.network;
    const fields = { ledgerUrl: 'the ledger node address', providerUrl: 'the provider address', logKey: "the ledger's log key", providerKey: "the provider's key id" } as const;
    const missing = (Object.keys(fields) as Array<keyof typeof fields>).filter((k) => !n[k]);
    if (missing.length > 0 || !n.ledgerUrl || !n.providerUrl || !n.logKey || !n.providerKey) {
      throw new HostError('NETWORK_NOT_CONFIGURED', `Network mode needs ${missing.map((k) => fields[k]).join(', ')}. Enter them in Settings; the ledger administrator has them.`, { params: { missing: missing.join(',') } });
    }
    let logKey: NoteVerifier;
    try {
      logKey = parseVerifierKey(n.logKey);
    } catch (err) {
      throw new HostError('NETWORK_LOG_KEY_INVALID', `The pinned log key ${n.logKey} is not a valid Ed25519 verifier key (${messageOf(err)}). Copy it again from the ledger administrator.`, { cause: err, params: { key: n.logKey, problem: messageOf(err) } });
    }
    const origin = logKey.name;
    const ledgerUrl = n.ledgerUrl.replace(/\/+$/, '');
    const settings = { ...n, ledgerUrl, providerUrl: n.providerUrl.replace(/\/+$/, ''), logKey: n.logKey, providerKey: n.providerKey };
    const root = join(o.dataDir, NETWORK_DIR);
    const mirrorDir = join(root, 'mirror');
    const dir = join(root, originHash(origin));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const config = { origin, logKey: n.logKey, peers: [ledgerUrl], gossip: [`${ledgerUrl}/gossip`] };
    await addMirrorLog(mirrorDir, config);
    let mirror: MirrorLog;
    try {
      mirror = await MirrorLog.open(mirrorDir, config, { timeoutMs: 10_000 });
    } catch (err) {
      throw new HostError(
        'MIRROR_DAMAGED',
        `This workstation's copy of the ledger ${origin} (${join(mirrorDir, 'logs', originHash(origin))}) does not verify: ${messageOf(err)}. Move that folder aside and restart; the ledger is then fetched and verified again from the node.`,
        { cause: err, params: { origin, folder: join(mirrorDir, 'logs', originHash(origin)), problem: messageOf(err) } },
      );
    }
    const ln = new NetworkLedger(dir, origin, logKey, settings, mirror, o);
    ln.checkpoints = await readJson<CheckpointSeen[]>(join(dir, 'checkpoints.json'), []);
    ln.localCopies = new Map(Object.entries(await readJson<Record<string, LocalCopy>>(join(dir, 'local-copies.json'), {})));
    mirror.on('state', (s: SyncState) => {
      ln.mirrorState = s;
      ln.changed();
    });
    mirror.on('progress', () => ln.changed());
    ln.forkReason = ((await mirror.forks.list()).map(forkText).at(-1)) ?? null;
    mirror.on('fork', (f: ForkEvidence) => {
      ln.forkReason = forkText(f);
      ln.changed();
    });
    mirror.on('peer-error', (e: PeerErrorEvent) => o.log.warn(`network ledger: peer ${e.peer}: ${e.error}`));
    await ln.exclusive(() => ln.catchUp());
    ln.schedule(0);
    return ln;
  }

  get tiles(): TileFetcher {
    return this.mirror.driver;
  }

  get ledgerFolder(): string {
    return this.mirror.driver.root;
  }

  get journalDir(): string {
    return join(this.dir, 'deposits');
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.refresh()
        .catch((err: unknown) => this.o.log.error('network ledger: sync round failed', err))
        .finally(() => this.schedule(this.o.syncIntervalMs ?? 2000));
    }, ms);
  }

  /** One sync round with the node now (shared with a round already running). */
  refresh(): Promise<void> {
    this.round ??= this.syncRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /**
   * Talks to the node and the provider without holding the read lock: reads keep answering from the last
   * verified state while a round waits on the network (up to the mirror's 10 s timeout). Only applying what the
   * mirror verified (catchUp, local tiles only) is exclusive. Rounds never overlap (refresh shares one), and
   * catchUp runs only after the mirror's sync has finished, so it never sees leaves the mirror has not verified.
   */
  private async syncRound(): Promise<void> {
    if (this.closed) return;
    let nodeError: { detail: string; reason: HostText } | null = null;
    const onPeerError = (e: PeerErrorEvent) => {
      if (e.peer === this.settings.ledgerUrl && / checkpoint: /.test(e.error)) {
        nodeError = { detail: e.error, reason: { code: 'sync.nodeUnreachable', params: { url: this.settings.ledgerUrl, problem: e.error } } };
      }
    };
    this.mirror.on('peer-error', onPeerError);
    try {
      await this.mirror.sync();
      if (this.mirror.state.state !== 'fork' && this.mirror.state.state !== 'halted') await this.mirror.gossipOnce();
    } finally {
      this.mirror.off('peer-error', onPeerError);
    }
    await this.exclusive(() => this.catchUp());
    await this.checkProvider();
    // The node's answer counts once the whole round is in (a read meanwhile sees the previous round's).
    this.nodeError = nodeError;
    if (nodeError === null) this.nodeCheckedAt = new Date().toISOString();
    this.changed();
  }

  /** Asks the provider who it is: reachable, and the key it signs with must be the pinned one. */
  private async checkProvider(): Promise<void> {
    try {
      const res = await fetch(`${this.settings.providerUrl}/info`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`GET /info answered HTTP ${res.status}`);
      const info = (await res.json()) as { keyId?: string };
      const url = this.settings.providerUrl;
      this.provider =
        info.keyId === this.settings.providerKey
          ? { ok: true, error: null }
          : {
              ok: false,
              error: {
                detail: `the provider at ${url} signs with key ${String(info.keyId)}, but Settings pin provider key ${this.settings.providerKey}`,
                reason: { code: 'sync.providerKeyMismatch', params: { url, key: String(info.keyId), pinned: this.settings.providerKey } },
              },
            };
    } catch (err) {
      const url = this.settings.providerUrl;
      this.provider = { ok: false, error: { detail: `the provider at ${url} did not answer (${messageOf(err)})`, reason: { code: 'sync.providerUnreachable', params: { url, problem: messageOf(err) } } } };
    }
  }

  /** Applies the entries the mirror has verified since the last call, checking each against the verified tree. */
  private async catchUp(): Promise<void> {
    const note = this.mirror.note;
    if (!note) return;
    const size = this.mirror.size;
    const tree = this.mirror.merkle;
    while (this.entries.length < size) {
      const i = this.entries.length;
      const b = Math.floor(i / TILE_WIDTH);
      const width = Math.min(TILE_WIDTH, size - b * TILE_WIDTH);
      const bundle = decodeBundle(await fetchTile(this.mirror.driver, { level: 'entries', index: b, width }));
      for (let k = i - b * TILE_WIDTH; k < width; k++) {
        const e = bundle[k];
        const at = b * TILE_WIDTH + k;
        if (!e || !bytesEqual(leafHash(e), tree.node({ level: 0, index: at }))) {
          throw new HostError('MIRROR_DAMAGED', `Entry ${at} of this workstation's copy of ${this.origin} does not match its verified tree. Move ${this.mirror.driver.root} aside and restart to fetch and verify it again.`, {
            params: { origin: this.origin, folder: this.mirror.driver.root, problem: `entry ${at} ≠ tree` },
          });
        }
        this.applied.push(this.state.apply(e, { verifier: nodeVerifier }));
        this.entries.push(e);
      }
    }
    const g = this.state.genesis;
    if (!g) return;
    this.policy = parsePolicy(g.witnessPolicy as WitnessPolicy);
    const r = checkPolicy(note, this.logKey, this.policy, this.origin);
    let final = r.final;
    // The witnesses pinned in Settings must have cosigned too (a workstation may demand more than the genesis).
    this.policyProblem = null;
    if (this.settings.witnessQuorum > 0) {
      const pinned = checkPolicy(note, this.logKey, parsePolicy({ quorum: this.settings.witnessQuorum, witnesses: this.settings.witnesses }), this.origin);
      if (!pinned.final) {
        final = false;
        this.policyProblem = {
          detail: `the checkpoint of size ${r.checkpoint.size} is cosigned by ${pinned.cosigners.length} of the witnesses pinned in Settings; ${this.settings.witnessQuorum} are required`,
          reason: { code: 'sync.pinnedWitnesses', params: { size: String(r.checkpoint.size), k: String(pinned.cosigners.length), quorum: String(this.settings.witnessQuorum) } },
        };
      }
    }
    this.cp = { note, size: r.checkpoint.size, root: r.checkpoint.root, cosigners: r.cosigners, final };
    const last = this.checkpoints.at(-1);
    const rootHex = toHex(r.checkpoint.root);
    if (!last || last.size !== r.checkpoint.size || last.root !== rootHex || last.final !== final) {
      this.checkpoints.push({ size: r.checkpoint.size, root: rootHex, time: new Date().toISOString(), cosigners: r.cosigners, final, body: parseNote(note).text });
      await writeJsonAtomic(join(this.dir, 'checkpoints.json'), this.checkpoints);
    }
  }

  /** Tells the host the state changed, once per distinct state. */
  private changed(): void {
    const key = JSON.stringify([this.sync(), this.entries.length, this.provider.ok, this.mirror.state.forks]);
    if (key === this.lastAnnounced) return;
    this.lastAnnounced = key;
    this.o.onChange();
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  checkpointList(): CheckpointSeen[] {
    return this.checkpoints.map((c) => ({ ...c }));
  }

  currentCheckpoint(): Promise<CurrentCheckpoint> {
    if (!this.cp) return Promise.reject(this.notVerified());
    return Promise.resolve(this.cp);
  }

  notVerified(): HostError {
    const s = this.sync();
    return new HostError(
      'LEDGER_NOT_VERIFIED',
      `This workstation has not verified the ledger ${this.origin} yet (${s.state}${s.detail ? `: ${s.detail}` : ''}). Nothing can be shown or recorded until it has. Check that the ledger node ${this.settings.ledgerUrl} is running and that its address and log key in Settings are right.`,
      { params: { origin: this.origin, node: this.settings.ledgerUrl } },
    );
  }

  member(keyId: string): Member | undefined {
    const m = this.state.members.get(keyId);
    if (!m) return undefined;
    return { keyId: m.keyId, publicKey: m.publicKey, role: m.role, name: m.name, enrolled: true, revoked: m.revokedAt !== undefined };
  }

  /** The pinned provider as the verified ledger knows it: an active member in role provider, else an error. */
  providerMember(): Member {
    const m = this.member(this.settings.providerKey);
    if (!m || m.role !== 'provider' || m.revoked) {
      throw new HostError(
        'PROVIDER_NOT_ENROLLED',
        `The provider key pinned in Settings (${this.settings.providerKey}) is not an active provider member of the ledger ${this.origin}${m ? ` (it is ${m.revoked ? 'revoked' : `enrolled as ${m.role}`})` : ''}. Nothing was sent. Check the provider key in Settings, or ask the ledger administrator to enrol the provider.`,
        { params: { key: this.settings.providerKey, origin: this.origin } },
      );
    }
    return m;
  }

  async ensureEnrolled(o: OfficerKey): Promise<void> {
    if (this.state.activeMember(o.keyId)) return;
    await this.refresh();
    if (this.entries.length === 0) throw this.notVerified();
    if (this.state.activeMember(o.keyId)) return;
    const revoked = this.state.members.get(o.keyId)?.revokedAt;
    if (revoked !== undefined) {
      throw new HostError('KEY_REVOKED', `The key ${o.keyId} of ${o.name} was revoked in the ledger ${this.origin} at entry ${revoked}; it can no longer sign. Ask the ledger administrator for a new enrolment with a new key.`, {
        params: { keyId: o.keyId, name: o.name, index: String(revoked) },
      });
    }
    const role = ['investigator', 'custodian', 'supervisor', 'admin'].includes(o.role) ? o.role : 'investigator';
    const q = (v: string) => `"${v.replace(/["\\$`]/g, '\\$&')}"`;
    const command = `evidence member enroll --node ${this.settings.ledgerUrl} --trust trust.bundle --admin-key ADMIN-KEYSTORE --key-id ${o.keyId} --public-key ${o.publicKey} --name ${q(o.name)} --badge ${q(o.badge)} --role ${role}`;
    throw new HostError(
      'NOT_ENROLLED',
      `The key ${o.keyId} of ${o.name} is not enrolled in the ledger ${this.origin}, so the ledger node would refuse what it signs. Nothing was sent. ` +
        `Ask a ledger administrator to enrol it with: ${command} — then try again.`,
      { params: { keyId: o.keyId, name: o.name, command } },
    );
  }

  async submit(envelope: SignedRecord): Promise<{ index: number }> {
    const m = this.mirror.state;
    if (m.state === 'fork' || m.state === 'halted') {
      throw new HostError('LEDGER_FORKED', `Nothing was sent: this workstation no longer trusts the ledger node's log (${m.state}: ${m.error ?? ''}). See the ledger view and tell the ledger administrator.`);
    }
    const bytes = utf8ToBytes(canonicalJson(envelope));
    const what = `the ${envelope.record.type} record`;
    let res: Response;
    try {
      res = await fetch(`${this.settings.ledgerUrl}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new HostError('NODE_UNREACHABLE', `The ledger node ${this.settings.ledgerUrl} did not answer (${messageOf(err)}). Nothing was recorded. Check the network and the node address in Settings, then try again.`, { cause: err, params: { url: this.settings.ledgerUrl } });
    }
    const body = (await res.json().catch(() => ({}))) as { index?: number; promise?: string; error?: { code?: string; message?: string } };
    if (!res.ok || body.index === undefined || body.promise === undefined) {
      const problem = `${body.error?.message ?? `HTTP ${res.status}`}${body.error?.code ? ` (${body.error.code})` : ''}`;
      throw new HostError('LEDGER_REFUSED', `The ledger node refused ${what}: ${problem}. Nothing was recorded.`, { params: { problem } });
    }
    let promise;
    try {
      promise = openPromise(body.promise, this.logKey);
    } catch (err) {
      throw new HostError('BAD_PROMISE', `The ledger node's inclusion promise for ${what} is not signed by the pinned log key (${messageOf(err)}). Do not trust this node: tell the ledger administrator.`, { cause: err });
    }
    if (promise.index !== body.index || promise.origin !== this.origin || toBase64(promise.leafHash) !== toBase64(leafHash(bytes))) {
      throw new HostError('BAD_PROMISE', `The ledger node's inclusion promise (index ${promise.index}, ledger ${promise.origin}) does not name ${what}. Do not trust this node: tell the ledger administrator.`);
    }
    this.submitted = Math.max(this.submitted, promise.index);
    return { index: promise.index };
  }

  settle(): Promise<void> {
    return this.waitFor(this.submitted);
  }

  /** Waits until entry `index` is in the verified mirror under a final checkpoint. */
  async waitFor(index: number): Promise<void> {
    const timeoutMs = this.o.settleTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    while (this.entries.length <= index) {
      if (this.closed) throw new HostError('HOST_CLOSED', `The workstation stopped before entry ${index} was verified; it stays recorded at the ledger node and appears here after the next start.`);
      const m = this.mirror.state;
      if (m.state === 'fork' || m.state === 'halted') {
        throw new HostError('LEDGER_FORKED', `Entry ${index} was accepted by the ledger node, but this workstation no longer trusts the node's log (${m.state}: ${m.error ?? ''}). See the ledger view and tell the ledger administrator.`);
      }
      if (Date.now() > deadline) {
        throw new HostError(
          'NOT_WITNESSED',
          `Entry ${index} was accepted by the ledger node but is not yet under a checkpoint cosigned by the witnesses (${this.policy.quorum} of ${this.policy.witnesses.length}) after ${Math.round(timeoutMs / 1000)} s. It stays recorded at the node and appears here once witnessed; check that the witnesses are running.`,
          { params: { index: String(index) } },
        );
      }
      await this.refresh();
      if (this.entries.length <= index) await new Promise((r) => setTimeout(r, 150));
    }
  }

  async rememberLocalCopy(exhibitId: string, copy: LocalCopy): Promise<void> {
    this.localCopies.set(exhibitId, copy);
    await writeJsonAtomic(join(this.dir, 'local-copies.json'), Object.fromEntries(this.localCopies));
  }

  /** A provider client signing with `signer`, remembering upload URLs in a durable file for tus resume. */
  client(signer: Signer, signal?: AbortSignal): HostProviderClient {
    return new HostProviderClient(
      { baseUrl: this.settings.providerUrl, signer, urlStorageFile: join(this.dir, 'uploads.json') },
      {
        chunkSize: this.o.uploadChunkBytes ?? 8 * 1024 * 1024,
        ...(this.o.uploadRetryDelays ? { retryDelays: this.o.uploadRetryDelays } : {}),
        ...(signal ? { signal } : {}),
      },
    );
  }

  async providerCheck(sha256: string, requester: Member, build: (providerResult: SignedRecord) => SignedRecord, signer?: Signer): Promise<SignedRecord> {
    if (!signer) throw new TypeError('network provider checks are signed requests: pass the checker');
    const provider = this.providerMember();
    const client = this.client(signer);
    const ask = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw providerError(err, this.settings.providerUrl, what);
      }
    };
    const onlyProvider = (k: string, role: string) => (role === 'provider' && k === provider.keyId ? provider.publicKey : undefined);
    await providerKnows(client, sha256, this.settings.providerUrl, signer.keyId);
    const result = await ask('re-hash its copy', () => client.verifyObject(sha256));
    const r1 = verifyEnvelope(result, { requiredRoles: ['provider'], resolveKey: onlyProvider, verifier: nodeVerifier });
    if (!r1.ok) throw new HostError('PROVIDER_SIGNATURE_INVALID', `The provider's re-hash result is not signed by the pinned provider key ${provider.keyId}: ${describeReport(r1)}. Nothing was recorded.`, { params: { key: provider.keyId } });
    const check = build(result);
    const signed = await ask('countersign the integrity check', () => client.countersignIntegrity(check));
    const r2 = verifyEnvelope(signed, {
      requiredRoles: ['checker', 'provider'],
      resolveKey: (k, role) => (role === 'checker' ? check.signatures.find((x) => x.keyId === k)?.publicKey : onlyProvider(k, role)),
      verifier: nodeVerifier,
    });
    if (!r2.ok || canonicalJson(signed.record) !== canonicalJson(check.record)) {
      throw new HostError('PROVIDER_SIGNATURE_INVALID', `The provider's countersigned integrity check does not verify against the pinned provider key ${provider.keyId}${r2.ok ? ' (the record was changed)' : `: ${describeReport(r2)}`}. Nothing was recorded.`, { params: { key: provider.keyId } });
    }
    return signed;
  }

  peers(cp: CurrentCheckpoint | null): Peers {
    cp ??= { note: '', size: 0, root: new Uint8Array(32), cosigners: [], final: false };
    return [
      { name: 'ledger node', role: 'ledger', url: this.settings.ledgerUrl, local: false, state: this.nodeError === null && this.nodeCheckedAt ? 'online' : 'unreachable', amount: cp.size },
      { name: 'provider', role: 'provider', url: this.settings.providerUrl, local: false, state: this.provider.ok ? 'online' : 'unreachable', amount: null },
      ...witnessPeers(this.policy, cp, false),
    ];
  }

  sync(): SyncView {
    const m = this.mirrorState;
    const size = this.entries.length;
    const base = { size, target: null, checkedAt: this.nodeCheckedAt, detail: null, reason: null };
    const text = (code: HostTextCode, params: Record<string, string> = {}): HostText => ({ code, params });
    if (m.state === 'fork') return { ...base, state: 'fork', detail: m.error ?? 'two checkpoints of this ledger cannot both be true', reason: this.forkReason };
    if (m.state === 'halted') return { ...base, state: 'halted', detail: m.error ?? null, reason: m.error ? text('sync.halted', { problem: m.error }) : null };
    if (m.state === 'syncing') return { ...base, state: 'syncing', target: m.target ?? null };
    if (this.nodeError !== null) return { ...base, state: 'unreachable', ...this.nodeError };
    if (!this.provider.ok && this.provider.error && this.nodeCheckedAt) return { ...base, state: 'misconfigured', ...this.provider.error };
    if (this.policyProblem) return { ...base, state: 'behind', ...this.policyProblem };
    if (m.state === 'behind') return { ...base, state: 'behind', detail: m.error ?? null, reason: m.behind ? text(`sync.${m.behind}`) : null };
    if (size === 0 || !this.nodeCheckedAt) {
      return this.nodeCheckedAt ? { ...base, state: 'empty' } : { ...base, state: 'empty', detail: 'the ledger node has not answered yet', reason: text('sync.notAnswered', { url: this.settings.ledgerUrl }) };
    }
    return { ...base, state: 'synced' };
  }

  async forks(): Promise<LedgerStatus['forks']> {
    return (await this.mirror.forks.list()).map((f) => ({ message: `${f.reason} (source ${f.source})`, detectedAt: f.detectedAt, reason: forkText(f) }));
  }

  /**
   * The provider over tus (the upload URL kept in a durable file for resume) and the node over HTTP, once the
   * provider has shown it signs with the pinned key and knows the depositor's key.
   */
  async depositPorts(depositor: Signer, sha256: string, signal: AbortSignal): Promise<DepositPorts> {
    const provider = this.providerMember();
    const client = this.client(depositor, signal);
    let info;
    try {
      info = await client.info();
    } catch (err) {
      throw providerError(err, this.settings.providerUrl, 'identify itself');
    }
    if (info.keyId !== this.settings.providerKey) {
      throw new HostError(
        'PROVIDER_KEY_MISMATCH',
        `The provider at ${this.settings.providerUrl} signs with key ${info.keyId}, but Settings pin provider key ${this.settings.providerKey}. Nothing was uploaded. Check the provider address, or the pinned key if the provider was re-keyed.`,
        { params: { url: this.settings.providerUrl, key: info.keyId, pinned: this.settings.providerKey } },
      );
    }
    await providerKnows(client, sha256, this.settings.providerUrl, depositor.keyId);
    return {
      provider: client,
      node: httpLedger(this.settings.ledgerUrl),
      pinned: { logKey: this.settings.logKey, providerKey: this.settings.providerKey },
      providerName: provider.name ?? 'provider',
      journalDir: this.journalDir,
      receiptsDir: join(this.dir, 'receipts'),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round?.catch(() => undefined);
    await this.lock.catch(() => undefined);
  }
}

/**
 * The provider learns of enrolments by following the ledger, a little after this workstation has verified
 * them: a key it does not know yet is asked again for up to `waitMs` before that counts as a refusal.
 */
async function providerKnows(client: ProviderClient, sha256: string, url: string, keyId: string, waitMs = 20_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await client.storedSize(sha256);
      return;
    } catch (err) {
      if (errorCodeOf(err) !== 'UNKNOWN_KEY') throw providerError(err, url, 'say whether it holds the object');
      if (Date.now() > deadline) {
        throw new HostError(
          'PROVIDER_DOES_NOT_KNOW_KEY',
          `The provider ${url} does not know the key ${keyId} yet, although the ledger has enrolled it: the provider has not caught up with the ledger for ${Math.round(waitMs / 1000)} s. Nothing was sent. Try again in a minute; if it persists, tell the provider's operator.`,
          { cause: err, params: { url, keyId } },
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A provider failure in words: who did not answer or what it refused, and what to do. */
function providerError(err: unknown, url: string, what: string): HostError {
  if (err instanceof HostError) return err;
  const code = errorCodeOf(err);
  if (code === 'PROVIDER_UNREACHABLE') {
    return new HostError('PROVIDER_UNREACHABLE', `The provider ${url} did not answer when asked to ${what} (${messageOf(err)}). Nothing was recorded. Check the network and the provider address in Settings, then try again.`, { cause: err, params: { url } });
  }
  return new HostError('PROVIDER_REFUSED', `The provider ${url} refused to ${what}: ${messageOf(err)}. Nothing was recorded.`, { cause: err, params: { url, problem: messageOf(err) } });
}
