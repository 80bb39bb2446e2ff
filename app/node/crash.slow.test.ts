// Crash safety, full size: 1,000 submissions per seed with many SIGKILLs, over several seeds.
import { describe, expect, it } from 'vitest';
import { crashRun } from '../testing/node-crash';

const SEEDS = Number(process.env.CRASH_SEEDS ?? 6);

describe('ledger node under SIGKILL (slow)', () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => 100 + i))('seed %i: 1,000 submissions', async (seed) => {
    const r = await crashRun({ seed, submissions: 1000, killEvery: 60 });
    expect(r.kills).toBeGreaterThanOrEqual(5);
    expect(r.acked + r.recoveredUnacked).toBe(1000);
    expect(r.size).toBe(1001);
  }, 1_800_000);
});
