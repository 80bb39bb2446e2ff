// The standalone stack (docs/DESIGN.md, standalone mode): a sequencer, a provider and a witness inside this
// workstation, each with its own key and folder under `<data>/standalone/`, labelled everywhere as having no
// independent parties. It is built only from the real parts: app/ledger's Sequencer and rules (every entry is
// validated by the same state machine as on a ledger node), app/provider's ObjectStore and Countersigner, and
// app/witness's Witness run in process (standalone-witness.ts; c2sp.org/tlog-witness, "add-checkpoint": the witness
// verifies the new checkpoint extends the one it cosigned before).
import { TRUST_BUNDLE_FILE, bundleFromGenesis, trustBundleBytes } from '../../trust/bundle';
import { mkdir, readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { nodeVerifier } from '../../crypto/bulk-verify';
import { fromHex, toHex } from '../../crypto/encoding';
import { addSignature, signRecord, type SignedRecord } from '../../crypto/envelope';
import { canonicalJson } from '../../crypto/record-digest';
import { generatePrivateKey } from '../../crypto/secp256k1';
import { signerFromPrivateKey, type DisposableSigner, type Signer } from '../../crypto/signer';
import { utf8Decode } from '../../ledger/bytes';
import type { PublishedCheckpoint } from '../../ledger/log';
import { parseNote, parseSignerKey, type NoteKeyPair, generateNoteKey } from '../../ledger/note';
import { adminRole, DEFAULT_MAX_UPLOAD_SECONDS, LedgerState, type AppliedEntry } from '../../ledger/rules';
import { Sequencer, type Accepted } from '../../ledger/sequencer';
import { FsLogDriver } from '../../ledger/storage/fs';
import { consistencyProofFromTiles } from '../../ledger/tiles';
import { Countersigner } from '../../provider/countersign';
import type { Member, MemberDirectory } from '../../provider/members';
import { ObjectStore } from '../../provider/store';
import { checkPolicy, generateCosignerKey, parsePolicy, type ParsedPolicy } from '../../witness/cosignature';
import type { MemberRole } from '../../records/schemas';
import { writeFileAtomic } from '../../fs/atomic';
import type { HostLogger } from '../dispatch';
import { HostError } from '../errors';
import { forkText, witnessPeers, type CheckpointSeen, type CurrentCheckpoint, type LedgerBackend, type LocalCopy, type OfficerKey, type Peers, type SyncView } from './backend';
import { LocalProvider, localLedger } from '../../deposit/local';
import type { DepositPorts } from './deposit-flow';
import { cosignWith, openStandaloneWitness } from './standalone-witness';
import type { Witness } from '../../witness/witness';
import type { LedgerStatus } from '../../contract/api';

export const STANDALONE_DIR = 'standalone';

/** Private state files: owner-only, each write replacing the last. */
const REPLACE = { mode: 0o600, overwrite: true } as const;

/** The keys of the standalone parties: kept in one 0600 file, never sent anywhere. */
interface KeysFile {
  version: 1;
  origin: string;
  admin: string;
  provider: string;
  logSkey: string;
  witnessSkey: string;
  witnessVkey: string;
}

export type { CheckpointSeen, LocalCopy };

export class StandaloneStack implements LedgerBackend {
  readonly kind = 'standalone' as const;
  readonly state = new LedgerState();
  /** Every entry of the log in index order, as validated by the rules in this process. */
  readonly entries: Uint8Array[] = [];
  readonly applied: AppliedEntry[] = [];
  checkpoints: CheckpointSeen[] = [];
  localCopies = new Map<string, LocalCopy>();
  private cosigning: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly origin: string,
    readonly admin: DisposableSigner,
    readonly provider: DisposableSigner,
    readonly logKey: NoteKeyPair,
    readonly witness: Witness,
    readonly witnessName: string,
    readonly policy: ParsedPolicy,
    readonly driver: FsLogDriver,
    readonly store: ObjectStore,
    private readonly log: HostLogger,
    private readonly onChange: () => void,
  ) {}

  // The sequencer and countersigner are set once in open(); the constructor cannot await them.
  sequencer!: Sequencer;
  countersigner!: Countersigner;

  static async open(dataDir: string, log: HostLogger, onChange: () => void): Promise<StandaloneStack> {
    const dir = join(dataDir, STANDALONE_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const keys = await loadOrCreateKeys(dir);
    const logKey = parseSignerKey(keys.logSkey);
    const witnessName = keys.witnessVkey.split('+')[0] ?? 'witness';
    const witness = await openStandaloneWitness(dir, { origin: keys.origin, logKey, witnessSkey: keys.witnessSkey, witnessVkey: keys.witnessVkey });
    const policy = parsePolicy({ quorum: 1, witnesses: [{ name: witnessName, vkey: keys.witnessVkey }] });
    const driver = new FsLogDriver(join(dir, 'log'), join(dir, 'journal'));
    const store = await ObjectStore.open(join(dir, 'provider'));
    const stack = new StandaloneStack(
      dir,
      keys.origin,
      signerFromPrivateKey(fromHex(keys.admin)),
      signerFromPrivateKey(fromHex(keys.provider)),
      logKey,
      witness,
      witnessName,
      policy,
      driver,
      store,
      log,
      onChange,
    );
    stack.checkpoints = await readJson<CheckpointSeen[]>(join(dir, 'checkpoints.json'), []);
    stack.localCopies = new Map(Object.entries(await readJson<Record<string, LocalCopy>>(join(dir, 'local-copies.json'), {})));
    stack.sequencer = await Sequencer.open({
      driver,
      origin: keys.origin,
      key: logKey,
      batchMs: 150,
      validator: {
        apply: (e) => {
          stack.applied.push(stack.state.apply(e, { verifier: nodeVerifier }));
          stack.entries.push(e);
        },
      },
      onCheckpoint: (published) => stack.queueCosign(published),
      onError: (err) => log.error('standalone ledger: background work failed', err),
    });
    stack.countersigner = await Countersigner.open({
      dir: join(dir, 'receipts'),
      store,
      signer: stack.provider,
      directory: stack.directory(),
      maxClockSkewMs: 300_000,
      maxUploadMs: DEFAULT_MAX_UPLOAD_SECONDS * 1000,
      origin: keys.origin,
    });
    if (stack.state.size === 0) await stack.bootstrap();
    // The trust bundle its genesis describes, beside the log (as `evidence node init` writes it).
    if (stack.state.genesis) await writeFileAtomic(join(dir, TRUST_BUNDLE_FILE), trustBundleBytes(bundleFromGenesis(stack.state.genesis)), { mode: 0o644, overwrite: true });
    return stack;
  }

  /** Genesis (the standalone admin, one witness, quorum 1) and the provider's enrolment. */
  private async bootstrap(): Promise<void> {
    const genesis = signRecord(
      {
        type: 'genesis',
        v: 1,
        origin: this.origin,
        id: randomId('genesis'),
        time: new Date().toISOString(),
        network: 'Standalone workstation — no independent parties',
        admins: [{ keyId: this.admin.keyId, publicKey: this.admin.publicKey, name: 'Standalone ledger administrator' }],
        adminQuorum: 1,
        witnessPolicy: { quorum: 1, witnesses: [{ name: this.witnessName, vkey: this.witness.vkey }] },
        logKey: this.logKey.vkey,
        maxClockSkewSeconds: 300,
        // The trust bundle (app/trust/bundle.ts): this computer's provider, and self-witnessed, said everywhere.
        trust: { providers: [{ keyId: this.provider.keyId, publicKey: this.provider.publicKey, name: 'Standalone provider (this computer)' }], selfWitnessed: true },
      },
      adminRole(0),
      this.admin,
    );
    await this.submit(genesis);
    await this.enroll({ keyId: this.provider.keyId, publicKey: this.provider.publicKey, name: 'Standalone provider (this computer)', badge: '', role: 'provider' });
    await this.settle();
  }

  /** The provider's view of membership: the ledger's own (enrolled by log order, revoked when logged). */
  member(keyId: string): Member | undefined {
    const m = this.state.members.get(keyId);
    if (!m) return undefined;
    return { keyId: m.keyId, publicKey: m.publicKey, role: m.role, name: m.name, enrolled: true, revoked: m.revokedAt !== undefined };
  }

  directory(): MemberDirectory {
    return { lookup: (keyId: string) => this.member(keyId) };
  }

  /** Enrols a member, signed by the standalone admin (quorum 1). */
  async enroll(member: { keyId: string; publicKey: string; name: string; badge: string; role: MemberRole }): Promise<Accepted> {
    return this.submit(
      signRecord(
        { type: 'member.enroll', v: 1, origin: this.origin, id: randomId('enroll'), time: new Date().toISOString(), member },
        adminRole(0),
        this.admin,
      ),
    );
  }

  /** Validates (rules), journals durably and returns the inclusion promise's index. */
  submit(envelope: SignedRecord): Promise<Accepted> {
    return this.sequencer.submit(new TextEncoder().encode(canonicalJson(envelope)));
  }

  /** Integrates what is pending now and waits until the witness has cosigned the resulting checkpoint. */
  async settle(): Promise<void> {
    await this.sequencer.integrate();
    await this.cosigning;
  }

  /** Integrates what is pending; entry `index` must then be under a checkpoint the witness cosigned. */
  async waitFor(index: number): Promise<void> {
    await this.settle();
    const cp = await this.currentCheckpoint();
    if (!cp.final || cp.size <= index) throw new HostError('NOT_WITNESSED', `Entry ${index} is recorded but no final checkpoint covers it yet. It will be witnessed with the next checkpoint.`, { params: { index: String(index) } });
  }

  notVerified(): HostError {
    return new HostError('LEDGER_NOT_VERIFIED', 'The ledger has not been verified yet.');
  }

  get journalDir(): string {
    return join(this.dir, 'deposits');
  }

  /**
   * The in-process provider (uploads staged resumably under staging/, then adopted into the store) and the
   * in-process sequencer, whose checkpoint is read once the witness has cosigned what is pending.
   */
  depositPorts(_depositor: Signer, _sha256: string, _signal: AbortSignal): Promise<DepositPorts> {
    return Promise.resolve({
      provider: new LocalProvider(this.store, this.countersigner, this.directory(), join(this.dir, 'staging'), join(this.dir, 'provider')),
      node: localLedger({
        where: join(this.dir, 'log'),
        submit: (entry) => this.sequencer.submit(entry),
        checkpoint: async () => {
          await this.settle();
          return utf8Decode(await this.driver.get('checkpoint'));
        },
        tiles: this.driver,
      }),
      pinned: { logKey: this.logKey.vkey, witnessPolicy: { quorum: this.policy.quorum, witnesses: [{ name: this.witnessName, vkey: this.witness.vkey }] }, providerKey: this.provider.keyId },
      providerName: this.member(this.provider.keyId)?.name ?? 'provider',
      journalDir: this.journalDir,
      receiptsDir: join(this.dir, 'evidence-receipts'),
    });
  }

  private queueCosign(published: PublishedCheckpoint): Promise<void> {
    const run = this.cosigning.then(() => this.cosign(published));
    this.cosigning = run.catch((err: unknown) => this.log.error('standalone witness: cosigning failed', err));
    return run;
  }

  /**
   * Has the in-process witness (app/witness, standalone-witness.ts) cosign the checkpoint after its own checks
   * (log signature, old size, consistency with the checkpoint it cosigned before; persisted before it answers),
   * and publishes the cosigned note.
   */
  private async cosign(published: PublishedCheckpoint): Promise<void> {
    const cosigned = await cosignWith(this.witness, published.note, (a, b) => consistencyProofFromTiles(this.driver, a, b));
    const ok = await this.sequencer.addCosignatures(cosigned);
    if (ok) {
      const cp = published.checkpoint;
      this.checkpoints.push({ size: cp.size, root: toHex(cp.root), time: new Date().toISOString(), cosigners: [this.witnessName], final: true, body: parseNote(published.note).text });
      await writeFileAtomic(join(this.dir, 'checkpoints.json'), JSON.stringify(this.checkpoints), REPLACE);
    }
    this.onChange();
  }

  /** The current checkpoint as published, checked against the log key and the witness policy. */
  async currentCheckpoint(): Promise<CurrentCheckpoint> {
    const note = utf8Decode(await this.driver.get('checkpoint'));
    const r = checkPolicy(note, this.logKey.verifier, this.policy, this.origin);
    return { note, size: r.checkpoint.size, root: r.checkpoint.root, cosigners: r.cosigners, final: r.final };
  }

  async rememberLocalCopy(exhibitId: string, copy: LocalCopy): Promise<void> {
    this.localCopies.set(exhibitId, copy);
    await writeFileAtomic(join(this.dir, 'local-copies.json'), JSON.stringify(Object.fromEntries(this.localCopies)), REPLACE);
  }

  addProviderSignature(envelope: SignedRecord): SignedRecord {
    return addSignature(envelope, 'provider', this.provider);
  }

  async close(): Promise<void> {
    await this.sequencer.close();
    await this.cosigning;
  }

  // ---- LedgerBackend ------------------------------------------------------------------------------------------

  get tiles(): FsLogDriver {
    return this.driver;
  }

  get ledgerFolder(): string {
    return join(this.dir, 'log');
  }

  checkpointList(): CheckpointSeen[] {
    return this.checkpoints.map((c) => ({ ...c }));
  }

  /** Standalone: the standalone administrator enrols the officer on first use (an officer role; else investigator). */
  async ensureEnrolled(info: OfficerKey): Promise<void> {
    if (this.state.activeMember(info.keyId)) return;
    const role = (OFFICER_ROLES as readonly string[]).includes(info.role) ? (info.role as MemberRole) : 'investigator';
    await this.enroll({ keyId: info.keyId, publicKey: info.publicKey, name: info.name, badge: info.badge, role }).catch((err: unknown) => {
      throw new HostError('LEDGER_REFUSED', `The ledger refused to enrol ${info.name}: ${(err as Error).message}. Nothing was recorded.`, { cause: err, params: { problem: (err as Error).message } });
    });
    await this.settle();
  }

  async providerCheck(sha256: string, requester: Member, build: (providerResult: SignedRecord) => SignedRecord): Promise<SignedRecord> {
    const providerResult = await this.countersigner.verifyObject(sha256, requester, this.origin);
    return this.addProviderSignature(build(providerResult));
  }

  peers(cp: CurrentCheckpoint | null): Peers {
    if (!cp) return [];
    return [
      { name: 'sequencer', role: 'ledger', url: null, local: true, state: 'online', amount: cp.size },
      { name: 'provider', role: 'provider', url: null, local: true, state: 'online', amount: this.store.usedBytes },
      ...witnessPeers(this.policy, cp, true),
    ];
  }

  sync(): SyncView {
    return { state: 'local', size: this.entries.length, target: null, detail: null, reason: null, checkedAt: null };
  }

  /** Fork evidence the witness kept (two log-signed checkpoints that cannot both be true). */
  async forks(): Promise<LedgerStatus['forks']> {
    return (await this.witness.forks.list()).map((f) => ({ message: `${f.reason} (source ${f.source})`, detectedAt: f.detectedAt, reason: forkText(f) }));
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}

const OFFICER_ROLES: readonly MemberRole[] = ['investigator', 'custodian', 'supervisor', 'admin'];

async function loadOrCreateKeys(dir: string): Promise<KeysFile> {
  const path = join(dir, 'keys.json');
  const existing = await readJson<KeysFile | null>(path, null);
  if (existing) return existing;
  const tag = randomBytes(4).toString('hex');
  const origin = `standalone-${tag}.evidence-ledger.local`;
  const logKey = generateNoteKey(origin);
  const witness = generateCosignerKey(`witness-${tag}.standalone.local`);
  const keys: KeysFile = {
    version: 1,
    origin,
    admin: toHex(generatePrivateKey()),
    provider: toHex(generatePrivateKey()),
    logSkey: logKey.skey,
    witnessSkey: witness.skey,
    witnessVkey: witness.vkey,
  };
  await writeFileAtomic(path, JSON.stringify(keys), REPLACE);
  return keys;
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
  return JSON.parse(text) as T;
}

export function randomId(kind: string): string {
  return `${kind}-${randomBytes(12).toString('hex')}`;
}

export function entryText(entry: Uint8Array): string {
  return utf8Decode(entry);
}
