// Identities: the officers' keys on this workstation, each in an encrypted keystore (app/crypto/keystore) named
// `<keyId>.json` in the data folder's `identities/`. At most one is unlocked at a time; its Signer stays in the
// host process and is never sent to the UI — only public information crosses the contract.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IdentityInfo, IdentityStatus, OfficerRole } from '../contract/api';
import {
  createKeystore,
  readKeystoreInfo,
  unlockKeystore,
  type KeystoreInfo,
  type ScryptParams,
} from '../crypto/keystore';
import { generatePrivateKey, getPublicKey, keyIdOf } from '../crypto/secp256k1';
import { signerFromPrivateKey, type DisposableSigner, type Signer } from '../crypto/signer';
import { CryptoError } from '../crypto/errors';
import { fsyncDir } from '../fs/atomic';
import { HostError } from './errors';

export const IDENTITIES_DIR = 'identities';

export class LockedError extends HostError {
  constructor() {
    super('LOCKED', 'No identity is unlocked. Unlock yours with its passphrase, then try again.');
    this.name = 'LockedError';
  }
}

/** Maps the keystore's errors to codes and words for the person at the screen. */
function forPerson(err: unknown, what: string): unknown {
  if (!(err instanceof CryptoError)) return err;
  switch (err.code) {
    case 'E_KEYSTORE_PASSPHRASE':
      return new HostError('WRONG_PASSPHRASE', `The passphrase does not unlock ${what}. Check the keyboard layout and Caps Lock, then try again.`, { cause: err });
    case 'E_KEYSTORE_NOT_FOUND':
      return new HostError('IDENTITY_NOT_FOUND', `There is no identity ${what} on this workstation. Create one, or import its keystore file.`, { cause: err });
    case 'E_KEYSTORE_CORRUPT':
    case 'E_KEYSTORE_VERSION':
      return new HostError('KEYSTORE_INVALID', `The keystore of ${what} cannot be used: ${err.message}. Import a good copy of the file.`, { cause: err });
    case 'E_PASSPHRASE':
      return new HostError('PASSPHRASE_INVALID', `The passphrase cannot be used: ${err.message}.`, { cause: err, params: { problem: err.message } });
    default:
      return err;
  }
}

function toInfo(k: KeystoreInfo): IdentityInfo {
  return {
    keyId: k.keyId,
    publicKey: k.publicKey,
    name: k.meta.name ?? '',
    badge: k.meta.badge ?? '',
    role: k.meta.role ?? '',
    createdAt: k.createdAt,
  };
}

export class IdentityService {
  private unlocked: { info: IdentityInfo; signer: DisposableSigner } | undefined;
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly onChange: (status: IdentityStatus) => void,
    /** Test hook: cheaper scrypt parameters. Production uses the keystore's default (~0.5 s to unlock). */
    private readonly scrypt?: ScryptParams,
  ) {
    this.dir = join(dataDir, IDENTITIES_DIR);
  }

  private pathOf(keyId: string): string {
    return join(this.dir, `${keyId}.json`);
  }

  async list(): Promise<IdentityInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const infos: IdentityInfo[] = [];
    for (const name of names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n)).sort()) {
      infos.push(toInfo(await readKeystoreInfo(join(this.dir, name))));
    }
    return infos.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId));
  }

  async status(): Promise<IdentityStatus> {
    return { unlocked: this.unlocked?.info ?? null, identities: await this.list() };
  }

  /** The unlocked identity's signer, for the host's own flows (deposition, transfers). */
  signer(): { info: IdentityInfo; signer: Signer } {
    if (this.unlocked === undefined) throw new LockedError();
    return this.unlocked;
  }

  async create(args: { name: string; badge: string; role: OfficerRole; passphrase: string }): Promise<IdentityStatus> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const privateKey = generatePrivateKey();
    const forSigner = Uint8Array.from(privateKey);
    const keyId = keyIdOf(getPublicKey(privateKey));
    let info: KeystoreInfo;
    try {
      // createKeystore zeroes `privateKey`; signerFromPrivateKey zeroes `forSigner`.
      info = await createKeystore(this.pathOf(keyId), args.passphrase, {
        privateKey,
        meta: { name: args.name, badge: args.badge, role: args.role },
        ...(this.scrypt ? { scrypt: this.scrypt } : {}),
      });
    } catch (err) {
      forSigner.fill(0);
      throw forPerson(err, 'the new identity');
    }
    await fsyncDir(this.dir);
    return this.become(toInfo(info), signerFromPrivateKey(forSigner));
  }

  async import(args: { keystore: string; passphrase: string }): Promise<IdentityStatus> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.import-${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, args.keystore, { mode: 0o600, flag: 'wx' });
    try {
      const opened = await unlockKeystore(tmp, args.passphrase).catch((err: unknown) => {
        throw forPerson(err, 'the imported keystore');
      });
      const target = this.pathOf(opened.keyId);
      if ((await this.list()).some((i) => i.keyId === opened.keyId)) {
        opened.signer.dispose();
        throw new HostError('IDENTITY_EXISTS', `The identity ${opened.meta.name ?? opened.keyId} (key ${opened.keyId}) is already on this workstation. Unlock it instead.`, {
          params: { name: opened.meta.name ?? opened.keyId, keyId: opened.keyId },
        });
      }
      await rename(tmp, target);
      await fsyncDir(this.dir);
      return this.become(toInfo({ ...opened, path: target }), opened.signer);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async unlock(args: { keyId: string; passphrase: string }): Promise<IdentityStatus> {
    const opened = await unlockKeystore(this.pathOf(args.keyId), args.passphrase).catch((err: unknown) => {
      throw forPerson(err, `key ${args.keyId}`);
    });
    return this.become(toInfo(opened), opened.signer);
  }

  async lock(): Promise<IdentityStatus> {
    this.forget();
    const status = await this.status();
    this.onChange(status);
    return status;
  }

  /** Locks without telling anyone (the host is closing). */
  forget(): void {
    this.unlocked?.signer.dispose();
    this.unlocked = undefined;
  }

  private async become(info: IdentityInfo, signer: DisposableSigner): Promise<IdentityStatus> {
    this.forget();
    this.unlocked = { info, signer };
    const status = await this.status();
    this.onChange(status);
    return status;
  }
}
