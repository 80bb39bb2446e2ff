// Custody and integrity: re-checking an exhibit's hash (the local copy, and the provider's copy re-hashed by the
// provider and countersigned) as `integrity.check` records, and transferring custody from the holder to another
// officer (a `custody.transfer` record signed by both, each with their own passphrase).
import type { ParsedArgs, TimelineEvent } from '../../contract/api';
import { addSignature, signRecord } from '../../crypto/envelope';
import { hashFile } from '../../provider/store';
import { HostError } from '../errors';
import { refused, type LedgerAccess } from './ledger-access';
import { randomId } from './standalone';
import type { TimelineService } from './timeline';

export class CustodyService {
  constructor(
    private readonly access: LedgerAccess,
    private readonly timeline: TimelineService,
  ) {}

  async verifyNow(exhibitId: string): Promise<TimelineEvent[]> {
    const s = await this.access.backend();
    const { info, signer } = await this.access.officer(s);
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
    this.access.changed();
    const events = await this.timeline.events((e) => e.exhibitId === exhibitId);
    return events.filter((e) => indexes.includes(e.index));
  }

  async transfer(a: ParsedArgs<'custody.transfer'>): Promise<TimelineEvent> {
    const s = await this.access.backend();
    const { info } = await this.access.officer(s);
    const ex = s.state.exhibits.get(a.exhibitId);
    if (!ex) throw new HostError('EXHIBIT_NOT_FOUND', `There is no exhibit ${a.exhibitId} in the ledger.`, { params: { exhibitId: a.exhibitId } });
    if (ex.holder !== info.keyId) {
      throw new HostError('NOT_HOLDER', `${info.name} does not hold exhibit ${a.exhibitId}; ${this.access.person(s, ex.holder).name} does. The holder must unlock the workstation to release it.`, {
        params: { name: info.name, exhibitId: a.exhibitId, holder: this.access.person(s, ex.holder).name },
      });
    }
    if (a.to === info.keyId) throw new HostError('SAME_OFFICER', 'The receiving officer must be someone else than the releasing officer.');
    const releasing = await this.access.reauthenticate(info.keyId, a.releasingPassphrase);
    const receiving = await this.access.reauthenticate(a.to, a.receivingPassphrase).catch((err: unknown) => {
      releasing.dispose();
      throw err;
    });
    try {
      const receiverInfo = (await this.access.identity.list()).find((i) => i.keyId === a.to);
      if (receiverInfo) await s.ensureEnrolled(receiverInfo);
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
      this.access.changed();
      const event = (await this.timeline.events((e) => e.exhibitId === a.exhibitId)).find((e) => e.index === accepted.index);
      if (!event) throw new HostError('LEDGER_RECORD_MISSING', `The transfer was accepted as entry ${accepted.index} but is not in the ledger.`, { params: { what: `#${accepted.index}` } });
      return event;
    } finally {
      releasing.dispose();
      receiving.dispose();
    }
  }
}
