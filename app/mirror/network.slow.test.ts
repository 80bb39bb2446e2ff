import { describe, expect, it } from 'vitest';
import { runNetwork } from '../testing/witnessed-network';

describe('witnessed network, 5,000 entries (separate processes on 127.0.0.1)', () => {
  it('ends with identical, verified, final mirrors after a witness and a mirror were killed and restarted', async () => {
    const r = await runNetwork(4999);
    expect(r.size).toBe(5000);
    expect(r.mirrorsFinal).toEqual([true, true]);
    expect(r.witnessSizes).toEqual([5000, 5000, 5000]);
  }, 1_800_000);
});
