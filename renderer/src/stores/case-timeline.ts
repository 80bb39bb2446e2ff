// A case's timeline, pure: one verdict for a set of events, and the events grouped by exhibit once (a case of
// thousands of exhibits filtered the whole timeline per row).
import type { TimelineEvent } from '../../../app/contract/api';

/** Red if any event failed, blue while any awaits witnesses, green when all verified; none for no events. */
export function verdictOf(events: readonly TimelineEvent[]): TimelineEvent['verdict'] | undefined {
  if (events.length === 0) return undefined;
  if (events.some((e) => e.verdict === 'failed')) return 'failed';
  if (events.some((e) => e.verdict === 'awaiting')) return 'awaiting';
  return 'verified';
}

/** Each exhibit's events, in timeline order; events of no exhibit (the case's own) are left out. */
export function eventsByExhibit(timeline: readonly TimelineEvent[]): Map<string, TimelineEvent[]> {
  const byId = new Map<string, TimelineEvent[]>();
  for (const e of timeline) {
    if (e.exhibitId === null || e.exhibitId === undefined) continue;
    const list = byId.get(e.exhibitId);
    if (list) list.push(e);
    else byId.set(e.exhibitId, [e]);
  }
  return byId;
}
