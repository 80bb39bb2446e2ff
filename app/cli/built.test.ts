// The built command line end to end, as a user runs it: `node bin/evidence.mjs …` on out/cli/ (built from the
// sources by vitest's global setup, bin/build-cli.mjs). A module-resolve hook records every module the process
// loads, so the tests see that a command loads its own code and not the other commands' (servers, PDF printer).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, buildProgram } from './main';

const BIN = resolve(__dirname, '../../bin/evidence.mjs');
const dir = mkdtempSync(join(tmpdir(), 'cli-built-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Registered with `--import`: appends every resolved module URL to $MODULE_LOG (synchronously, from the hooks
// thread, so nothing is lost when the process exits).
const hooks = join(dir, 'hooks.mjs');
writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, r.url + '\\n');
  return r;
}
`);
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

let runs = 0;
/** Runs the built CLI; `modules` are the URLs it loaded, `packages` the npm packages among them. */
function evidence(args: string[]): { code: number | null; out: string; err: string; modules: string[]; packages: string[] } {
  const log = join(dir, `modules-${runs++}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], { encoding: 'utf8', env: { ...process.env, MODULE_LOG: log } });
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = [...new Set(modules.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p) => p !== undefined))].sort();
  return { code: r.status, out: r.stdout, err: r.stderr, modules, packages };
}
const commandChunks = (modules: string[]) => modules.map((u) => /\/out\/cli\/([a-z]+)-[A-Z0-9]+\.js$/.exec(u)?.[1]).filter((n) => n !== undefined && n !== 'chunk');

describe('the built evidence command', () => {
  it('--help lists every command and loads none of them (commander only)', () => {
    const r = evidence(['--help']);
    expect(r.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(r.out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(r.modules).toContain(pathToFileURL(resolve(__dirname, '../../out/cli/main.js')).href);
    expect(commandChunks(r.modules)).toEqual([]);
    expect(r.packages).toEqual(['commander']);
  });

  it('hash prints sha256sum lines and loads no server, printer or other command', () => {
    const file = join(dir, 'a file.bin');
    writeFileSync(file, 'evidence bytes\n');
    const r = evidence(['hash', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const expected = spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout;
    expect(r.out).toBe(expected);
    expect(commandChunks(r.modules)).toEqual(['hash']);
    for (const heavy of ['fastify', 'playwright-core', '@tus/server', 'ws']) expect(r.packages).not.toContain(heavy);
  });

  it('refuses an unknown command or sub-command in one line, with a non-zero status', () => {
    for (const args of [['frobnicate'], ['case', 'frobnicate'], ['key', 'frobnicate'], ['log', 'frobnicate']]) {
      const r = evidence(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^error: unknown command '[a-z]+'\n$/);
    }
  });

  it('ends quietly when the reader closes the pipe early (`evidence hash DIR | head -1`)', () => {
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 2000; i++) writeFileSync(join(many, `f${i}`), `${i}\n`); // ~200 KB of output: more than a pipe holds
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" hash "$2" | head -1', process.execPath, BIN, many], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^[0-9a-f]{64} {2}.*\/many\/f\d+\n$/);
    expect(r.stderr).not.toMatch(/EPIPE|Error:|\n\s+at /);
    expect(r.status).toBe(141); // as coreutils report a writer killed by SIGPIPE (128 + 13)
  });
});

describe('an unbuilt checkout', () => {
  it('says in one line to run `npm run build`', () => {
    const bin = join(dir, 'unbuilt', 'bin');
    mkdirSync(bin, { recursive: true });
    copyFileSync(BIN, join(bin, 'evidence.mjs'));
    const r = spawnSync(process.execPath, [join(bin, 'evidence.mjs'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`evidence: the command line is not built (${join(dir, 'unbuilt', 'out', 'cli', 'main.js')} is missing): run \`npm run build\`\n`);
  });
});

describe('the command table', () => {
  it('names every top-level command its modules register, and each module registers the command it is listed for', async () => {
    const registered = new Set<string>();
    for (const name of COMMAND_NAMES) {
      const names = (await buildProgram([name])).commands.map((c) => c.name());
      expect(names, name).toContain(name);
      for (const n of names) registered.add(n);
    }
    expect([...registered].sort()).toEqual([...COMMAND_NAMES].sort());
  });
});
