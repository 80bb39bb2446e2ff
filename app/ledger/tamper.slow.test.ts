// Tamper detection on a 10,000-entry log: many random trials of every kind of damage.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLog } from '../node/seed';
import { TAMPERS, rng, tamperTrial } from '../testing/log-tamper';

const TRIALS = Number(process.env.TAMPER_TRIALS ?? 8);
let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ledger-tamper-slow-'));
  await seedLog({ dir: join(base, 'node'), count: 10_000, batch: 1000, seed: 21 });
}, 1_800_000);
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('tamper detection, 10,000 entries (slow)', () => {
  it.each(TAMPERS)('%s: every trial is detected and located', async (kind) => {
    const rand = rng(kind.length * 104_729);
    for (let t = 0; t < TRIALS; t++) {
      const { what, error } = await tamperTrial(join(base, 'node'), join(base, 'work'), kind, rand);
      expect(error.where.index !== undefined || error.where.path !== undefined, `${what}: ${error.message}`).toBe(true);
    }
  }, 1_800_000);
});
