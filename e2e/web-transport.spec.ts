// The web transport end to end: files dropped in the browser are uploaded to the host's staging folder with
// progress, then hashed by the same `intake.start` the desktop app calls with its paths.
import { createHash } from 'node:crypto';
import { test, expect } from './fixtures';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

test.skip(({ shell }) => shell !== 'web', 'the staging upload is the web host’s; Electron passes paths from the preload');

test('dropped files and a folder are staged on the host and hashed by intake.start', async ({ app }) => {
  await app.waitForFunction(() => window.workstation !== undefined);
  const outcome = await app.evaluate(async () => {
    const w = window.workstation!;
    const progress: number[] = [];
    const items = [
      { file: new File(['alpha'], '证据 照片.jpg', { type: 'image/jpeg' }) },
      { file: new File(['bravo bravo'], 'b.txt'), relativePath: 'phone/DCIM/b.txt' },
      { file: new File(['charlie'], 'c.db'), relativePath: 'phone/c.db' },
    ];
    const staged = await w.shell.stageFiles(items, (done) => progress.push(done));
    if (!staged.ok) return { error: staged.error };
    const finished = new Promise<unknown>((resolve) => {
      const off = w.onIntakeFinished((f) => {
        off();
        resolve(f);
      });
    });
    const started = await w.intake.start({ paths: staged.value.paths });
    if (!started.ok) return { error: started.error };
    const end = await finished;
    const batch = await w.intake.get({ batchId: started.value.batchId });
    return { paths: staged.value.paths, progress, end, batch };
  });
  expect(outcome).not.toHaveProperty('error');
  const { paths, progress, end, batch } = outcome as {
    paths: string[];
    progress: number[];
    end: { state: string };
    batch: { ok: true; value: { result: { items: { name: string; relPath: string | null; hashes: { sha256: string } }[]; folders: { fileCount: number }[] } } };
  };
  // One host path per dropped top-level item: the file, and the folder.
  expect(paths).toHaveLength(2);
  expect(paths[0]).toMatch(/证据 照片\.jpg$/);
  expect(paths[1]).toMatch(/\/phone$/);
  expect(progress.at(-1)).toBe(5 + 11 + 7);
  expect(end.state).toBe('done');
  const items = batch.value.result.items;
  expect(items.find((i) => i.name === '证据 照片.jpg')?.hashes.sha256).toBe(sha256('alpha'));
  expect(items.find((i) => i.relPath === 'DCIM/b.txt')?.hashes.sha256).toBe(sha256('bravo bravo'));
  expect(batch.value.result.folders).toEqual([expect.objectContaining({ fileCount: 2 })]);
});
