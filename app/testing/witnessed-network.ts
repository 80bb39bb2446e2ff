// A whole witnessed network as separate processes on 127.0.0.1, each started through the CLI
// (`node bin/evidence.mjs …`): one ledger node, three witnesses (genesis policy 2 of 3) and two mirrors (B syncs
// from A first, then the node). Entries are submitted over HTTP while witness 3 and mirror B are killed
// (SIGKILL) and later restarted on the same ports. Used by network.test.ts (a few hundred entries) and
// network.slow.test.ts (5,000).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesEqual } from '../ledger/bytes';
import { bundlesForSize, tilePath, tilesForSize } from '../ledger/layout';
import { loadLog } from '../ledger/log';
import { LedgerState, entryBytes } from '../ledger/rules';
import { SampleNetwork } from '../node/sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { initNode } from '../node/init';
import { checkPolicy, parsePolicy } from '../witness/cosignature';
import { addWitnessLog, initWitness, originHash } from '../witness/witness';
import { addMirrorLog, type SyncState } from '../mirror/mirror';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

class Proc {
  child: ChildProcess | undefined;
  output = '';
  constructor(readonly name: string, readonly args: string[]) {}

  /** Starts the process and resolves once it prints "listening on <url>". */
  start(): Promise<void> {
    const child = spawn(process.execPath, [join(repo, 'bin/evidence.mjs'), ...this.args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${this.name} did not start within 60 s:\n${this.output.slice(-2000)}`)), 60_000);
      const onData = (d: Buffer): void => {
        this.output += d.toString();
        if (/listening on http/.test(this.output.split('\n').slice(-5).join('\n'))) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => {
        this.output += d.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`${this.name} exited (${code}) before listening:\n${this.output.slice(-2000)}`));
      });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((res) => {
      c.once('exit', () => res());
      c.kill(signal);
    });
    this.child = undefined;
  }
}

async function getText(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface NetworkResult {
  size: number;
  mirrorStates: SyncState[][];
  /** Resources of the final tree compared between the two mirrors. */
  comparedResources: number;
  witnessSizes: number[];
  nodeFinal: boolean;
  mirrorsFinal: boolean[];
  restarted: string[];
}

export async function runNetwork(entries: number): Promise<NetworkResult> {
  const root = await mkdtemp(join(tmpdir(), 'network-'));
  const procs: Proc[] = [];
  try {
    const origin = 'network.example/ledger';
    const net = new SampleNetwork({ origin, seed: 5, witnesses: 3 });
    const genesis = net.genesis();
    const policy = parsePolicy(genesis.record.witnessPolicy as never);
    await initNode({ dir: join(root, 'node'), origin, key: net.logKey, genesis: () => genesis });
    const [nodePort, w0, w1, w2, mA, mB] = await Promise.all(Array.from({ length: 6 }, freePort)) as [number, number, number, number, number, number];
    const wPorts = [w0, w1, w2];
    const url = (p: number) => `http://127.0.0.1:${p}`;
    const witnesses: Proc[] = [];
    for (const [i, k] of net.witnessKeys.entries()) {
      const dir = join(root, `w${i}`);
      await initWitness(dir, k.verifier.name, k.skey);
      await addWitnessLog(dir, { origin, vkey: net.logKey.vkey });
      witnesses.push(new Proc(`witness ${i}`, ['witness', 'serve', '--dir', dir, '--port', String(wPorts[i])]));
    }
    await writeFile(join(root, 'node', 'witnesses.json'), JSON.stringify(net.witnessKeys.map((k, i) => ({ vkey: k.vkey, url: url(wPorts[i]!) }))));
    const node = new Proc('node', ['node', 'serve', '--dir', join(root, 'node'), '--port', String(nodePort), '--batch-ms', '100']);
    const hash = originHash(origin);
    await addMirrorLog(join(root, 'mA'), { origin, logKey: net.logKey.vkey, peers: [url(nodePort)], gossip: [`${url(nodePort)}/gossip`, `${url(mB)}/gossip`] });
    await addMirrorLog(join(root, 'mB'), { origin, logKey: net.logKey.vkey, peers: [`${url(mA)}/${hash}`, url(nodePort)], gossip: [`${url(nodePort)}/gossip`, `${url(mA)}/gossip`] });
    const mirrors = [
      new Proc('mirror A', ['mirror', 'serve', '--dir', join(root, 'mA'), '--port', String(mA), '--interval-ms', '300']),
      new Proc('mirror B', ['mirror', 'serve', '--dir', join(root, 'mB'), '--port', String(mB), '--interval-ms', '300']),
    ];
    procs.push(...witnesses, node, ...mirrors);
    await Promise.all([...witnesses, node, ...mirrors].map((p) => p.start()));

    // Submit entries one by one (the sample sequence is order-dependent); kill witness 3 and mirror B after a
    // third, restart them after two thirds.
    const restarted: string[] = [];
    for (let i = 1; i <= entries; i++) {
      if (i === Math.floor(entries / 3)) await Promise.all([witnesses[2]!.stop('SIGKILL'), mirrors[1]!.stop('SIGKILL')]);
      if (i === Math.floor((2 * entries) / 3)) {
        await Promise.all([witnesses[2]!.start(), mirrors[1]!.start()]);
        restarted.push('witness 2', 'mirror B');
      }
      const r = await fetch(`${url(nodePort)}/add`, { method: 'POST', body: new Uint8Array(entryBytes(net.next())), headers: { 'content-type': 'application/octet-stream' } });
      if (r.status !== 200) throw new Error(`POST /add ${i} answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    }
    const size = entries + 1;
    const timeout = 60_000 + entries * 60;
    const nodeNote = await until('a final checkpoint of the whole log at the node', async () => {
      const { text } = await getText(`${url(nodePort)}/checkpoint`);
      const c = checkPolicy(text, net.logKey.verifier, policy, origin);
      return c.checkpoint.size === size && c.cosigners.length === 3 ? text : undefined;
    }, timeout);
    const mirrorStates = await until('both mirrors synced to the final checkpoint', async () => {
      const states = await Promise.all([mA, mB].map(async (p) => JSON.parse((await getText(`${url(p)}/status`)).text) as SyncState[]));
      return states.every((s) => s[0]?.state === 'synced' && s[0].size === size) ? states : undefined;
    }, timeout);
    const witnessSizes = await Promise.all(wPorts.map(async (p) => checkPolicy((await getText(`${url(p)}/${hash}/checkpoint`)).text, net.logKey.verifier, policy).checkpoint.size));
    await Promise.all(procs.map((p) => p.stop()));

    // Both mirrors: verified from scratch (tiles, root, signature, rules), final, and byte-identical.
    const drivers = ['mA', 'mB'].map((m) => new FsLogDriver(join(root, m, 'logs', hash)));
    const mirrorsFinal: boolean[] = [];
    const bodies: string[] = [];
    for (const d of drivers) {
      const state = new LedgerState();
      const loaded = await loadLog(d, { logKey: net.logKey.verifier, origin, onEntry: (e) => void state.apply(e) });
      if (loaded.tree.size !== size || state.size !== size) throw new Error(`a mirror holds ${loaded.tree.size} entries, expected ${size}`);
      const note = new TextDecoder().decode(await d.get('checkpoint'));
      mirrorsFinal.push(checkPolicy(note, net.logKey.verifier, policy, origin).final);
      bodies.push(note.slice(0, note.indexOf('\n\n')));
    }
    if (bodies[0] !== bodies[1] || bodies[0] !== nodeNote.slice(0, nodeNote.indexOf('\n\n'))) throw new Error('the mirrors trust different checkpoints');
    const resources = [...bundlesForSize(size), ...tilesForSize(size)].map(tilePath);
    for (const p of resources) {
      const [a, b] = await Promise.all(drivers.map((d) => d.get(p)));
      if (!bytesEqual(a!, b!)) throw new Error(`mirrors differ in ${p}`);
    }
    const nodeForks = await readFile(join(root, 'node', 'forks'), 'utf8').catch(() => 'none');
    if (nodeForks !== 'none') throw new Error('the node recorded a fork');
    return { size, mirrorStates, comparedResources: resources.length, witnessSizes, nodeFinal: true, mirrorsFinal, restarted };
  } catch (err) {
    for (const p of procs) process.stderr.write(`--- ${p.name} ---\n${p.output.slice(-3000)}\n`);
    throw err;
  } finally {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await rm(root, { recursive: true, force: true });
  }
}
