import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeIdleHashPools, IntakeArgumentError, IntakeBatchExistsError, IntakeCancelledError, liveHashWorkers, parseManifest, resumeBatch, startIntake, type IntakeItem, type IntakeProgress } from './index';
import { JOURNAL_FILE, readJournal, RESULT_FILE } from './journal';
import { coreutilsDigests, makeCorpus, patternBytes } from '../testing/intake-corpus';

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(d);
  return d;
}
const byRel = (items: IntakeItem[]): Map<string, IntakeItem> => new Map(items.map((i) => [i.relPath ?? i.path, i]));

/** Waits until the paused worker signals it has read its first chunk (pool.ts pauseHook). */
async function waitPaused(hook: Int32Array): Promise<void> {
  for (let i = 0; i < 10_000 && Atomics.load(hook, 0) === 0; i++) await new Promise((r) => setTimeout(r, 2));
  expect(Atomics.load(hook, 0)).toBe(1);
}
function release(hook: Int32Array): void {
  Atomics.store(hook, 0, 2);
  Atomics.notify(hook, 0);
}

describe('startIntake: digests equal coreutils on a generated corpus', () => {
  for (const bufferSize of [4096, 1 << 20]) {
    it(`SHA-256, SHA-1 and MD5 in one pass (buffer ${bufferSize} bytes, block boundaries ±1)`, async () => {
      const corpus = makeCorpus(bufferSize);
      cleanup.push(corpus.dir);
      const result = await startIntake({ paths: [corpus.dir], algorithms: ['md5', 'sha1'], bufferSize, workers: 2 });
      expect(result.algorithms).toEqual(['sha256', 'sha1', 'md5']);
      const items = byRel(result.items);
      expect(result.items.filter((i) => i.error !== null)).toEqual([]);
      expect([...items.keys()].sort()).toEqual([...corpus.files].sort());
      for (const tool of ['sha256sum', 'sha1sum', 'md5sum'] as const) {
        const algo = tool === 'sha256sum' ? 'sha256' : tool === 'sha1sum' ? 'sha1' : 'md5';
        const expected = coreutilsDigests(tool, corpus.dir, corpus.files);
        for (const rel of corpus.files) expect(items.get(rel)?.hashes?.[algo], `${tool} ${JSON.stringify(rel)}`).toBe(expected.get(rel));
      }
      for (const rel of corpus.files) expect(items.get(rel)?.size).toBe(readFileSync(join(corpus.dir, rel)).length);

      // The folder exhibit's manifest is canonical and `sha256sum --strict -c` accepts it in the folder.
      const [folder] = result.folders;
      expect(folder?.error).toBeNull();
      expect(folder?.fileCount).toBe(corpus.files.length);
      const manifest = folder?.manifest as Buffer;
      expect(parseManifest(manifest).map((e) => Buffer.from(e.rel).toString())).toEqual([...corpus.files].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      const manifestPath = join(tempDir('intake-manifest-'), 'MANIFEST.sha256');
      writeFileSync(manifestPath, manifest);
      const check = execFileSync('sha256sum', ['--strict', '-c', manifestPath], { cwd: corpus.dir }).toString();
      expect(check.split('\n').filter((l) => l.endsWith(': OK'))).toHaveLength(corpus.files.length);
      expect(execFileSync('sha256sum', [manifestPath]).toString().slice(0, 64)).toBe(folder?.manifestSha256);
      // The finished batch left its 2 workers warm for the next one; closing ends them.
      expect(liveHashWorkers().length).toBeLessThanOrEqual(2);
      await closeIdleHashPools();
      expect(liveHashWorkers()).toEqual([]);
    });
  }

  it('a folder whose walk order is not byte order still gets its manifest sorted by path bytes', async () => {
    // The walk visits "a" (a folder: a/b) before "a-b" and "a.txt", but in bytes "a-b" < "a.txt" < "a/b"
    // ('-' 0x2d, '.' 0x2e, '/' 0x2f); duplicates of one content are flagged and listed once each.
    const dir = tempDir('intake-order-');
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a/b'), 'same');
    writeFileSync(join(dir, 'a-b'), 'other');
    writeFileSync(join(dir, 'a.txt'), 'same');
    const result = await startIntake({ paths: [dir] });
    expect(result.items.map((i) => i.relPath)).toEqual(['a/b', 'a-b', 'a.txt']);
    const manifest = result.folders[0]?.manifest as Buffer;
    expect(parseManifest(manifest).map((e) => Buffer.from(e.rel).toString())).toEqual(['a-b', 'a.txt', 'a/b']);
    const manifestPath = join(tempDir('intake-order-manifest-'), 'MANIFEST.sha256');
    writeFileSync(manifestPath, manifest);
    expect(execFileSync('sha256sum', ['--strict', '-c', manifestPath], { cwd: dir }).toString()).toBe('a-b: OK\na.txt: OK\na/b: OK\n');
    expect(result.items.map((i) => i.duplicate ?? null)).toEqual([{ inCase: false, firstIndex: 0, count: 2 }, null, { inCase: false, firstIndex: 0, count: 2 }]);
    expect(result.totals.duplicates).toBe(2);
  });

  it('a file split over two workers (one read pass, digests on two lanes) gives the same digests', async () => {
    const corpus = makeCorpus(4096, 'intake-split-');
    cleanup.push(corpus.dir);
    for (const algorithms of [['sha256'], ['sha256', 'sha1'], ['sha256', 'sha1', 'md5']] as const) {
      const result = await startIntake({ paths: [corpus.dir], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _splitMin: 4096 });
      const items = byRel(result.items);
      expect(result.items.filter((i) => i.error !== null)).toEqual([]);
      for (const algo of algorithms) {
        const expected = coreutilsDigests(`${algo}sum` as 'sha256sum', corpus.dir, corpus.files);
        for (const rel of corpus.files) expect(items.get(rel)?.hashes?.[algo], `${algo} ${JSON.stringify(rel)}`).toBe(expected.get(rel));
      }
    }
  });

  it('files listed without a stat: a worker hashes small ones in its batch and sends big ones back to be split or hashed alone', async () => {
    const dir = tempDir('intake-defer-');
    const files: string[] = [];
    const add = (rel: string, size: number): void => {
      writeFileSync(join(dir, rel), patternBytes(size, rel));
      files.push(rel);
    };
    // In listing order: a big file first (deferred: over the split size), small ones, then files that pass the
    // job's 4 MiB budget after the first (deferred, then hashed alone), and an empty file.
    add('a-big', 3 << 20);
    for (let i = 0; i < 5; i++) add(`b-small-${i}`, 1000 + i);
    add('c-mid-1', 3 << 20);
    add('c-mid-2', 3 << 20);
    add('d-empty', 0);
    const events: IntakeProgress[] = [];
    const result = await startIntake({ paths: [dir], algorithms: ['md5'], workers: 2, _splitMin: 2 << 20, onProgress: (p) => events.push(p) });
    expect(result.items.filter((i) => i.error !== null)).toEqual([]);
    const items = byRel(result.items);
    for (const [tool, algo] of [['sha256sum', 'sha256'], ['md5sum', 'md5']] as const) {
      const expected = coreutilsDigests(tool, dir, files);
      for (const rel of files) expect(items.get(rel)?.hashes?.[algo], `${tool} ${rel}`).toBe(expected.get(rel));
    }
    expect(result.items.map((i) => i.relPath)).toEqual(files); // batch order is the walk's, whatever the completion order
    expect(items.get('c-mid-2')).toMatchObject({ size: 3 << 20, dev: expect.stringMatching(/^[0-9]+$/), mtime: expect.any(String) });
    expect(result.totals).toMatchObject({ files: files.length, hashed: files.length, bytes: 9 * (1 << 20) + 5010 });
    expect(events.at(-1)).toMatchObject({ walking: false, filesDone: files.length, bytesDone: 9 * (1 << 20) + 5010, bytesTotal: 9 * (1 << 20) + 5010 });
  });

  it('a prefetch lane the system does not run (stalled after each claim): the hasher reads on alone, digests right', async () => {
    const dir = tempDir('intake-prefetch-stall-');
    const names = ['a', 'b', 'c'];
    [200 << 10, (4096 * 8 * 3) + 17, 4096 * 9].forEach((size, i) => writeFileSync(join(dir, names[i] as string), patternBytes(size, `stall${i}`)));
    const result = await startIntake({ paths: [dir], bufferSize: 4096, workers: 2, _splitMin: 4096, _prefetchStallMs: 5 });
    const expected = coreutilsDigests('sha256sum', dir, names);
    for (const item of result.items) expect(item.hashes?.sha256, item.name).toBe(expected.get(item.name));
    expect(result.items.map((i) => i.error)).toEqual([null, null, null]);
  });

  it("a split file's media type comes from its first bytes, though its ring slots are reused", async () => {
    const dir = tempDir('intake-split-head-');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), patternBytes(256 << 10, 'png')]);
    writeFileSync(join(dir, 'exhibit.bin'), png);
    for (const algorithms of [['sha256'], ['sha256', 'md5']] as const) {
      const result = await startIntake({ paths: [dir], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _splitMin: 4096 });
      expect(result.items[0]?.hashes?.sha256).toBe(execFileSync('sha256sum', [join(dir, 'exhibit.bin')]).toString().slice(0, 64));
      expect(result.items[0]?.mediaType, algorithms.join(',')).toBe('image/png');
    }
  });

  it('keeps a name that is not UTF-8 exactly and displays it escaped', async () => {
    const dir = tempDir('intake-bytes-');
    const name = Buffer.concat([Buffer.from(dir + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-name\n')]);
    writeFileSync(name, 'not utf-8');
    const result = await startIntake({ paths: [dir] });
    const [item] = result.items;
    expect(Buffer.from(item?.pathBase64 as string, 'base64').equals(name)).toBe(true);
    expect(item?.displayPath).toBe(`${dir}/bad-\\xff\\xfe-name\\n`);
    const expected = execFileSync('sh', ['-c', 'cat bad-* | sha256sum'], { cwd: dir }).toString().slice(0, 64);
    expect(item?.hashes?.sha256).toBe(expected);
  });

  it('takes single files given as paths (no relPath, no folder exhibit)', async () => {
    const dir = tempDir('intake-single-');
    writeFileSync(join(dir, 'a.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), patternBytes(3000, 'pdf')]));
    const result = await startIntake({ paths: [join(dir, 'a.pdf')] });
    expect(result.folders).toEqual([]);
    expect(result.items[0]).toMatchObject({ relPath: null, name: 'a.pdf', mediaType: 'application/pdf', kind: 'file', error: null });
  });
});

describe('startIntake: links, special files and unreadable entries', () => {
  it('records links without following, refuses FIFOs and sockets, and goes on', async () => {
    const dir = tempDir('intake-special-');
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync('file', join(dir, 'link-to-file'));
    symlinkSync('.', join(dir, 'loop'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      const result = await startIntake({ paths: [dir] });
      const items = byRel(result.items);
      expect(items.get('file')?.hashes?.sha256).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
      expect(items.get('link-to-file')).toMatchObject({ kind: 'symlink', linkTarget: 'file', hashes: null, error: null });
      expect(items.get('loop')).toMatchObject({ kind: 'symlink', linkTarget: '.' });
      expect(items.get('fifo')?.error?.code).toBe('E_INTAKE_SPECIAL_FILE');
      expect(items.get('fifo')?.error?.message).toMatch(/fifo/);
      expect(items.get('sock')?.error?.code).toBe('E_INTAKE_SPECIAL_FILE');
      expect(result.folders[0]?.error?.code).toBe('E_INTAKE_INCOMPLETE_FOLDER');
      expect(result.folders[0]?.manifest).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('follows links when asked, walking a looped folder once and reporting a dangling link', async () => {
    const dir = tempDir('intake-follow-');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub/file'), 'y');
    symlinkSync('..', join(dir, 'sub/up'));
    symlinkSync('sub/file', join(dir, 'link'));
    symlinkSync('missing', join(dir, 'dangling'));
    const result = await startIntake({ paths: [dir], followSymlinks: true });
    const items = byRel(result.items);
    expect(items.get('sub/up')?.error?.code).toBe('E_INTAKE_SYMLINK_LOOP');
    expect(items.get('link')?.hashes?.sha256).toBe(items.get('sub/file')?.hashes?.sha256);
    expect(items.get('link')?.duplicate).toEqual({ inCase: false, firstIndex: items.get('link')?.index, count: 2 });
    expect(items.get('dangling')?.error?.code).toBe('E_INTAKE_VANISHED');
    expect(result.items).toHaveLength(4);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file per file without stopping the batch', async () => {
    const dir = tempDir('intake-perm-');
    writeFileSync(join(dir, 'locked'), 'secret', { mode: 0o000 });
    writeFileSync(join(dir, 'open'), 'fine');
    const result = await startIntake({ paths: [dir] });
    const items = byRel(result.items);
    expect(items.get('locked')?.error?.code).toBe('E_INTAKE_UNREADABLE');
    expect(items.get('open')?.hashes).not.toBeNull();
  });
});

describe('startIntake: duplicates', () => {
  it('flags the same SHA-256 within the batch and hashes already in the case', async () => {
    const dir = tempDir('intake-dup-');
    writeFileSync(join(dir, 'a'), 'same');
    writeFileSync(join(dir, 'b'), 'same');
    writeFileSync(join(dir, 'c'), 'known');
    writeFileSync(join(dir, 'd'), 'unique');
    const knownSha = '8c8c3b84d4d2bdcbc01e8dc5fa3aa2ca52d1bd0a9c6ea0e0d09a2b1c75dbf6e2';
    const probe = await startIntake({ paths: [join(dir, 'c')] });
    const cSha = probe.items[0]?.hashes?.sha256 as string;
    const seen: string[] = [];
    const result = await startIntake({ paths: [dir], knownHashes: [cSha.toUpperCase(), knownSha], onItem: (i) => seen.push(i.name) });
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd']);
    const items = byRel(result.items);
    expect(items.get('a')?.duplicate).toEqual({ inCase: false, firstIndex: items.get('a')?.index, count: 2 });
    expect(items.get('b')?.duplicate).toEqual({ inCase: false, firstIndex: items.get('a')?.index, count: 2 });
    expect(items.get('c')?.duplicate).toEqual({ inCase: true, firstIndex: items.get('c')?.index, count: 1 });
    expect(items.get('d')?.duplicate).toBeUndefined();
    expect(result.totals.duplicates).toBe(3);
  });
});

describe('startIntake: a file that changes while it is hashed gets an error, never a hash', () => {
  const setup = (): { dir: string; file: string; hook: Int32Array; sab: SharedArrayBuffer } => {
    const dir = tempDir('intake-change-');
    const file = join(dir, 'growing.bin');
    writeFileSync(file, patternBytes(64 << 10, 'grow'));
    const sab = new SharedArrayBuffer(4);
    return { dir, file, hook: new Int32Array(sab), sab };
  };

  it('appended to during hashing → E_INTAKE_CHANGED', async () => {
    const { file, hook, sab } = setup();
    const run = startIntake({ paths: [file], bufferSize: 4096, workers: 1, _pauseHook: sab });
    await waitPaused(hook);
    appendFileSync(file, 'more evidence');
    release(hook);
    const result = await run;
    expect(result.items[0]?.hashes).toBeNull();
    expect(result.items[0]?.error?.code).toBe('E_INTAKE_CHANGED');
    expect(result.items[0]?.error?.message).toMatch(/size 65536 → 65549/);
  });

  // sha256 alone: one worker hashes, the other reads ahead (prefetch ring); with md5: digest lanes.
  for (const [mode, algorithms] of [['prefetch', ['sha256']], ['digest lanes', ['md5']]] as const) {
    it(`appended to while split over two workers (${mode}) → E_INTAKE_CHANGED, and the other lane is released`, async () => {
      const { file, hook, sab } = setup();
      const run = startIntake({ paths: [file], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _pauseHook: sab, _splitMin: 4096 });
      await waitPaused(hook);
      appendFileSync(file, 'more evidence');
      release(hook);
      const result = await run;
      expect(result.items[0]?.hashes).toBeNull();
      expect(result.items[0]?.error?.code).toBe('E_INTAKE_CHANGED');
      expect(result.items[0]?.error?.message).toMatch(/size 65536 → 65549/);
    });

    it(`truncated while split over two workers (${mode}) → E_INTAKE_CHANGED naming the bytes read`, async () => {
      const { file, hook, sab } = setup();
      const run = startIntake({ paths: [file], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _pauseHook: sab, _splitMin: 4096 });
      await waitPaused(hook);
      truncateSync(file, 40_000);
      release(hook);
      const item = (await run).items[0];
      expect(item?.hashes).toBeNull();
      expect(item?.error?.code).toBe('E_INTAKE_CHANGED');
      expect(item?.error?.message).toMatch(/size 65536 → 40000/);
    });

    it(`replaced while split over two workers (${mode}) → E_INTAKE_CHANGED`, async () => {
      const { dir, file, hook, sab } = setup();
      const run = startIntake({ paths: [file], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _pauseHook: sab, _splitMin: 4096 });
      await waitPaused(hook);
      writeFileSync(join(dir, 'other'), patternBytes(64 << 10, 'grow'));
      renameSync(join(dir, 'other'), file);
      release(hook);
      const item = (await run).items[0];
      expect(item?.error?.code).toBe('E_INTAKE_CHANGED');
      expect(item?.error?.message).toMatch(/replaced/);
    });
  }

  it('rewritten in place during hashing (same size, new mtime) → E_INTAKE_CHANGED', async () => {
    const { file, hook, sab } = setup();
    const run = startIntake({ paths: [file], bufferSize: 4096, workers: 1, _pauseHook: sab });
    await waitPaused(hook);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    release(hook);
    const result = await run;
    expect(result.items[0]?.error?.code).toBe('E_INTAKE_CHANGED');
    expect(result.items[0]?.error?.message).toMatch(/mtime/);
  });

  it('deleted during hashing → E_INTAKE_VANISHED; replaced during hashing → E_INTAKE_CHANGED', async () => {
    const a = setup();
    const run = startIntake({ paths: [a.file], bufferSize: 4096, workers: 1, _pauseHook: a.sab });
    await waitPaused(a.hook);
    unlinkSync(a.file);
    release(a.hook);
    expect((await run).items[0]?.error?.code).toBe('E_INTAKE_VANISHED');

    const b = setup();
    const run2 = startIntake({ paths: [b.file], bufferSize: 4096, workers: 1, _pauseHook: b.sab });
    await waitPaused(b.hook);
    writeFileSync(join(b.dir, 'other'), patternBytes(64 << 10, 'grow'));
    renameSync(join(b.dir, 'other'), b.file);
    release(b.hook);
    const item = (await run2).items[0];
    expect(item?.error?.code).toBe('E_INTAKE_CHANGED');
    expect(item?.error?.message).toMatch(/replaced/);
  });
});

describe('startIntake: progress and cancel', () => {
  it('reports per-file and batch progress, at most ~10 per second, ending complete', async () => {
    const { file, hook, sab } = (() => {
      const dir = tempDir('intake-progress-');
      const f = join(dir, 'big.bin');
      writeFileSync(f, patternBytes(1 << 20, 'progress'));
      const s = new SharedArrayBuffer(4);
      return { file: f, hook: new Int32Array(s), sab: s };
    })();
    const events: Array<{ at: number; p: IntakeProgress }> = [];
    const t0 = performance.now();
    const run = startIntake({ paths: [file], bufferSize: 4096, workers: 1, _pauseHook: sab, onProgress: (p) => events.push({ at: performance.now(), p }) });
    await waitPaused(hook);
    // While the worker is held after its first chunk, progress shows the file in flight.
    await new Promise((r) => setTimeout(r, 350));
    const during = events.at(-1)?.p;
    expect(during?.current).toEqual([expect.objectContaining({ bytesDone: 4096, size: 1 << 20, index: 0 })]);
    expect(during?.bytesDone).toBe(4096);
    expect(during?.bytesTotal).toBe(1 << 20);
    expect(during?.walking).toBe(false);
    release(hook);
    await run;
    const elapsed = (performance.now() - t0) / 1000;
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 1);
    for (let i = 1; i < events.length; i++) expect((events[i] as { at: number }).at - (events[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(95);
    const last = events.at(-1)?.p;
    expect(last).toMatchObject({ filesDone: 1, filesTotal: 1, bytesDone: 1 << 20, bytesTotal: 1 << 20, current: [] });
  });

  it('cancel mid-file stops every worker and produces no result', async () => {
    const dir = tempDir('intake-cancel-');
    const batchDir = join(tempDir('intake-cancel-batch-'), 'batch');
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `f${i}`), patternBytes(512 << 10, `c${i}`));
    const sab = new SharedArrayBuffer(4);
    const hook = new Int32Array(sab);
    const ac = new AbortController();
    await closeIdleHashPools();
    const run = startIntake({ paths: [dir], bufferSize: 4096, workers: 2, _pauseHook: sab, signal: ac.signal, batchDir });
    await waitPaused(hook);
    expect(liveHashWorkers()).toHaveLength(2);
    ac.abort();
    await expect(run).rejects.toBeInstanceOf(IntakeCancelledError);
    expect(liveHashWorkers()).toEqual([]);
    expect(existsSync(join(batchDir, RESULT_FILE))).toBe(false);
    // The journal holds only files that were finished, never one that was in flight.
    const lines = readFileSync(join(batchDir, JOURNAL_FILE), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { item: IntakeItem });
    for (const l of lines) expect(l.item.hashes?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.length).toBeLessThan(6);
  });

  for (const [mode, algorithms] of [['prefetch', ['sha256']], ['digest lanes', ['sha1']]] as const) {
    it(`cancel while a file is split over two workers (${mode}) ends both lanes`, async () => {
      const dir = tempDir('intake-cancel-split-');
      writeFileSync(join(dir, 'big'), patternBytes(1 << 20, 'split'));
      const sab = new SharedArrayBuffer(4);
      const hook = new Int32Array(sab);
      const ac = new AbortController();
      await closeIdleHashPools();
      const run = startIntake({ paths: [dir], algorithms: [...algorithms], bufferSize: 4096, workers: 2, _pauseHook: sab, _splitMin: 4096, signal: ac.signal });
      await waitPaused(hook);
      ac.abort();
      await expect(run).rejects.toBeInstanceOf(IntakeCancelledError);
      expect(liveHashWorkers()).toEqual([]);
    });
  }

  it('an already-aborted signal rejects before any work', async () => {
    const ac = new AbortController();
    ac.abort();
    await closeIdleHashPools();
    await expect(startIntake({ paths: ['/'], signal: ac.signal })).rejects.toThrow();
    expect(liveHashWorkers()).toEqual([]);
  });
});

describe('batch journal: a crash loses at most the files in flight', () => {
  it('resumes from a torn journal: keeps unchanged journaled files, re-hashes changed and missing ones', async () => {
    const corpus = makeCorpus(4096, 'intake-resume-');
    cleanup.push(corpus.dir);
    const batchDir = join(tempDir('intake-batch-'), 'b');
    const full = await startIntake({ paths: [corpus.dir], batchDir, bufferSize: 4096 });
    expect(existsSync(join(batchDir, RESULT_FILE))).toBe(true);
    await expect(startIntake({ paths: [corpus.dir], batchDir })).rejects.toBeInstanceOf(IntakeBatchExistsError);
    const again = await resumeBatch(batchDir);
    expect(again.items).toEqual(full.items);
    expect(again.folders[0]?.manifest?.equals(full.folders[0]?.manifest as Buffer)).toBe(true);

    // Simulate a crash: header + the first 8 items, then half a line; no result.
    const lines = readFileSync(join(batchDir, JOURNAL_FILE), 'utf8').split('\n');
    const kept = lines.slice(0, 9).map((l) => JSON.parse(l) as { t: string; item?: IntakeItem });
    const tampered = kept[1]?.item as IntakeItem;
    const touched = kept[2]?.item as IntakeItem;
    (tampered.hashes as { sha256: string }).sha256 = 'f'.repeat(64); // proves the journaled item is reused
    utimesSync(touched.path, new Date(), new Date(Date.now() + 10_000)); // changed since: must be hashed again
    writeFileSync(join(batchDir, JOURNAL_FILE), `${kept.map((r) => JSON.stringify(r)).join('\n')}\n{"t":"item","item":{"ind`);
    rmSync(join(batchDir, RESULT_FILE));

    const resumed = await resumeBatch(batchDir);
    expect(resumed.batchId).toBe(full.batchId);
    const items = byRel(resumed.items);
    expect(items.get(tampered.relPath as string)?.hashes?.sha256).toBe('f'.repeat(64));
    expect(items.get(touched.relPath as string)?.hashes?.sha256).toBe(byRel(full.items).get(touched.relPath as string)?.hashes?.sha256);
    expect(items.get(touched.relPath as string)?.mtimeNs).not.toBe(touched.mtimeNs);
    for (const item of resumed.items) {
      if (item.relPath !== tampered.relPath) expect(item.hashes).toEqual(byRel(full.items).get(item.relPath as string)?.hashes);
    }
    expect(existsSync(join(batchDir, RESULT_FILE))).toBe(true);
    // The torn line was cut off before appending: the journal reads cleanly and ends with "done".
    const after = readJournal(batchDir);
    expect(after.done).toBe(true);
    expect(after.items.length).toBeGreaterThanOrEqual(resumed.items.length);
  });
});

describe('startIntake: arguments', () => {
  it('rejects unknown algorithms and empty path lists with IntakeArgumentError', async () => {
    await expect(startIntake({ paths: ['/tmp'], algorithms: ['sha512' as 'sha1'] })).rejects.toThrow(/unknown algorithm "sha512"/);
    await expect(startIntake({ paths: [] })).rejects.toBeInstanceOf(IntakeArgumentError);
    await expect(startIntake({ paths: ['/tmp'], workers: 0 })).rejects.toThrow(/workers must be an integer/);
  });
});
