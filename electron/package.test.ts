// Checks electron-builder.yml by packing for real: `electron-builder --linux dir` with `electronDist` pointing at
// a stand-in runtime folder (the Electron runtime cannot be downloaded here), then reading app.asar and the fuse
// wire of the packed executable. This tests our configuration — what goes into the package, which entry point it
// names, which fuses it flips — not Electron.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { extractAll, extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { buildReportData, loadLedgerFolder } from '../app/report/model';
import { renderReport } from '../app/report/render';
import { builtReportResources } from '../app/report/resources';
import { buildCaseLedger } from '../app/testing/case-ledger';
import { builtinModules } from 'node:module';

const run = promisify(execFile);
// Electron's fuse wire (https://www.electronjs.org/docs/latest/tutorial/fuses): this sentinel, a version byte, a
// length byte, then one byte per fuse, '0' off or '1' on (@electron/fuses' FuseState, not exported by it).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);
const electronVersion = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;

let work: string;
let appDir: string;
let asar: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pack-'));
  const standIn = join(work, 'electron-dist');
  mkdirSync(standIn);
  // What electron-builder copies and renames to the product's executable; it never runs it for `dir`. It carries
  // a fuse wire as Electron's binary does (sentinel, version 1, 8 fuses), set to Electron's defaults: run as
  // node, NODE_OPTIONS and --inspect on, cookie encryption, asar integrity and asar-only off, file:// privileged.
  const defaults = [ON, OFF, ON, ON, OFF, OFF, OFF, ON];
  const script = Buffer.from('#!/bin/sh\necho "stand-in for the Electron runtime" >&2\nexit 1\n# ');
  writeFileSync(join(standIn, 'electron'), Buffer.concat([script, Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.from('\n')]));
  chmodSync(join(standIn, 'electron'), 0o755);
  writeFileSync(join(standIn, 'version'), `v${electronVersion}`);
  // What `npm run dist` builds first (`npm run build`): main, preload, renderer, report resources, verifier,
  // the worker threads (and the command line, which is not packed).
  await run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build']);
  await run(process.execPath, ['bin/run-ts.mjs', 'assets/verifier/build.ts']);
  await run(process.execPath, ['bin/build-cli.mjs']);
  await run(
    process.execPath,
    [
      'node_modules/electron-builder/cli.js',
      '--linux',
      'dir',
      `-c.electronDist=${standIn}`,
      `-c.electronVersion=${electronVersion}`,
      `-c.directories.output=${join(work, 'release')}`,
      '--publish',
      'never',
    ],
    { env: { ...process.env, ELECTRON_BUILDER_OFFLINE: '1', CI: '1' } },
  );
  appDir = join(work, 'release', 'linux-unpacked');
  asar = join(appDir, 'resources', 'app.asar');
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  it('produces the product executable beside app.asar', () => {
    expect(existsSync(join(appDir, 'evidence-ledger-workstation'))).toBe(true);
    expect(existsSync(asar)).toBe(true);
  });

  it('packs the built main, preload and renderer, and nothing from node_modules', () => {
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/out/main/index.js', '/out/main/host.js', '/out/preload/index.cjs', '/out/renderer/index.html']));
    expect(files.some((f) => f.startsWith('/out/renderer/assets/') && f.endsWith('.js'))).toBe(true);
    expect(files.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(files.filter((f) => /^\/(app|electron|renderer|e2e)\//.test(f))).toEqual([]); // no sources
  });

  it('names the built main as the entry point, and main loads the packed preload, renderer and host process', () => {
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string; type: string; productName: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.type).toBe('module');
    expect(pkg.productName).toBe('Evidence Ledger Workstation');
    const main = extractFile(asar, posix.normalize(pkg.main)).toString('utf8');
    expect(main).toContain('../preload/index.cjs');
    expect(main).toContain('../renderer');
    expect(main).toContain('"host.js"');
    // Self-contained: main, the host process and their shared chunks import only electron, Node built-ins and
    // one another at run time; the host process does not need electron at all.
    const importsOf = (text: string) => [
      ...[...text.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/\b__require\(["']([^"']+)["']\)/g)].map((m) => m[1]!),
    ];
    const builtFiles = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/')).filter((f) => f.startsWith('/out/main/') && f.endsWith('.js'));
    for (const file of builtFiles) {
      const imports = importsOf(extractFile(asar, file.slice(1)).toString('utf8'));
      const outside = imports.filter((s) => s !== 'electron' && !s.startsWith('node:') && !builtinModules.includes(s) && !s.startsWith('.'));
      expect(outside, file).toEqual([]);
      if (file === '/out/main/index.js') expect(imports).toContain('electron');
      if (file === '/out/main/host.js') expect(imports).not.toContain('electron');
    }
    const preload = extractFile(asar, 'out/preload/index.cjs').toString('utf8');
    const preloadRequires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(preloadRequires).toEqual(['electron']);
  });

  it('packs the built worker threads, self-contained (Node built-ins only), and not the command line', () => {
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    expect(files).toEqual(expect.arrayContaining(['/out/workers/hash-worker.cjs', '/out/workers/audit-worker.cjs']));
    expect(files.filter((f) => f.startsWith('/out/cli/'))).toEqual([]);
    for (const w of ['hash-worker', 'audit-worker']) {
      const code = extractFile(asar, `out/workers/${w}.cjs`).toString('utf8');
      const required = [...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
      expect(required.filter((s) => !s.startsWith('node:') && !builtinModules.includes(s)), w).toEqual([]);
    }
  });

  it('packs what report.print reads at run time: template, the font subsets and the offline verifier', () => {
    const files = new Set(listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/')));
    for (const f of ['/out/report/template/report.html', '/out/report/template/report.css', '/out/report/fonts/noto-sans-sc/400.css', '/out/report/fonts/noto-sans-sc/700.css', '/out/verifier/verifier.html']) {
      expect(files, f).toContain(f);
    }
    const woff2 = [...files].filter((f) => f.startsWith('/out/report/fonts/noto-sans-sc/files/'));
    expect(woff2.length).toBeGreaterThan(100);
    expect(woff2.every((f) => /-(400|700)-normal\.woff2$/.test(f))).toBe(true); // only the two weights used
  });

  it('flips the fuses of the packed executable: no Node entry points, cookies encrypted, only the checked app.asar', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'evidence-ledger-workstation'));
    const expected: Record<keyof typeof FuseV1Options, 'on' | 'off'> = {
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off', // left as Electron ships it
      GrantFileProtocolExtraPrivileges: 'off',
    };
    const actual = Object.fromEntries(
      Object.keys(expected).map((name) => {
        const byte = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
        return [name, byte === ON ? 'on' : byte === OFF ? 'off' : `byte ${String(byte)}`];
      }),
    );
    expect(actual).toEqual(expected);
  });

  it('renders a bilingual report from the packed resources alone, with the font embedded', async () => {
    const unpacked = join(work, 'unpacked');
    extractAll(asar, unpacked);
    const ledgerDir = join(work, 'ledger');
    const b = await buildCaseLedger({ dir: ledgerDir, exhibits: 1, description: () => '手机 phone' });
    const data = buildReportData(await loadLedgerFolder(ledgerDir), b.caseId);
    const r = await renderReport(data, { lang: 'both', generatedAt: new Date('2026-11-27T10:00:00Z'), resources: builtReportResources(join(unpacked, 'out')) });
    expect(r.html).toContain(b.caseId);
    expect(r.html).toMatch(/@font-face\{font-family:'Noto Sans SC';font-style:normal;font-weight:400;[^}]*src:url\(data:font\/woff2;base64,/);
    expect(r.html).toMatch(/font-weight:700;[^}]*src:url\(data:font\/woff2;base64,/);
  });
});
