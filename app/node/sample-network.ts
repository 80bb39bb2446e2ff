// A sample network (fresh keys) that produces valid, signed, realistic records of every type, in an order the
// rules accept: for `evidence log seed`, demos, tests and benchmarks. Every signature is a real one made by
// app/crypto; nothing here bypasses the rules (the seed command replays what it writes).
import { addSignature, signRecord, type SignedRecord } from '../crypto/envelope';
import { recordDigest } from '../crypto/record-digest';
import { type DisposableSigner, generateSigner } from '../crypto/signer';
import { toHex } from '../crypto/encoding';
import { type MemberRole, depositionRequestRecord } from '../records/schemas';
import { generateNoteKey, type NoteKeyPair, SIG_COSIGNATURE_V1 } from '../ledger/note';
import { adminRole } from '../ledger/rules';
import { rng } from '../common/rng';

export interface SampleMember {
  signer: DisposableSigner;
  name: string;
  badge: string;
  role: MemberRole;
}

const FIRST = ['Li', 'Wang', 'Zhang', 'Liu', 'Chen', 'Anna', 'James', 'Maria', 'Omar', 'Sofia', 'Kenji', 'Priya'];
const LAST = ['Wei', 'Fang', 'Jun', 'Schmidt', 'Okafor', 'Rossi', 'Tanaka', 'Novak', 'Silva', 'Haddad'];
const CRIMES = ['Fraud', 'Burglary', 'Cyber intrusion', 'Smuggling', 'Counterfeiting', 'Extortion', 'Money laundering'];
const PLACES = ['Pudong warehouse', '12 Harbour Rd', 'Flat 4B, Elm Court', 'Terminal 2 arrivals', 'Office suite 1203'];
const ITEMS: Array<[string, number]> = [
  ['iphone-extraction.ufdr', 8_589_934_592],
  ['laptop-disk.E01', 256_060_514_304],
  ['cctv-cam3.mp4', 1_879_048_192],
  ['invoice-scan.pdf', 2_457_600],
  ['usb-stick.dd', 32_010_928_128],
  ['photos.zip', 734_003_200],
];

export interface SampleOptions {
  origin: string;
  seed?: number;
  admins?: number;
  adminQuorum?: number;
  /** Witnesses named in the genesis witness policy (their cosigning keys are returned). */
  witnesses?: number;
  /** Clock for record times (default: a fixed start advancing one minute per record). */
  start?: Date;
}

/** A standalone network: admins, officers, a provider, the log key and witness keys, all fresh. */
export class SampleNetwork {
  readonly origin: string;
  readonly logKey: NoteKeyPair;
  readonly witnessKeys: NoteKeyPair[];
  readonly admins: SampleMember[];
  readonly adminQuorum: number;
  readonly officers: SampleMember[] = [];
  readonly supervisors: SampleMember[] = [];
  readonly providers: SampleMember[] = [];
  private readonly rand: () => number;
  private clock: number;
  private counter = 0;
  private caseIds: string[] = [];
  private exhibits: Array<{ exhibitId: string; holder: SampleMember; objects: Array<{ sha256: string; size: number }>; disposed: boolean }> = [];
  private pendingMembers: SampleMember[] = [];

