// For the stores' tests only: a timeline event with the fields the stores read.
import type { TimelineEvent } from '../../../app/contract/api';

export const timelineEvent = (index: number, exhibitId: string | null, verdict: TimelineEvent['verdict']): TimelineEvent => ({
  index,
  type: exhibitId ? 'deposition' : 'case.open',
  time: '2026-11-27T10:00:00Z',
  caseId: 'C',
  exhibitId,
  facts: {},
  signers: [],
  checks: { signatures: { ok: true }, enrolled: { ok: true }, included: { ok: true }, hash: { ok: true } },
  verdict,
  reason: null,
  entry: '{}',
  proof: null,
}) as unknown as TimelineEvent;
