import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkstationHost } from './host';
import type { HostLogger } from './dispatch';
import type { EventName, IntakeBatch } from '../contract/api';
import { liveHashWorkers } from '../intake';

const log: HostLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let host: WorkstationHost;
let events: { event: EventName; payload: unknown }[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-intake-'));
  host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log, intakeWorkers: 1 });
  events = [];
  host.onEvent((event, payload) => events.push({ event, payload }));
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function finished(batchId: string) {
  await vi.waitFor(() => expect(events.some((e) => e.event === 'onIntakeFinished' && (e.payload as { batchId: string }).batchId === batchId)).toBe(true), { timeout: 20_000 });
  return events.find((e) => e.event === 'onIntakeFinished')!.payload as { state: string; totals: { files: number } | null };
}

describe('intake through the host', () => {
  it('hashes dropped files and a folder, reports progress and the end, and returns the items', async () => {
    const a = join(dir, '证据 a.txt');
    const folder = join(dir, 'phone');
    await writeFile(a, 'alpha');
    await mkdir(join(folder, 'DCIM'), { recursive: true });
    await writeFile(join(folder, 'DCIM', 'b.jpg'), 'bravo');
    await writeFile(join(folder, 'c.db'), 'alpha'); // same bytes as a: a duplicate
    const r = await host.call('intake.start', { paths: [a, folder], algorithms: ['md5'] });
    expect(r.ok).toBe(true);
    const { batchId } = (r as { value: { batchId: string } }).value;
    const end = await finished(batchId);
    expect(end).toMatchObject({ state: 'done', totals: { files: 3 } });
    expect(events.some((e) => e.event === 'onIntakeProgress')).toBe(true);
    const got = (await host.call('intake.get', { batchId })) as { ok: true; value: IntakeBatch };
    expect(got.value.state).toBe('done');
    const items = got.value.result!.items;
    const byName = new Map(items.map((i) => [i.name, i]));
    expect(byName.get('证据 a.txt')?.hashes).toEqual({ sha256: sha256('alpha'), md5: createHash('md5').update('alpha').digest('hex') });
    expect(byName.get('b.jpg')?.hashes?.sha256).toBe(sha256('bravo'));
    expect(byName.get('c.db')?.duplicate).toMatchObject({ count: 2 });
    expect(got.value.result!.folders).toEqual([expect.objectContaining({ path: folder, fileCount: 2, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('refuses relative paths by schema, and reports a missing file per item', async () => {
    const rel = await host.call('intake.start', { paths: ['relative/file.txt'] });
    expect(rel).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('absolute path') } });
    const r = await host.call('intake.start', { paths: [join(dir, 'missing.bin')] });
    const { batchId } = (r as { value: { batchId: string } }).value;
    await finished(batchId);
    const got = (await host.call('intake.get', { batchId })) as { ok: true; value: IntakeBatch };
    expect(got.value.result?.items[0]?.error?.code).toMatch(/^E_INTAKE_/);
  });

  it('cancels a running batch, leaving no result and no worker', async () => {
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(48 * 1024 * 1024, 7));
    const r = await host.call('intake.start', { paths: [big] });
    const { batchId } = (r as { value: { batchId: string } }).value;
    const c = await host.call('intake.cancel', { batchId });
    expect(c).toMatchObject({ ok: true, value: { cancelled: true } });
    expect(await finished(batchId)).toMatchObject({ state: 'cancelled' });
    expect(await host.call('intake.get', { batchId })).toMatchObject({ ok: true, value: { state: 'cancelled', result: null } });
    expect(liveHashWorkers()).toEqual([]);
  });

  it('finds a finished batch again after a restart', async () => {
    const a = join(dir, 'a.txt');
    await writeFile(a, 'alpha');
    const { batchId } = ((await host.call('intake.start', { paths: [a] })) as { value: { batchId: string } }).value;
    await finished(batchId);
    await host.close();
    host = await WorkstationHost.open({ dataDir: join(dir, 'data'), shell: 'web', log, intakeWorkers: 1 });
    const got = (await host.call('intake.get', { batchId })) as { ok: true; value: IntakeBatch };
    expect(got.value.state).toBe('done');
    expect(got.value.result?.items[0]?.hashes?.sha256).toBe(sha256('alpha'));
    const unknown = await host.call('intake.get', { batchId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BATCH_NOT_FOUND' } });
  });
});
