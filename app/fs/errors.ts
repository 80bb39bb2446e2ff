// Named storage faults. Every durable write in app/ (journals, nonce cache, state files, staging, tiles) maps
// the operating system's "cannot store" errors to one of these, so each service answers the same named code:
// HTTP 507 Insufficient Storage (RFC 4918 §11.5: "unable to store the representation … considered to be
// temporary") — the service accepts again once the fault clears.
import { EvidenceError } from '../common/errors';

/** Base class of the storage faults: a stable `code`, the HTTP status (507), and the OS error code (`errno`). */
export class StorageFaultError extends EvidenceError {
  readonly status = 507;
  /** The operating system's code: ENOSPC, EDQUOT, EIO, EROFS (or SHORT_WRITE for a write that made no progress). */
  readonly errno: string;
  constructor(code: string, errno: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.errno = errno;
  }
}

/** The disk or the user's quota is full (ENOSPC, EDQUOT, or a write that stored no byte). */
export class StorageFullError extends StorageFaultError {
  constructor(errno: string, message: string, options?: { cause?: unknown }) {
    super('STORAGE_FULL', errno, message, options);
  }
}

/** The file system is mounted read-only (EROFS). */
export class StorageReadOnlyError extends StorageFaultError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_READ_ONLY', 'EROFS', message, options);
  }
}

/** The device reported an I/O error (EIO) writing or syncing. */
export class StorageIoError extends StorageFaultError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_IO', 'EIO', message, options);
  }
}

/** The OS error codes that are storage faults. */
export const STORAGE_FAULT_ERRNOS: readonly string[] = ['ENOSPC', 'EDQUOT', 'EIO', 'EROFS'];

/**
 * Maps `err` (or its `cause`) to a named storage fault — `what` says what was being written, e.g. "appending to
 * the journal /data/log.journal" — or returns undefined when it is none. A StorageFaultError passes through.
 */
export function storageFault(err: unknown, what: string): StorageFaultError | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StorageFaultError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new StorageFullError(code, `${what}: the disk is full (${code}); free space (or raise the quota) and the service accepts again`, { cause: err });
    }
    if (code === 'EROFS') return new StorageReadOnlyError(`${what}: the file system is read-only (EROFS); remount it read-write`, { cause: err });
    if (code === 'EIO') return new StorageIoError(`${what}: the device reported an I/O error (EIO); check the disk`, { cause: err });
  }
  return undefined;
}

/** `storageFault(err, what)`, or `err` itself when it is not a storage fault. */
export function asStorageFault(err: unknown, what: string): unknown {
  return storageFault(err, what) ?? err;
}
