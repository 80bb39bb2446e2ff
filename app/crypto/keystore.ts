// The encrypted keystore holding one person's secp256k1 private key on the workstation. Node only.
//
// File (JSON, mode 0600, written temp → fsync → link/rename → fsync dir):
//   { "format": "evidence-keystore", "version": 1,
//     "kdf":    { "name": "scrypt", "N", "r", "p", "dkLen": 64, "salt": b64(32 bytes), "check": hex(32 bytes) },
//     "cipher": { "name": "aes-256-gcm", "iv": b64(12 bytes), "ciphertext": b64(32 bytes), "tag": b64(16 bytes) },
//     "publicKey": hex(33-byte compressed), "keyId": keyIdOf(publicKey),
//     "meta": { "name"?, "badge"?, "role"? }, "createdAt": ISO 8601 }
//
// dk = scrypt(NFC(passphrase), salt, N, r, p, 64) (RFC 7914). The first 32 bytes are the AES-256-GCM key
// (NIST SP 800-38D); the last 32 key an HMAC-SHA256 whose output over a fixed label is `kdf.check`, so a wrong
// passphrase (check differs) is told apart from a damaged file (check matches, GCM authentication fails).
// The GCM additional data is the canonical JSON (RFC 8785) of the whole file without ciphertext and tag, so
// editing the public key, key id, meta or parameters is detected as corruption.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import {
  CryptoError,
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystorePassphraseError,
  KeystoreVersionError,
  PassphraseError,
} from './errors';
import { fromBase64, fromHex, toBase64, toHex } from './encoding';
import { writeFileAtomic } from '../fs/atomic';
import { canonicalJson } from './record-digest';
import { generatePrivateKey, getPublicKey, keyIdOf } from './secp256k1';
import { signerFromPrivateKey, type DisposableSigner } from './signer';

export const KEYSTORE_FORMAT = 'evidence-keystore';
export const KEYSTORE_VERSION = 1;
export const KEYSTORE_MODE = 0o600;

export interface ScryptParams {
  /** CPU/memory cost, a power of two (RFC 7914 §2). */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * Default cost: unlocking takes about half a second here (measured on this project's 2-core build machine:
 * ~0.55 s; bench/crypto.bench.ts prints it) and needs 128 MiB (128·N·r bytes).
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 2 });

/** Bounds accepted when reading a file, so a crafted file cannot make unlock exhaust memory or time. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEM = 1024 * 1024 * 1024;

const CHECK_LABEL = 'evidence-keystore/v1/passphrase-check';

export interface KeystoreMeta {
  /** The officer's name as shown in the UI and reports. */
  name?: string;
  /** Badge or staff number. */
  badge?: string;
  /** The officer's role (investigator, custodian, supervisor, admin, provider …). */
  role?: string;
}

/** The public part of a keystore: what `evidence key show` prints. */
export interface KeystoreInfo {
  path: string;
  keyId: string;
  publicKey: string;
  meta: KeystoreMeta;
  createdAt: string;
  kdf: ScryptParams;
}

export interface UnlockedKeystore extends KeystoreInfo {
  /** Signs with the stored key; `dispose()` it when done. The private key is not otherwise reachable. */
  signer: DisposableSigner;
}

const metaText = z.string().max(200, 'at most 200 characters');
const metaSchema = z.strictObject({ name: metaText.optional(), badge: metaText.optional(), role: metaText.optional() });

const b64 = (bytes: number, what: string) =>
  z.string().refine((s) => {
    try {
      return fromBase64(s).length === bytes;
    } catch {
      return false;
    }
  }, `${what}: expected ${bytes} bytes in padded base64`);

const powerOfTwo = (n: number) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;

