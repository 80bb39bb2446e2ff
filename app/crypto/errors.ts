// Named errors of the signing core. Each has a stable `code` that callers (CLI, host, adapters) test and map;
// the message names the bad value and what would be right (docs/STYLE.md). Adapters wrap these with `{ cause }`.
import { EvidenceError } from '../common/errors';

/** Base class: every error thrown by app/crypto is a CryptoError with a stable `code`. */
export class CryptoError extends EvidenceError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A record handed to the signer is not a plain JSON object with a string `type`, or holds a non-JSON value. */
export class RecordInputError extends CryptoError {
  static readonly CODE = 'E_RECORD_INPUT';
  /** JSON path of the offending value, e.g. `$.items[2].size`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(RecordInputError.CODE, `record ${path}: ${message}`);
    this.path = path;
  }
}

/** A key (private or public) has the wrong length, encoding, or is not a valid point/scalar. */
export class InvalidKeyError extends CryptoError {
  static readonly CODE = 'E_INVALID_KEY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(InvalidKeyError.CODE, message, options);
  }
}

/** A signature's encoding is malformed (wrong length, bad base64/DER, r or s out of range). */
export class SignatureEncodingError extends CryptoError {
  static readonly CODE = 'E_SIGNATURE_ENCODING';
  constructor(message: string) {
    super(SignatureEncodingError.CODE, message);
  }
}

/** A signed-record envelope (or one of its signatures) does not match the schema; the message names the field. */
export class EnvelopeSchemaError extends CryptoError {
  static readonly CODE = 'E_ENVELOPE_SCHEMA';
  /** Path of the first offending field, e.g. `signatures[1].sig`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(EnvelopeSchemaError.CODE, `envelope field ${field}: ${message}`);
    this.field = field;
  }
}

/** `addSignature` was asked to add a role that already signed the envelope. */
export class DuplicateRoleError extends CryptoError {
  static readonly CODE = 'E_DUPLICATE_ROLE';
  readonly role: string;
  constructor(role: string) {
    super(DuplicateRoleError.CODE, `the envelope already carries a signature for role "${role}"; each role signs once`);
    this.role = role;
  }
}

/** A signer was used after `dispose()` wiped its key. */
export class SignerDisposedError extends CryptoError {
  static readonly CODE = 'E_SIGNER_DISPOSED';
  constructor(keyId: string) {
    super(SignerDisposedError.CODE, `signer for key ${keyId} was disposed; unlock the keystore again to sign`);
  }
}

/** The keystore's passphrase is wrong (the passphrase check did not match). */
export class KeystorePassphraseError extends CryptoError {
  static readonly CODE = 'E_KEYSTORE_PASSPHRASE';
  constructor(path: string) {
    super(KeystorePassphraseError.CODE, `wrong passphrase for keystore ${path}`);
  }
}

/** The keystore file is truncated, not JSON, fails its schema, or its ciphertext/authentication tag is damaged. */
export class KeystoreCorruptError extends CryptoError {
  static readonly CODE = 'E_KEYSTORE_CORRUPT';
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(KeystoreCorruptError.CODE, `keystore ${path} is corrupt: ${detail}`, options);
  }
}

/** The keystore file has an unknown `format` or `version` (written by another program or a newer release). */
export class KeystoreVersionError extends CryptoError {
  static readonly CODE = 'E_KEYSTORE_VERSION';
  constructor(path: string, detail: string) {
    super(KeystoreVersionError.CODE, `keystore ${path} has an unsupported format: ${detail}`);
  }
}

/** `createKeystore` refuses to overwrite an existing file (a lost key cannot be recovered). */
export class KeystoreExistsError extends CryptoError {
  static readonly CODE = 'E_KEYSTORE_EXISTS';
  constructor(path: string) {
    super(KeystoreExistsError.CODE, `keystore ${path} already exists; choose another path (keys are never overwritten)`);
  }
}

/** The keystore file does not exist. */
export class KeystoreNotFoundError extends CryptoError {
  static readonly CODE = 'E_KEYSTORE_NOT_FOUND';
  constructor(path: string, options?: { cause?: unknown }) {
    super(KeystoreNotFoundError.CODE, `no keystore at ${path}`, options);
  }
}

/** A passphrase is unusable (empty, or the two entries differ). */
export class PassphraseError extends CryptoError {
  static readonly CODE = 'E_PASSPHRASE';
  constructor(message: string) {
    super(PassphraseError.CODE, message);
  }
}
