// Cases and their exhibits as the verified ledger holds them: the list (with a search), opening a case (a
// `case.open` record signed by the investigator), and a case's exhibits with their current holder.
import type { CaseSummary, ExhibitSummary, ParsedArgs } from '../../contract/api';
import { signRecord } from '../../crypto/envelope';
import { HostError } from '../errors';
import { refused, type LedgerAccess } from './ledger-access';
import { randomId } from './standalone';

export class CaseService {
  constructor(private readonly access: LedgerAccess) {}

  async list(search?: string): Promise<CaseSummary[]> {
    const s = await this.access.backend();
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
        openedBy: this.access.person(s, c.openedBy),
        index: c.openedAt,
        exhibits: [...s.state.exhibits.values()].filter((e) => e.caseId === c.caseId).length,
      };
      const hay = `${summary.caseId}\n${summary.title}\n${summary.agency}\n${summary.description}`.toLowerCase();
      if (q === '' || hay.includes(q)) out.push(summary);
    }
    return out.sort((a, b) => b.index - a.index);
  }

  async open(a: ParsedArgs<'cases.open'>): Promise<CaseSummary> {
    const s = await this.access.backend();
    const { signer } = await this.access.officer(s);
    const envelope = signRecord(
      { type: 'case.open', v: 1, origin: s.origin, id: randomId('case'), time: new Date().toISOString(), caseId: a.caseId, title: a.title, agency: a.agency, description: a.description },
      'investigator',
      signer,
    );
    await s.submit(envelope).catch((err: unknown) => {
      throw refused(err, `to open case ${a.caseId}`);
    });
    await s.settle();
    const found = (await this.list()).find((c) => c.caseId === a.caseId);
    if (!found) throw new HostError('LEDGER_RECORD_MISSING', `Case ${a.caseId} was submitted but is not in the ledger. Nothing else was recorded.`, { params: { what: a.caseId } });
    return found;
  }

  async exhibits(caseId: string): Promise<ExhibitSummary[]> {
    const s = await this.access.backend();
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
          holder: this.access.person(s, e.holder),
          disposed: e.disposedAt !== undefined,
        };
      })
      .sort((a, b) => a.index - b.index);
  }
}
