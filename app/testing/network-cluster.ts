// Test support: a whole network on 127.0.0.1 for the workstation's network mode — a ledger node with one
// witness (genesis policy 1 of 1) and a provider, each a separate process started through the CLI
// (`node bin/evidence.mjs …`), set up as an administrator would: `witness init`, `node init` with the admin's
// keystore, the witness policy and the provider's key (`provider init` first), `witness add-log`, and the
// provider enrolled with `evidence member enroll --trust`. Used by the host's network tests and the Playwright network spec; not product code.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { makePerson, runCli, startCli, stop, type Person, type Running } from './provider-cluster';

export interface NetworkCluster {
  dir: string;
  origin: string;
  logKey: string;
  witness: { name: string; vkey: string };
  providerKeyId: string;
  admin: Person;
  node: Running;
  provider: Running;
  witnessServer: Running;
  /** The ledger's trust.bundle, written by `node init` (what an administrator gives every workstation). */
  trustBundle: string;
  /** A copy of the node folder taken right after `node init` (same log key and genesis): to stage a fork. */
  forkNodeDir: string;
  /** The settings a workstation needs for this network (Settings → network). */
  settings(): { ledgerUrl: string; providerUrl: string; logKey: string; providerKey: string; witnesses: { name: string; vkey: string }[]; witnessQuorum: number };
  /** `evidence member enroll` with the admin keystore; throws with the CLI's words when it fails. */
  enroll(member: { keyId: string; publicKey: string; name: string; badge: string; role: string }): string;
  stopProvider(): Promise<void>;
  startProvider(): Promise<Running>;
  close(): Promise<void>;
}

function must(r: { status: number; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function startNetworkCluster(dir: string, origin = 'ledger.network.test/main'): Promise<NetworkCluster> {
  await mkdir(dir, { recursive: true });
  const admin = await makePerson(dir, 'admin', 'admin');
  const witnessName = 'witness.network.test/w1';
  const wdir = join(dir, 'witness');
  const witnessVkey = must(runCli(['witness', 'init', '--dir', wdir, '--name', witnessName]), 'witness init').trim();
  const genesisConfig = join(dir, 'genesis.json');
  await writeFile(genesisConfig, JSON.stringify({ network: 'Network test', witnessPolicy: { quorum: 1, witnesses: [{ name: witnessName, vkey: witnessVkey }] } }));
  const nodeDir = join(dir, 'node');
  const providerDir = join(dir, 'provider');
  const pinit = must(runCli(['provider', 'init', '--dir', providerDir, '--name', 'Network Test Provider']), 'provider init');
  const providerKeyId = /keyId\s+([0-9a-f]{32})/.exec(pinit)![1]!;
  const providerPublicKey = /publicKey\s+(0[23][0-9a-f]{64})/.exec(pinit)![1]!;
  const init = must(runCli(['node', 'init', '--dir', nodeDir, '--name', origin, '--config', genesisConfig, '--admin-key', admin.keystore, '--provider', `${providerKeyId}:${providerPublicKey}:Network Test Provider`]), 'node init');
  const trustBundle = join(nodeDir, 'trust.bundle');
  const logKey = /vkey (\S+)/.exec(init)![1]!;
  must(runCli(['witness', 'add-log', '--dir', wdir, '--vkey', logKey]), 'witness add-log');
  const forkNodeDir = join(dir, 'node-fork');
  await cp(nodeDir, forkNodeDir, { recursive: true });
  const running: Running[] = [];
  try {
    const witnessServer = await startCli(['witness', 'serve', '--dir', wdir, '--port', '0']);
    running.push(witnessServer);
    await writeFile(join(nodeDir, 'witnesses.json'), JSON.stringify([{ vkey: witnessVkey, url: witnessServer.url }]));
    const node = await startCli(['node', 'serve', '--dir', nodeDir, '--port', '0', '--batch-ms', '100']);
    running.push(node);
    const enroll = (m: { keyId: string; publicKey: string; name: string; badge: string; role: string }): string =>
      must(
        runCli(['member', 'enroll', '--node', node.url, '--trust', trustBundle, '--admin-key', admin.keystore, '--key-id', m.keyId, '--public-key', m.publicKey, '--name', m.name, '--badge', m.badge, '--role', m.role]),
        `member enroll ${m.name}`,
      );
    enroll({ keyId: providerKeyId, publicKey: providerPublicKey, name: 'Network Test Provider', badge: '', role: 'provider' });
    let provider = await startCli(['provider', 'serve', '--dir', providerDir, '--ledger', node.url, '--port', '0']);
    running.push(provider);
    const providerPort = new URL(provider.url).port;
    const cluster: NetworkCluster = {
      dir,
      origin,
      trustBundle,
      logKey,
      witness: { name: witnessName, vkey: witnessVkey },
      providerKeyId,
      admin,
      node,
      get provider() {
        return provider;
      },
      witnessServer,
      forkNodeDir,
      settings: () => ({ ledgerUrl: node.url, providerUrl: provider.url, logKey, providerKey: providerKeyId, witnesses: [{ name: witnessName, vkey: witnessVkey }], witnessQuorum: 1 }),
      enroll,
      async stopProvider() {
        await stop(provider.child, 'SIGKILL');
      },
      async startProvider() {
        provider = await startCli(['provider', 'serve', '--dir', providerDir, '--ledger', node.url, '--port', providerPort]);
        running.push(provider);
        return provider;
      },
      async close() {
        for (const r of running.reverse()) await stop(r.child, 'SIGTERM');
        admin.signer.dispose();
      },
    };
    return cluster;
  } catch (err) {
    for (const r of running.reverse()) await stop(r.child, 'SIGKILL');
    admin.signer.dispose();
    throw err;
  }
}

/**
 * A TCP link of limited bandwidth in front of the provider (upload direction), so that a restart can land in
 * the middle of an upload on a fast loopback: a slow network, not a stand-in for the provider.
 */
export async function slowLink(target: string, bytesPerSecond: number): Promise<{ url: string; hold(): void; release(): void; close(): Promise<void> }> {
  const { port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  // While held, nothing more reaches the target (a cable pulled without a reset): a test stops an upload at a
  // point of its choosing instead of racing the remaining bytes.
  let held: Array<() => void> | null = null;
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), '127.0.0.1');
    sockets.add(client).add(upstream);
    const throttle = new Transform({
      transform(chunk: Buffer, _e, cb) {
        const pass = () => setTimeout(() => cb(null, chunk), (chunk.length / bytesPerSecond) * 1000);
        if (held) held.push(pass);
        else pass();
      },
    });
    client.pipe(throttle).pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const queue = held ?? [];
      held = null;
      for (const pass of queue) pass();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

