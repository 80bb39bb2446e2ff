import { describe, expect, it } from 'vitest';
import { BatchSettler } from './batch-settle';

type Batch = { state: 'running' | 'done' | 'failed' };

/** A host whose intake.get answers are held until released, as answers on a slow request are. */
function slowHost(states: Batch['state'][]) {
  const waiting: Array<() => void> = [];
  let n = 0;
  return {
    asked: () => n,
    get: (_id: string) =>
      new Promise<Batch>((resolve) => {
        const state = states[Math.min(n++, states.length - 1)]!;
        waiting.push(() => resolve({ state }));
      }),
    answer: async () => {
      waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

describe('BatchSettler', () => {
  it('asks again when the finished event came while an answer saying running was on its way', async () => {
    const host = slowHost(['running', 'done']);
    const settled: string[] = [];
    const s = new BatchSettler<Batch, string>(host.get, async (id, b, cid) => void settled.push(`${cid}/${id}/${b.state}`));
    const check = s.check('b1', 'CASE-1'); // the screen's own check: answer still on its way
    await s.finished('b1', 'CASE-1'); // the event arrives first and finds the check in flight
    await host.answer(); // "running" (stale)
    await host.answer(); // asked again: done
    await check;
    expect(settled).toEqual(['CASE-1/b1/done']);
    expect(host.asked()).toBe(2);
  });

  it('settles a batch once, though the event and the check both see it done', async () => {
    const host = slowHost(['done']);
    const settled: string[] = [];
    const s = new BatchSettler<Batch, string>(host.get, async (id) => void settled.push(id));
    const a = s.check('b2', 'C');
    const b = s.finished('b2', 'C');
    await host.answer();
    await Promise.all([a, b]);
    await s.check('b2', 'C');
    expect(settled).toEqual(['b2']);
    expect(host.asked()).toBe(1);
  });

  it('leaves a running batch for its event, and lets a failed request be asked again', async () => {
    const host = slowHost(['running', 'failed']);
    const settled: string[] = [];
    const s = new BatchSettler<Batch, string>(host.get, async (id, b) => void settled.push(`${id}/${b.state}`));
    const a = s.check('b3', 'C');
    await host.answer();
    await a;
    expect(settled).toEqual([]);
    const e = s.finished('b3', 'C');
    await host.answer();
    await e;
    expect(settled).toEqual(['b3/failed']);

    let fail = true;
    const flaky = new BatchSettler<Batch, string>(
      async () => {
        if (fail) throw new Error('host went away');
        return { state: 'done' };
      },
      async (id) => void settled.push(`flaky ${id}`),
    );
    await expect(flaky.check('b4', 'C')).rejects.toThrow('host went away');
    fail = false;
    await flaky.check('b4', 'C');
    expect(settled).toContain('flaky b4');
  });
});
