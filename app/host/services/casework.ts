// The casework the investigator does on the ledger, as the host's contract methods: cases (cases.ts),
// depositions (deposits.ts), custody transfers and integrity checks (custody.ts), the verified custody timeline
// (timeline.ts), and the ledger's status, blocks and index (ledger-status.ts). Each is a small service over one
// shared LedgerAccess (ledger-access.ts): the ledger of the chosen mode behind the LedgerBackend interface
// (backend.ts) and the officer who signs.
//
// Every verdict returned to the UI is computed in this session from the ledger's own verified data: signatures
// re-verified over the record digest, each signer's enrolment judged by log order, inclusion proven from the
// tiles against the current checkpoint (log key + witness policy), and the latest hash re-check.
import type { Service, Settings } from '../../contract/api';
import type { HostLogger } from '../dispatch';
import type { IdentityService } from '../identity';
import { CaseService } from './cases';
import { CustodyService } from './custody';
import { DepositService } from './deposits';
import { LedgerAccess, type Emit } from './ledger-access';
import { LedgerStatusService } from './ledger-status';
import type { NetworkTuning } from './network';
import { TimelineService } from './timeline';

export type CaseworkMethods = Pick<
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

/** The casework services over one ledger access, as the host's contract methods. */
export class CaseworkService {
  private readonly access: LedgerAccess;
  private readonly status: LedgerStatusService;
  private readonly cases: CaseService;
  private readonly timeline: TimelineService;
  private readonly deposits: DepositService;
  private readonly custody: CustodyService;

  constructor(dataDir: string, identity: IdentityService, settings: () => Settings, emit: Emit, log: HostLogger, tuning: NetworkTuning = {}) {
    this.access = new LedgerAccess(dataDir, identity, settings, emit, log, () => void this.status.announce(), tuning);
    this.status = new LedgerStatusService(this.access);
    this.cases = new CaseService(this.access);
    this.timeline = new TimelineService(this.access);
    this.deposits = new DepositService(this.access);
    this.custody = new CustodyService(this.access, this.timeline);
  }

  /** The verified ledger's tile folder, for reports (generated from the ledger alone). */
  async ledgerFolder(): Promise<string> {
    return (await this.access.backend()).ledgerFolder;
  }

  close(): Promise<void> {
    return this.access.close();
  }

  methods(): CaseworkMethods {
    return {
      'ledger.status': () => this.status.status(),
      'ledger.checkpoints': () => this.status.checkpoints(),
      'ledger.index': (a) => this.status.index(a.since, a.limit ?? 2000),
      'cases.list': (a) => this.cases.list(a.search),
      'cases.open': (a) => this.cases.open(a),
      'cases.exhibits': (a) => this.cases.exhibits(a.caseId),
      'deposit.start': (a) => this.deposits.start(a),
      'timeline.case': (a) => this.timeline.events((e) => e.caseId === a.caseId),
      'timeline.exhibit': (a) => this.timeline.events((e) => e.exhibitId === a.exhibitId),
      'integrity.verify': (a) => this.custody.verifyNow(a.exhibitId),
      'custody.transfer': (a) => this.custody.transfer(a),
    };
  }
}
