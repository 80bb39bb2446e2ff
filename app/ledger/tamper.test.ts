// Tamper detection on a small log (the slow suite uses 10,000 entries): every kind of damage is detected by
// the audit, which names the entry index or the file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLog } from '../node/seed';
import { TAMPERS, rng, tamperTrial } from '../testing/log-tamper';

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ledger-tamper-'));
  await seedLog({ dir: join(base, 'node'), count: 600, batch: 100, seed: 8 });
}, 300_000);
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('tamper detection', () => {
  it.each(TAMPERS.flatMap((k) => [[k, 1], [k, 2]] as const))('%s (trial %i) is detected and located', async (kind, trial) => {
    const { what, error } = await tamperTrial(join(base, 'node'), join(base, `work-${kind}-${trial}`), kind, rng(trial * 7919 + kind.length));
    expect(error.where.index !== undefined || error.where.path !== undefined, `${what}: ${error.message}`).toBe(true);
  }, 120_000);
});