const keystoreSchema = z.strictObject({
  format: z.literal(KEYSTORE_FORMAT),
  version: z.literal(KEYSTORE_VERSION),
  kdf: z
    .strictObject({
      name: z.literal('scrypt'),
      N: z.number().refine(powerOfTwo, 'N must be a power of two ≥ 2').refine((n) => n <= MAX_N, `N must be at most ${MAX_N}`),
      r: z.number().int().min(1).max(MAX_R),
      p: z.number().int().min(1).max(MAX_P),
      dkLen: z.literal(64),
      salt: b64(32, 'salt'),
      check: z.string().regex(/^[0-9a-f]{64}$/, 'check: expected 64 lowercase hex characters'),
    })
    .refine((k) => 128 * k.N * k.r * k.p <= MAX_MEM, 'scrypt parameters need more than 1 GiB'),
  cipher: z.strictObject({
    name: z.literal('aes-256-gcm'),
    iv: b64(12, 'iv'),
    ciphertext: b64(32, 'ciphertext'),
    tag: b64(16, 'tag'),
  }),
  publicKey: z.string().regex(/^0[23][0-9a-f]{64}$/, 'publicKey: expected 66 lowercase hex characters starting 02 or 03'),
  keyId: z.string().regex(/^[0-9a-f]{32}$/, 'keyId: expected 32 lowercase hex characters'),
  meta: metaSchema,
  createdAt: z.iso.datetime({ offset: true }),
});
type KeystoreFile = z.infer<typeof keystoreSchema>;

export interface CreateKeystoreOptions {
  meta?: KeystoreMeta;
  /** scrypt cost; DEFAULT_SCRYPT unless given (tests pass a low cost). */
  scrypt?: ScryptParams;
  /** Import this key instead of generating one. It is zeroed after encryption. */
  privateKey?: Uint8Array;
  /** Clock for `createdAt` (tests). */
  now?: () => Date;
}

/**
 * Creates a keystore at `path` with a new (or the given) private key, encrypted under `passphrase`.
 * Refuses to overwrite an existing file (`KeystoreExistsError`). Returns only public information.
 */
export async function createKeystore(path: string, passphrase: string, options: CreateKeystoreOptions = {}): Promise<KeystoreInfo> {
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const given = Object.fromEntries(Object.entries(options.meta ?? {}).filter(([, v]) => v !== undefined));
  const meta = metaSchema.safeParse(given);
  if (!meta.success) {
    const issue = meta.error.issues[0]!;
    throw new TypeError(`keystore meta.${issue.path.join('.')}: ${issue.message}`);
  }
  if (!powerOfTwo(params.N) || params.N > MAX_N || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) {
    throw new RangeError(`scrypt parameters N=${params.N} r=${params.r} p=${params.p}: need N a power of two ≤ ${MAX_N}, 1 ≤ r ≤ ${MAX_R}, 1 ≤ p ≤ ${MAX_P}`);
  }
  const privateKey = options.privateKey ?? generatePrivateKey();
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const dk = await deriveKey(passphrase, salt, params);
  try {
    const publicKey = toHex(getPublicKey(privateKey));
    const header = {
      format: KEYSTORE_FORMAT,
      version: KEYSTORE_VERSION,
      kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, dkLen: 64, salt: toBase64(salt), check: passphraseCheck(dk) },
      cipher: { name: 'aes-256-gcm', iv: toBase64(iv) },
      publicKey,
      keyId: keyIdOf(publicKey),
      meta: meta.data,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
    } as const;
    const cipher = createCipheriv('aes-256-gcm', dk.subarray(0, 32), iv);
    cipher.setAAD(additionalData(header));
    const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
    const file: KeystoreFile = { ...header, cipher: { ...header.cipher, ciphertext: toBase64(ciphertext), tag: toBase64(cipher.getAuthTag()) } };
    try {
      await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n'), { mode: KEYSTORE_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeystoreExistsError(path);
      throw err;
    }
    return infoOf(path, file);
  } finally {
    dk.fill(0);
    privateKey.fill(0);
  }
}

/** Reads and validates a keystore's public part (no passphrase needed). */
export async function readKeystoreInfo(path: string): Promise<KeystoreInfo> {
  return infoOf(path, await readKeystoreFile(path));
}

/**
 * Unlocks the keystore: returns a Signer over its key (plus the public info and meta), never the key itself.
 * Errors: KeystoreNotFoundError, KeystoreCorruptError (truncated, not JSON, bad field, altered contents),
 * KeystoreVersionError (unknown format or version), KeystorePassphraseError (wrong passphrase).
 */
