// The provider's data folder and identity:
//   DIR/provider.json      { format, keyId, publicKey, witness: { name, vkey }, createdAt } (written last by init)
//   DIR/provider.keystore  the provider's secp256k1 key (app/crypto keystore: scrypt + AES-256-GCM, mode 0600)
//   DIR/witness/           its Ed25519 C2SP cosigner key, for when the provider also witnesses the log
//   DIR/store/ staging/ receipts/ nonces.log   (server.ts)
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeystore, unlockKeystore, type KeystoreInfo, type ScryptParams, type UnlockedKeystore } from '../crypto/keystore';
import { initWitness } from '../witness/witness';
import { writeJsonAtomic } from '../fs/atomic';
import { ProviderError } from './errors';

export const PROVIDER_FORMAT = 'evidence-provider/v1';

export interface ProviderConfig {
  format: typeof PROVIDER_FORMAT;
  keyId: string;
  publicKey: string;
  witness: { name: string; vkey: string };
  createdAt: string;
}

/** The folder is not (or is already) a provider folder, or its files are damaged. */
export class ProviderConfigError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROVIDER_CONFIG', 500, message, options);
  }
}

export const providerPaths = (dir: string) => ({
  config: join(dir, 'provider.json'),
  keystore: join(dir, 'provider.keystore'),
  witness: join(dir, 'witness'),
});

export interface InitProviderOptions {
  name: string;
  /** Witness key name (default `<name>.witness`, spaces replaced). */
  witnessName?: string;
  scrypt?: ScryptParams;
}

/** Creates a provider folder: its secp256k1 keystore and its Ed25519 witness key. Refuses an existing one. */
export async function initProvider(dir: string, passphrase: string, o: InitProviderOptions): Promise<ProviderConfig> {
  const p = providerPaths(dir);
  try {
    await access(p.config);
    throw new ProviderConfigError(`${dir} is already a provider folder (${p.config} exists)`);
  } catch (err) {
    if (err instanceof ProviderConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dir, { recursive: true });
  let info: KeystoreInfo;
  try {
    info = await createKeystore(p.keystore, passphrase, { meta: { name: o.name, role: 'provider' }, ...(o.scrypt ? { scrypt: o.scrypt } : {}) });
  } catch (err) {
    if ((err as { code?: string }).code === 'E_KEYSTORE_EXISTS') {
      throw new ProviderConfigError(`${p.keystore} exists but ${p.config} does not: a previous init stopped half-way; move the folder aside and init again`, { cause: err });
    }
    throw err;
  }
  const witnessName = o.witnessName ?? `${o.name.replace(/[\s+]+/g, '-')}.witness`;
  const witness = await initWitness(p.witness, witnessName);
  const config: ProviderConfig = {
    format: PROVIDER_FORMAT,
    keyId: info.keyId,
    publicKey: info.publicKey,
    witness: { name: witness.name, vkey: witness.vkey },
    createdAt: new Date().toISOString(),
  };
  await writeJsonAtomic(p.config, config, 0o644);
  return config;
}

export async function readProviderConfig(dir: string): Promise<ProviderConfig> {
  const p = providerPaths(dir);
  let raw: string;
  try {
    raw = await readFile(p.config, 'utf8');
  } catch (err) {
    throw new ProviderConfigError(`${p.config} cannot be read: is ${dir} a provider folder? (create one with \`evidence provider init --dir ${dir}\`)`, { cause: err });
  }
  const c = JSON.parse(raw) as ProviderConfig;
  if (c.format !== PROVIDER_FORMAT || typeof c.keyId !== 'string' || typeof c.publicKey !== 'string') {
    throw new ProviderConfigError(`${p.config} is not an ${PROVIDER_FORMAT} file`);
  }
  return c;
}

/** Unlocks the provider's key; checks it is the key named in provider.json. */
export async function unlockProvider(dir: string, passphrase: string): Promise<{ config: ProviderConfig; keystore: UnlockedKeystore }> {
  const config = await readProviderConfig(dir);
  const keystore = await unlockKeystore(providerPaths(dir).keystore, passphrase);
  if (keystore.keyId !== config.keyId) {
    keystore.signer.dispose();
    throw new ProviderConfigError(`${providerPaths(dir).keystore} holds key ${keystore.keyId}, but provider.json names ${config.keyId}`);
  }
  return { config, keystore };
}
