// One verdict for a set of events, and a timeline grouped by exhibit.
import { describe, expect, it } from 'vitest';
import { eventsByExhibit, verdictOf } from './case-timeline';
import { timelineEvent } from './timeline.fixture';

describe('verdictOf', () => {
  it('is red if any event failed, blue while any awaits witnesses, green when all verified, none for no events', () => {
    expect(verdictOf([])).toBeUndefined();
    expect(verdictOf([timelineEvent(0, null, 'verified'), timelineEvent(1, 'E', 'verified')])).toBe('verified');
    expect(verdictOf([timelineEvent(0, null, 'verified'), timelineEvent(1, 'E', 'awaiting')])).toBe('awaiting');
    expect(verdictOf([timelineEvent(0, null, 'failed'), timelineEvent(1, 'E', 'awaiting')])).toBe('failed');
  });
});

describe('eventsByExhibit', () => {
  it('groups each exhibit’s events in timeline order and leaves out the case’s own', () => {
    const byId = eventsByExhibit([timelineEvent(0, null, 'verified'), timelineEvent(1, 'E1', 'verified'), timelineEvent(2, 'E2', 'awaiting'), timelineEvent(3, 'E1', 'failed')]);
    expect([...byId.keys()]).toEqual(['E1', 'E2']);
    expect(byId.get('E1')?.map((e) => e.index)).toEqual([1, 3]);
  });
});
