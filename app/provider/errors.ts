// Named errors of the provider service. Each has a stable `code` and the HTTP status it maps to, so the
// server answers with the same code the workstation's client then raises again on its side.
import { storageFault } from '../fs/errors';
import { EvidenceError } from '../common/errors';

export class ProviderError extends EvidenceError {
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

/** The disk holding the store is full (ENOSPC). HTTP 507 Insufficient Storage (RFC 4918 §11.5). */
export class StoreFullError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_FULL', 507, message, options);
  }
}

/** The device holding the store reported an I/O error (EIO). HTTP 507: the provider cannot store it now. */
export class StoreIoError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_IO', 507, message, options);
  }
}

/** An upload declares more bytes than the provider accepts at all (its quota or its largest upload). HTTP 413. */
export class UploadTooLargeError extends ProviderError {
  constructor(message: string) {
    super('UPLOAD_TOO_LARGE', 413, message);
  }
}

/** Accepting the object would exceed the provider's configured quota. HTTP 507 (RFC 4918 §11.5). */
export class QuotaExceededError extends ProviderError {
  constructor(message: string) {
    super('QUOTA_EXCEEDED', 507, message);
  }
}

/** The store's folder cannot be written or read (EACCES, EPERM, EROFS). */
export class StorePermissionError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_PERMISSION', 500, message, options);
  }
}

/** Bytes do not have the SHA-256 / size they were declared or stored with. */
export class IntegrityError extends ProviderError {
  constructor(message: string) {
    super('INTEGRITY', 422, message);
  }
}

/** No object with that SHA-256 is stored. */
export class ObjectNotFoundError extends ProviderError {
  constructor(sha256: string) {
    super('OBJECT_NOT_FOUND', 404, `no object with sha256 ${sha256} is stored`);
  }
}

/** A request argument is malformed (bad hex, bad size, bad metadata). */
export class BadRequestError extends ProviderError {
  constructor(message: string) {
    super('BAD_REQUEST', 400, message);
  }
}

/** The request carries no valid signature of a known key. */
export class UnauthenticatedError extends ProviderError {
  constructor(code: string, message: string) {
    super(code, 401, message);
  }
}

/** The signer is known but may not do this (revoked, not enrolled, wrong role). */
export class ForbiddenError extends ProviderError {
  constructor(code: string, message: string) {
    super(code, 403, message);
  }
}

/** A request reuses an id in a way that conflicts with what was recorded for it. */
export class ConflictError extends ProviderError {
  constructor(code: string, message: string) {
    super(code, 409, message);
  }
}

/**
 * Maps a file-system error (or a named storage fault of app/fs/errors.ts) to a named store error, or returns
 * undefined when it is none of those.
 */
export function storeErrorFrom(err: unknown, what: string): ProviderError | undefined {
  if (err instanceof ProviderError) return err;
  const fault = storageFault(err, what);
  const code = fault?.errno ?? (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || fault?.code === 'STORAGE_FULL') {
    return new StoreFullError(`${what}: the disk is full (${code}); free space or raise the quota`, { cause: err });
  }
  if (code === 'EIO') return new StoreIoError(`${what}: the device reported an I/O error (EIO); check the disk`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StorePermissionError(`${what}: permission denied (${code}); the store folder must be writable by the provider`, {
      cause: err,
    });
  }
  return undefined;
}