export async function unlockKeystore(path: string, passphrase: string): Promise<UnlockedKeystore> {
  const file = await readKeystoreFile(path);
  const dk = await deriveKey(passphrase, fromBase64(file.kdf.salt), file.kdf);
  let privateKey: Buffer | undefined;
  try {
    if (!timingSafeEqual(fromHex(passphraseCheck(dk)), fromHex(file.kdf.check))) throw new KeystorePassphraseError(path);
    const { ciphertext, tag, ...cipherHeader } = file.cipher;
    const decipher = createDecipheriv('aes-256-gcm', dk.subarray(0, 32), fromBase64(file.cipher.iv));
    decipher.setAAD(additionalData({ ...file, cipher: cipherHeader }));
    decipher.setAuthTag(fromBase64(tag));
    try {
      privateKey = Buffer.concat([decipher.update(fromBase64(ciphertext)), decipher.final()]);
    } catch (err) {
      throw new KeystoreCorruptError(path, 'the passphrase is right but authentication failed: the file was altered after it was written', { cause: err });
    }
    let publicKey: string;
    try {
      publicKey = toHex(getPublicKey(privateKey));
    } catch (err) {
      throw new KeystoreCorruptError(path, 'the decrypted private key is invalid', { cause: err });
    }
    if (publicKey !== file.publicKey) throw new KeystoreCorruptError(path, 'the decrypted key does not match publicKey');
    const signer = signerFromPrivateKey(privateKey);
    return { ...infoOf(path, file), signer };
  } finally {
    dk.fill(0);
    privateKey?.fill(0);
  }
}

async function readKeystoreFile(path: string): Promise<KeystoreFile> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreNotFoundError(path, { cause: err });
    throw err;
  }
  if (text.trim() === '') throw new KeystoreCorruptError(path, 'the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KeystoreCorruptError(path, `not valid JSON (truncated?): ${(err as Error).message}`, { cause: err });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new KeystoreCorruptError(path, 'expected a JSON object');
  const { format, version } = json as { format?: unknown; version?: unknown };
  if (format !== KEYSTORE_FORMAT) {
    throw new KeystoreVersionError(path, `format ${JSON.stringify(format)}; expected "${KEYSTORE_FORMAT}"`);
  }
  if (version !== KEYSTORE_VERSION) {
    throw new KeystoreVersionError(path, `version ${JSON.stringify(version)}; this release reads version ${KEYSTORE_VERSION}`);
  }
  const parsed = keystoreSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new KeystoreCorruptError(path, `field ${field}: ${issue.message}`);
  }
  const file = parsed.data;
  if (keyIdOf(file.publicKey) !== file.keyId) throw new KeystoreCorruptError(path, 'keyId is not the fingerprint of publicKey');
  return file;
}

/** scrypt (RFC 7914) of the NFC-normalised UTF-8 passphrase; runs on libuv's thread pool. */
async function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new PassphraseError('the passphrase is empty');
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scryptCb(secret, salt, 64, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024 }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  } finally {
    secret.fill(0);
  }
}

function passphraseCheck(dk: Buffer): string {
  return createHmac('sha256', dk.subarray(32, 64)).update(CHECK_LABEL).digest('hex');
}

function additionalData(file: Omit<KeystoreFile, 'cipher'> & { cipher: { name: string; iv: string } }): Buffer {
  const { cipher, ...rest } = file;
  return Buffer.from(canonicalJson({ ...rest, cipher: { name: cipher.name, iv: cipher.iv } }), 'utf8');
}

function infoOf(path: string, file: KeystoreFile): KeystoreInfo {
  return {
    path,
    keyId: file.keyId,
    publicKey: file.publicKey,
    meta: { ...file.meta },
    createdAt: file.createdAt,
    kdf: { N: file.kdf.N, r: file.kdf.r, p: file.kdf.p },
  };
}

/** True when `err` is one of the keystore errors (for adapters mapping codes to UI messages). */
export function isKeystoreError(err: unknown): err is CryptoError {
  return (
    err instanceof KeystorePassphraseError ||
    err instanceof KeystoreCorruptError ||
    err instanceof KeystoreVersionError ||
    err instanceof KeystoreExistsError ||
    err instanceof KeystoreNotFoundError ||
    err instanceof PassphraseError
  );
}
