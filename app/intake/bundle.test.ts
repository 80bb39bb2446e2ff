// The Electron main process is one vite bundle (out/main/index.js) that starts the hash workers from the built
// out/workers/hash-worker.cjs beside it (app/workers/built.ts), in a checkout and inside app.asar alike. Build a
// tiny entry that uses the engine the way electron-vite builds main (ESM, node target, minified) into the same
// layout — OUT/main/entry.js with OUT/workers/ — run it with plain node, and compare with coreutils.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { BUILT_WORKERS_DIR } from '../workers/built';
import { coreutilsDigests, makeCorpus } from '../testing/intake-corpus';

const dir = mkdtempSync(join(tmpdir(), 'intake-bundle-'));
const corpus = makeCorpus(4096, 'intake-bundle-corpus-');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(corpus.dir, { recursive: true, force: true });
});

it('works from a minified vite bundle laid out as the Electron main process is, split lanes included', async () => {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `
    import { startIntake, closeIdleHashPools } from ${JSON.stringify(join(__dirname, 'index.ts'))};
    const r = await startIntake({ paths: [process.argv[2]], algorithms: ['md5'], bufferSize: 4096, _splitMin: 8192 });
    console.log(JSON.stringify(r.items.map((i) => [i.relPath, i.hashes])));
    await closeIdleHashPools();
  `);
  const app = join(dir, 'app');
  mkdirSync(join(app, 'out'), { recursive: true });
  symlinkSync(BUILT_WORKERS_DIR, join(app, 'out', 'workers'));
  await build({
    configFile: false, logLevel: 'silent',
    build: { ssr: entry, outDir: join(app, 'out', 'main'), minify: true, target: 'node20', rollupOptions: { output: { format: 'es' } } },
  });
  const out = JSON.parse(execFileSync(process.execPath, [join(app, 'out/main/entry.js'), corpus.dir]).toString()) as Array<[string, { sha256: string; md5: string }]>;
  const sha256 = coreutilsDigests('sha256sum', corpus.dir, corpus.files);
  const md5 = coreutilsDigests('md5sum', corpus.dir, corpus.files);
  expect(out).toHaveLength(corpus.files.length);
  for (const [rel, hashes] of out) {
    expect(hashes.sha256).toBe(sha256.get(rel));
    expect(hashes.md5).toBe(md5.get(rel));
  }
});
