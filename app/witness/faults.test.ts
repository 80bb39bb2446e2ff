// Storage faults at a witness, and a log added while it runs: a checkpoint it cannot store is answered 507
// (never cosigned), the witness cosigns again once the fault clears, and its stored state verifies after a
// restart; `evidence witness add-log` takes effect without a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../ledger/checkpoint';
import { MemoryTree } from '../ledger/merkle';
import { generateNoteKey } from '../ledger/note';
import { injectFaults, type InjectedFaults } from '../testing/faulty-io';
import { Witness, addWitnessLog, formatAddCheckpoint, initWitness } from './witness';

const origin = 'faults.example/log';
const log = generateNoteKey(origin);
const tree = new MemoryTree();
for (let i = 0; i < 20; i++) tree.append(new TextEncoder().encode(`entry ${i}`));
const add = (old: number, size: number, o = origin, key = log) =>
  formatAddCheckpoint(old, old === 0 ? [] : tree.consistencyProof(old, size), signCheckpoint({ origin: o, size, root: tree.root(size), extensions: [] }, [key.signer]));

let dir: string;
let faults: InjectedFaults | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'witness-faults-'));
  await initWitness(dir, 'witness.example/faults');
  await addWitnessLog(dir, { origin, vkey: log.vkey });
});
afterEach(async () => {
  faults?.restore();
  faults = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('witness under storage faults', () => {
  it.each(['ENOSPC', 'EIO'] as const)('%s storing the checkpoint: 507, nothing cosigned, cosigns again once it clears', async (errno) => {
    const w = await Witness.open(dir);
    expect((await w.addCheckpoint(add(0, 5))).status).toBe(200);
    faults = injectFaults({ path: /[/\\]state[/\\]/, failAllFrom: 1, errno });
    const refused = await w.addCheckpoint(add(5, 10));
    expect(refused.status).toBe(507);
    expect(refused.body).toMatch(errno === 'EIO' ? /^STORAGE_IO: / : /^STORAGE_FULL: /);
    expect((await Witness.open(dir)).latest(origin)).toBe(w.latest(origin)); // still size 5, on disk and in memory
    faults.heal();
    expect((await w.addCheckpoint(add(5, 10))).status).toBe(200);
    const reopened = await Witness.open(dir); // re-verifies the stored note
    expect(reopened.latest(origin)).toBe(w.latest(origin));
    expect(reopened.latest(origin)).toMatch(/\n10\n/);
  });
});

describe('witness logs', () => {
  it('takes up a log added with add-log while it runs', async () => {
    const w = await Witness.open(dir);
    const other = 'added.example/log';
    const otherKey = generateNoteKey(other);
    expect((await w.addCheckpoint(add(0, 3, other, otherKey))).status).toBe(404);
    await addWitnessLog(dir, { origin: other, vkey: otherKey.vkey });
    expect((await w.addCheckpoint(add(0, 3, other, otherKey))).status).toBe(200);
    expect(w.latest(other)).toMatch(/\n3\n/);
  });
});
