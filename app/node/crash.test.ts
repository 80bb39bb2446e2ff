// Crash safety in `npm test`: a few seeds, ~200 submissions in all (the slow suite runs 1,000 × many seeds).
import { describe, expect, it } from 'vitest';
import { crashRun } from '../testing/node-crash';

describe('ledger node under SIGKILL', () => {
  it.each([1, 2])('seed %i: every acknowledged submission survives and the log verifies', async (seed) => {
    const r = await crashRun({ seed, submissions: 100, killEvery: 40 });
    expect(r.kills).toBeGreaterThanOrEqual(2);
    expect(r.acked + r.recoveredUnacked).toBe(100);
    expect(r.size).toBe(101);
  }, 400_000);
});
