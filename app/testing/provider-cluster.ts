// Test support: a real ledger node and a real provider, each a child process started through the CLI
// (`node bin/evidence.mjs node …` / `provider …`) on 127.0.0.1, with members enrolled by real signed records.
// Used by the provider's integration and crash suites; not part of the product.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRecord, type SignedRecord } from '../crypto/envelope';
import { canonicalJson } from '../crypto/record-digest';
import { createKeystore, unlockKeystore } from '../crypto/keystore';
import type { DisposableSigner } from '../crypto/signer';
import { adminRole } from '../ledger/rules';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(REPO, 'bin', 'evidence.mjs');
export const PASSPHRASE = 'integration passphrase 7f3c';
const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export interface Person {
  keystore: string;
  signer: DisposableSigner;
}

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, EVIDENCE_PASSPHRASE: PASSPHRASE };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { cwd?: string } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: cliEnv(), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a long-running CLI command and resolves once it prints `listening on URL`. */
export function startCli(args: string[]): Promise<Running> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolveStart({ child, url: m[1]!, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`evidence ${args.join(' ')} exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

/** Stops a child (SIGKILL unless told otherwise) and waits for it to exit. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await exited;
}

export async function makePerson(dir: string, name: string, role: string): Promise<Person> {
  const keystore = join(dir, `${name}.keystore`);
  await createKeystore(keystore, PASSPHRASE, { meta: { name, role }, scrypt: CHEAP_SCRYPT });
  const { signer } = await unlockKeystore(keystore, PASSPHRASE);
  return { keystore, signer };
}

export interface Cluster {
  dir: string;
  origin: string;
  nodeDir: string;
  providerDir: string;
  node: Running;
  provider: Running;
  providerKeyId: string;
  admin: Person;
  alice: Person;
  bob: Person;
  mallory: Person;
  caseId: string;
  startProvider(): Promise<Running>;
  close(): Promise<void>;
}

async function post(url: string, env: SignedRecord): Promise<void> {
  const res = await fetch(`${url}/add`, { method: 'POST', body: canonicalJson(env) });
  if (res.status !== 200) throw new Error(`POST /add ${env.record.type}: ${res.status} ${await res.text()}`);
}

/** Waits until the node's checkpoint covers `size` entries. */
export async function waitForSize(nodeUrl: string, size: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`${nodeUrl}/checkpoint`)).text();
    if (Number(text.split('\n')[1]) >= size) return;
    if (Date.now() > deadline) throw new Error(`the checkpoint did not reach size ${size}:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ledger node + provider (child processes), admin, two enrolled investigators, one stranger, one open case. */
export async function startCluster(dir: string): Promise<Cluster> {
  await mkdir(dir, { recursive: true });
  const origin = 'integration.test/ledger';
  const admin = await makePerson(dir, 'admin', 'admin');
  const alice = await makePerson(dir, 'alice', 'investigator');
  const bob = await makePerson(dir, 'bob', 'investigator');
  const mallory = await makePerson(dir, 'mallory', 'investigator');
  const nodeDir = join(dir, 'node');
  const providerDir = join(dir, 'provider');
  const pinit = runCli(['provider', 'init', '--dir', providerDir, '--name', 'Integration Provider']);
  if (pinit.status !== 0) throw new Error(`provider init failed: ${pinit.stderr}`);
  const keyId = /keyId\s+([0-9a-f]{32})/.exec(pinit.stdout)![1]!;
  const publicKey = /publicKey\s+(0[23][0-9a-f]{64})/.exec(pinit.stdout)![1]!;
  const init = runCli(['node', 'init', '--dir', nodeDir, '--name', origin, '--admin-key', admin.keystore, '--provider', `${keyId}:${publicKey}:Integration Provider`]);
  if (init.status !== 0) throw new Error(`node init failed: ${init.stderr}`);
  const node = await startCli(['node', 'serve', '--dir', nodeDir, '--port', '0', '--batch-ms', '50']);

  let n = 0;
  const enroll = (member: { keyId: string; publicKey: string; name: string; role: string }) =>
    signRecord(
      { type: 'member.enroll', v: 1, origin, id: `enroll-${++n}`, time: new Date().toISOString(), member: { ...member, badge: member.role === 'provider' ? '' : `PB-${n}` } },
      adminRole(0),
      admin.signer,
    ) as SignedRecord;
  await post(node.url, enroll({ keyId: alice.signer.keyId, publicKey: alice.signer.publicKey, name: 'Alice', role: 'investigator' }));
  await post(node.url, enroll({ keyId: bob.signer.keyId, publicKey: bob.signer.publicKey, name: 'Bob', role: 'investigator' }));
  await post(node.url, enroll({ keyId, publicKey, name: 'Integration Provider', role: 'provider' }));
  const caseId = 'CASE-INT-1';
  await post(
    node.url,
    signRecord({ type: 'case.open', v: 1, origin, id: 'case-int-1', time: new Date().toISOString(), caseId, title: 'Integration', agency: 'Test Unit', description: 'integration test case' }, 'investigator', alice.signer) as SignedRecord,
  );
  await waitForSize(node.url, 5);

  const cluster: Cluster = {
    dir,
    origin,
    nodeDir,
    providerDir,
    node,
    provider: undefined as unknown as Running,
    providerKeyId: keyId,
    admin,
    alice,
    bob,
    mallory,
    caseId,
    async startProvider() {
      cluster.provider = await startCli(['provider', 'serve', '--dir', providerDir, '--ledger', node.url, '--port', '0']);
      return cluster.provider;
    },
    async close() {
      if (cluster.provider) await stop(cluster.provider.child, 'SIGTERM');
      await stop(node.child, 'SIGTERM');
      for (const p of [admin, alice, bob, mallory]) p.signer.dispose();
    },
  };
  await cluster.startProvider();
  return cluster;
}
