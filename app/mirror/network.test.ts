import { describe, expect, it } from 'vitest';
import { runNetwork } from '../testing/witnessed-network';

describe('witnessed network (separate processes on 127.0.0.1)', () => {
  it('node + 3 witnesses (2 of 3) + 2 mirrors: with a witness and a mirror killed and restarted, both mirrors end identical, verified and final', async () => {
    const r = await runNetwork(240);
    expect(r.size).toBe(241);
    expect(r.mirrorsFinal).toEqual([true, true]);
    expect(r.witnessSizes).toEqual([241, 241, 241]);
    expect(r.restarted).toEqual(['witness 2', 'mirror B']);
    expect(r.comparedResources).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