  constructor(opts: SampleOptions) {
    this.origin = opts.origin;
    this.rand = rng(opts.seed ?? 1);
    this.clock = (opts.start ?? new Date('2026-11-27T08:00:00.000Z')).getTime();
    this.logKey = generateNoteKey(opts.origin);
    this.witnessKeys = Array.from({ length: opts.witnesses ?? 3 }, (_, i) => generateNoteKey(`witness-${i + 1}.${opts.origin}`, SIG_COSIGNATURE_V1));
    this.admins = Array.from({ length: opts.admins ?? 3 }, () => this.person('admin'));
    this.adminQuorum = opts.adminQuorum ?? Math.min(2, this.admins.length);
    for (let i = 0; i < 4; i++) this.pendingMembers.push(this.person('investigator'));
    for (let i = 0; i < 2; i++) this.pendingMembers.push(this.person('custodian'));
    this.pendingMembers.push(this.person('supervisor'));
    this.pendingMembers.push(this.person('provider'));
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)]!;
  }

  private person(role: MemberRole): SampleMember {
    const name = role === 'provider' ? `Cloud Evidence Store ${this.pendingMembers.length + 1}` : `${this.pick(FIRST)} ${this.pick(LAST)}`;
    return { signer: generateSigner(), name, badge: role === 'provider' ? '' : `PB-${1000 + Math.floor(this.rand() * 9000)}`, role };
  }

  private now(stepSeconds = 60): string {
    this.clock += stepSeconds * 1000;
    return new Date(this.clock).toISOString();
  }

  private id(kind: string): string {
    this.counter++;
    const r = Math.floor(this.rand() * 0xffffffff).toString(16).padStart(8, '0');
    return `${kind}-${this.counter.toString().padStart(7, '0')}-${r}`;
  }

  private hash(): string {
    let h = '';
    for (let i = 0; i < 8; i++) h += Math.floor(this.rand() * 0xffffffff).toString(16).padStart(8, '0');
    return h;
  }

  /** The genesis record signed by every admin. */
  genesis(): SignedRecord {
    const record = {
      type: 'genesis', v: 1, origin: this.origin, id: this.id('genesis'), time: this.now(),
      network: `${this.origin} evidence network`,
      admins: this.admins.map((a) => ({ keyId: a.signer.keyId, publicKey: a.signer.publicKey, name: a.name })),
      adminQuorum: this.adminQuorum,
      witnessPolicy: {
        quorum: Math.min(2, this.witnessKeys.length),
        witnesses: this.witnessKeys.map((w) => ({ name: w.verifier.name, vkey: w.vkey })),
      },
      logKey: this.logKey.vkey,
      maxClockSkewSeconds: 300,
    };
    return this.adminSign(record, this.admins);
  }

  private adminSign(record: { type: string } & Record<string, unknown>, admins: SampleMember[]): SignedRecord {
    let env = signRecord(record as never, adminRole(0), admins[0]!.signer) as SignedRecord;
    for (let i = 1; i < admins.length; i++) env = addSignature(env, adminRole(i), admins[i]!.signer);
    return env;
  }

  /** The next record in a realistic sequence (enrolments first, then cases, depositions and custody events). */
  next(): SignedRecord {
    const member = this.pendingMembers.shift();
    if (member) return this.enroll(member);
    const officers = this.officers;
    const roll = this.rand();
    if (this.caseIds.length === 0 || roll < 0.08) return this.caseOpen(this.pick(officers.filter((o) => o.role === 'investigator')));
    const live = this.exhibits.filter((e) => !e.disposed);
    if (live.length < 3 || roll < 0.45) return this.deposition(this.pick(officers));
    const ex = this.pick(live);
    if (roll < 0.65) return this.transfer(ex);
    if (roll < 0.8) return this.integrity(ex);
    if (roll < 0.97) return this.access(ex);
    return this.dispose(ex);
  }

  private last(): (typeof this.exhibits)[number] {
    const ex = this.exhibits.filter((e) => !e.disposed).at(-1);
    if (!ex) throw new RangeError('no live exhibit yet: make a deposition first');
    return ex;
  }
  /** Custody events on the most recent live exhibit (tests). */
  transferLast(): SignedRecord {
    return this.transfer(this.last());
  }
  integrityLast(): SignedRecord {
    return this.integrity(this.last());
  }
  accessLast(): SignedRecord {
    return this.access(this.last());
  }
  disposeLast(): SignedRecord {
    return this.dispose(this.last());
  }

  enroll(m: SampleMember): SignedRecord {
    const record = {
      type: 'member.enroll', v: 1, origin: this.origin, id: this.id('enroll'), time: this.now(),
      member: { keyId: m.signer.keyId, publicKey: m.signer.publicKey, name: m.name, badge: m.badge, role: m.role },
    };
    const env = this.adminSign(record, this.admins.slice(0, this.adminQuorum));
    if (m.role === 'provider') this.providers.push(m);
    else if (m.role === 'supervisor') this.supervisors.push(m);
    if (m.role !== 'provider') this.officers.push(m);
    return env;
  }

  caseOpen(inv: SampleMember): SignedRecord {
    const caseId = `CASE-2026-${(this.caseIds.length + 1).toString().padStart(5, '0')}`;
    this.caseIds.push(caseId);
    const crime = this.pick(CRIMES);
    return signRecord({
      type: 'case.open', v: 1, origin: this.origin, id: this.id('case'), time: this.now(),
      caseId, title: `${crime} — ${this.pick(PLACES)}`, agency: 'Metropolitan Police Cyber Unit',
      description: `Investigation into ${crime.toLowerCase()} reported on ${new Date(this.clock).toISOString().slice(0, 10)}.`,
    }, 'investigator', inv.signer) as SignedRecord;
  }

  deposition(depositor: SampleMember): SignedRecord {
    const provider = this.providers[0]!;
    const caseId = this.pick(this.caseIds);
    const exhibitId = `EX-${(this.exhibits.length + 1).toString().padStart(6, '0')}`;
    const folder = this.rand() < 0.2;
    const n = folder ? 1 : 1 + Math.floor(this.rand() * 2);
    const objects = Array.from({ length: n }, () => {
      const [name, size] = this.pick(ITEMS);
      return { name, size: size + Math.floor(this.rand() * 1000), sha256: this.hash() };
    });
    if (folder) objects[0]!.name = 'manifest.json';
    const requestedAt = this.now();
    const id = this.id('depo');
    const request = {
      caseId, exhibitId, depositor: depositor.signer.keyId, requestedAt, objects,
      kind: folder ? 'folder' : 'file',
      ...(folder ? { manifestSha256: objects[0]!.sha256 } : {}),
      metadata: { description: `Exhibit ${exhibitId} seized for ${caseId}`, seizedAt: requestedAt, seizedPlace: this.pick(PLACES), seizedBy: depositor.name },
    };
    const requestDigest = toHex(recordDigest(depositionRequestRecord({ origin: this.origin, id, request })));
    const storedAt = this.now(120);
    const record = {
      type: 'deposition', v: 1, origin: this.origin, id, time: storedAt, caseId, exhibitId, request,
      receipt: { provider: provider.signer.keyId, requestDigest, objects: objects.map((o) => ({ sha256: o.sha256, size: o.size })), storedAt },
    };
    const env = addSignature(signRecord(record as never, 'provider', provider.signer) as SignedRecord, 'depositor', depositor.signer);
    this.exhibits.push({ exhibitId, holder: depositor, objects: record.receipt.objects, disposed: false });
    return env;
  }

  transfer(ex: (typeof this.exhibits)[number]): SignedRecord {
    const to = this.pick(this.officers.filter((o) => o !== ex.holder));
    const env = addSignature(signRecord({
      type: 'custody.transfer', v: 1, origin: this.origin, id: this.id('xfer'), time: this.now(),
      exhibitId: ex.exhibitId, from: ex.holder.signer.keyId, to: to.signer.keyId,
      purpose: this.pick(['forensic analysis', 'secure storage', 'court presentation', 'lab imaging']),
      location: this.pick(PLACES),
    } as never, 'releasing', ex.holder.signer) as SignedRecord, 'receiving', to.signer);
    ex.holder = to;
    return env;
  }

  integrity(ex: (typeof this.exhibits)[number]): SignedRecord {
    const checker = this.pick(this.officers);
    const o = ex.objects[0]!;
    const scope = this.rand() < 0.5 ? 'provider' : 'local';
    const env = signRecord({
      type: 'integrity.check', v: 1, origin: this.origin, id: this.id('check'), time: this.now(),
      exhibitId: ex.exhibitId, checker: checker.signer.keyId, scope, result: 'match', observed: { sha256: o.sha256, size: o.size },
    } as never, 'checker', checker.signer) as SignedRecord;
    return scope === 'provider' ? addSignature(env, 'provider', this.providers[0]!.signer) : env;
  }

  access(ex: (typeof this.exhibits)[number]): SignedRecord {
    const accessor = this.pick(this.officers);
    return signRecord({
      type: 'access', v: 1, origin: this.origin, id: this.id('access'), time: this.now(),
      exhibitId: ex.exhibitId, accessor: accessor.signer.keyId, purpose: this.pick(['review by prosecutor', 'defence disclosure', 'analysis'] as const),
    } as never, 'accessor', accessor.signer) as SignedRecord;
  }

  dispose(ex: (typeof this.exhibits)[number]): SignedRecord {
    const sup = this.supervisors[0]!;
    const witness = this.pick(this.officers.filter((o) => o !== sup));
    const env = addSignature(signRecord({
      type: 'disposition', v: 1, origin: this.origin, id: this.id('dispose'), time: this.now(),
      exhibitId: ex.exhibitId, method: this.pick(['returned to owner', 'secure deletion', 'archived per retention order']),
      authorisedBy: sup.signer.keyId, witnessOfficer: witness.signer.keyId,
    } as never, 'supervisor', sup.signer) as SignedRecord, 'witness-officer', witness.signer);
    ex.disposed = true;
    return env;
  }
}
