// Crash-safety harness (used by crash.test.ts and crash.slow.test.ts): runs `evidence node serve` as a child
// process, submits signed records (sequential realistic ones and concurrent bursts), SIGKILLs the node at
// random points while requests are in flight, restarts it on the same folder and goes on. At the end it checks
// that every acknowledged submission is in the log at its promised index, that every record is there exactly
// once, and that the whole log verifies (tiles, checkpoint, rules, signatures).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SignedRecord } from '../crypto/envelope';
import { bytesEqual } from '../ledger/bytes';
import { fromBase64 } from '../crypto/encoding';
import { loadLog } from '../ledger/log';
import { leafHash } from '../ledger/merkle';
import { openPromise } from '../ledger/promise';
import { parseEntry, replay, entryBytes } from '../ledger/rules';
import { SampleNetwork } from '../node/sample-network';
import { FsLogDriver } from '../ledger/storage/fs';
import { initNode } from '../node/init';
import { rng } from '../common/rng';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/evidence.mjs');

export interface CrashRunOptions {
  seed: number;
  submissions: number;
  /** Mean acknowledgements between kills. */
  killEvery: number;
  batchMs?: number;
}

export interface CrashRunResult {
  acked: number;
  kills: number;
  size: number;
  /** Submissions answered 409 after a restart: journaled before the crash, but the answer was lost. */
  recoveredUnacked: number;
}

class NodeProcess {
  child: ChildProcess | undefined;
  url = '';
  constructor(private readonly dir: string, private readonly batchMs: number) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'node', 'serve', '--dir', this.dir, '--port', '0', '--batch-ms', String(this.batchMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    this.url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`node exited (${code}) before listening: ${err}`)));
    });
  }

  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((r) => {
      child.once('exit', () => r());
      child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((r) => {
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  }
}

type Outcome = { kind: 'ack'; index: number; leafHash: string; promise: string } | { kind: 'dup' } | { kind: 'down' };

async function submit(url: string, env: SignedRecord): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(`${url}/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(entryBytes(env)) });
  } catch {
    return { kind: 'down' };
  }
  let body: { index?: number; leafHash?: string; promise?: string; error?: { code: string; message: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    return { kind: 'down' };
  }
  if (res.status === 200) return { kind: 'ack', index: body.index!, leafHash: body.leafHash!, promise: body.promise! };
  if (res.status === 409 && body.error?.code === 'LEDGER_RULE_DUPLICATE_ID') return { kind: 'dup' };
  throw new Error(`submission ${String((env.record as { id?: string }).id)} refused: ${res.status} ${JSON.stringify(body)}`);
}

/** One crash run; throws if an acknowledged entry is missing or the log does not verify. */
export async function crashRun(o: CrashRunOptions): Promise<CrashRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ledger-crash-'));
  const rand = rng(o.seed);
  const origin = `crash-${o.seed}.test/ledger`;
  const net = new SampleNetwork({ origin, seed: o.seed });
  await initNode({ dir, origin, key: net.logKey, genesis: () => net.genesis() });
  // Steps: a realistic record (depends on earlier ones) or a burst of independent case.open records.
  const steps: SignedRecord[][] = [];
  let n = 0;
  while (n < o.submissions) {
    if (n > 12 && rand() < 0.3) {
      const invs = net.officers.filter((x) => x.role === 'investigator');
      const burst = Array.from({ length: Math.min(1 + Math.floor(rand() * 6), o.submissions - n) }, (_, i) => net.caseOpen(invs[i % invs.length]!));
      steps.push(burst);
      n += burst.length;
    } else {
      steps.push([net.next()]);
      n++;
    }
  }
  const node = new NodeProcess(dir, o.batchMs ?? 20);
  const acks = new Map<string, { index: number; leafHash: string; promise: string }>();
  let kills = 0;
  let recoveredUnacked = 0;
  let nextKill = 1 + Math.floor(rand() * o.killEvery * 2);
  try {
    await node.start();
    for (const step of steps) {
      let todo = step;
      while (todo.length > 0) {
        const killNow = acks.size >= nextKill;
        const pending = todo.map((env) => submit(node.url, env));
        if (killNow) {
          // SIGKILL while these requests are in flight, at a random moment.
          await new Promise((r) => setTimeout(r, Math.floor(rand() * 15)));
          await node.kill();
          kills++;
          nextKill = acks.size + 1 + Math.floor(rand() * o.killEvery * 2);
        }
        const outcomes = await Promise.all(pending);
        const retry: SignedRecord[] = [];
        for (const [i, out] of outcomes.entries()) {
          const id = (todo[i]!.record as unknown as { id: string }).id;
          if (out.kind === 'ack') acks.set(id, out);
          else if (out.kind === 'dup') recoveredUnacked++;
          else retry.push(todo[i]!);
        }
        if (retry.length > 0 || killNow) {
          await node.kill();
          await node.start();
        }
        todo = retry;
      }
    }
    // A last crash right after the final acknowledgements, then a restart integrates the journal.
    await node.kill();
    kills++;
    await node.start();
    await node.stop();

    const key = net.logKey;
    const loaded = await loadLog(new FsLogDriver(join(dir, 'log')), { logKey: key.verifier, origin });
    replay(loaded.entries);
    for (const [id, a] of acks) {
      const e = loaded.entries[a.index];
      if (!e) throw new Error(`acknowledged ${id} at index ${a.index} is missing: the log has ${loaded.entries.length} entries`);
      if (!bytesEqual(leafHash(e), fromBase64(a.leafHash))) throw new Error(`index ${a.index} holds another entry than the acknowledged ${id}`);
      const p = openPromise(a.promise, key.verifier);
      if (p.index !== a.index) throw new Error(`promise for ${id} names index ${p.index}, the answer ${a.index}`);
    }
    const ids = loaded.entries.map((e) => parseEntry(e).record.id);
    const all = steps.flat().map((e) => (e.record as unknown as { id: string }).id);
    const missing = all.filter((id) => !ids.includes(id));
    if (missing.length > 0) throw new Error(`${missing.length} submissions never made it: ${missing.slice(0, 3).join(', ')}`);
    if (new Set(ids).size !== ids.length) throw new Error('a record appears twice in the log');
    return { acked: acks.size, kills, size: loaded.entries.length, recoveredUnacked };
  } finally {
    await node.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
