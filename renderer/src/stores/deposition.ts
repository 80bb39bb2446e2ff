// The deposition wizard's pure parts: the request made from a draft's rows, and the step the wizard shows.
import type { DepositionProgress, WorkstationApi } from '../../../app/contract/api';
import type { DraftItem } from '../workspace/db';

type DepositItem = Parameters<WorkstationApi['deposit']['start']>[0]['items'][number];

/** A draft's rows as the exhibits `deposit.start` takes: numbers trimmed, metadata fields left out when empty. */
export function depositItems(items: readonly DraftItem[]): DepositItem[] {
  return items.map((i) => ({
    exhibitId: i.exhibitId.trim(),
    path: i.path,
    name: i.name,
    size: i.size ?? 0,
    sha256: i.sha256 ?? '',
    metadata: {
      description: i.description,
      ...(i.seizedAt ? { seizedAt: i.seizedAt } : {}),
      ...(i.seizedPlace ? { seizedPlace: i.seizedPlace } : {}),
      ...(i.seizedBy ? { seizedBy: i.seizedBy } : {}),
      ...(i.notes ? { notes: i.notes } : {}),
    },
  }));
}

const ORDER = ['signed', 'uploading', 'countersigned', 'recorded', 'witnessed'] as const;
type Step = (typeof ORDER)[number];

/** The wizard's step index (0 review, 1 sign, 2 upload, 3 countersigned, 4 recorded, 5 witnessed, 6 done). */
export function wizardStep(progress: DepositionProgress[], count: number): number {
  if (progress.length < count) return progress.length === 0 ? 1 : 2;
  const rank = (s: DepositionProgress['step']) => (s === 'failed' ? -1 : ORDER.indexOf(s as Step));
  const lowest = Math.min(...progress.map((p) => rank(p.step)));
  if (lowest < 0) return 2;
  // signed/uploading → 2, countersigned → 3, recorded → 4, witnessed → 6 (all done)
  return lowest <= 1 ? 2 : lowest === 2 ? 3 : lowest === 3 ? 4 : 6;
}
