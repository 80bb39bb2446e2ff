// Fault injection for the durable-write layer (app/fs/io.ts): a FileIo that behaves like node:fs except at the
// calls the plan names — a short write, a write failing with EIO or ENOSPC, a failing fdatasync/fsync — on files
// whose path matches (also files opened before it was installed). `injectFaults` installs it; `restore()` puts
// the real one back.
import type { FileHandle } from 'node:fs/promises';
import { nodeIo, openedPath, setFileIo, type FileIo } from '../fs/io';

export type FaultErrno = 'EIO' | 'ENOSPC' | 'EDQUOT' | 'EROFS';

export interface FaultPlan {
  /** Only files whose path matches are faulted (default: all). */
  path?: RegExp;
  /** The Nth matching write (1-based) stores only half its bytes (at least one). */
  shortWriteAt?: number;
  /** The Nth matching write fails with `errno` (after storing half its bytes, as a filling disk does). */
  failWriteAt?: number;
  /** The Nth matching fdatasync/fsync fails with `errno`. */
  failSyncAt?: number;
  /** Every matching write and sync fails from the Nth write on, until `heal()`. */
  failAllFrom?: number;
  errno?: FaultErrno;
}

export interface InjectedFaults {
  /** Matching writes and syncs seen so far. */
  readonly writes: number;
  readonly syncs: number;
  /** Faults injected so far. */
  readonly injected: number;
  /** Stops injecting (the fault clears); the counters keep running. */
  heal(): void;
  /** Reinstalls the real node:fs operations. */
  restore(): void;
}

function fault(errno: FaultErrno, call: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${errno}: injected fault, ${call}`), { code: errno, errno: -5, syscall: call });
}

export function injectFaults(plan: FaultPlan): InjectedFaults {
  const errno = plan.errno ?? 'EIO';
  let writes = 0;
  let syncs = 0;
  let injected = 0;
  let healed = false;
  const matches = (fh: FileHandle): boolean => !healed && (plan.path?.test(openedPath(fh) ?? '') ?? true);
  const failingAll = (): boolean => !healed && plan.failAllFrom !== undefined && writes >= plan.failAllFrom;
  const io: FileIo = {
    open: (path, flags, mode) => nodeIo.open(path, flags, mode),
    async write(fh, data, offset, length, position) {
      if (!matches(fh)) return nodeIo.write(fh, data, offset, length, position);
      writes++;
      if (writes === plan.shortWriteAt) {
        injected++;
        return nodeIo.write(fh, data, offset, Math.max(1, length >> 1), position);
      }
      if (writes === plan.failWriteAt || failingAll()) {
        injected++;
        if (length > 1) await nodeIo.write(fh, data, offset, length >> 1, position);
        throw fault(errno, 'write');
      }
      return nodeIo.write(fh, data, offset, length, position);
    },
    async sync(fh, kind) {
      if (!matches(fh)) return nodeIo.sync(fh, kind);
      syncs++;
      if (syncs === plan.failSyncAt || failingAll()) {
        injected++;
        throw fault(errno, kind === 'data' ? 'fdatasync' : 'fsync');
      }
      return nodeIo.sync(fh, kind);
    },
    async truncate(fh, length) {
      if (matches(fh) && failingAll()) {
        injected++;
        throw fault(errno, 'ftruncate');
      }
      return nodeIo.truncate(fh, length);
    },
  };
  const restore = setFileIo(io);
  return {
    get writes() {
      return writes;
    },
    get syncs() {
      return syncs;
    },
    get injected() {
      return injected;
    },
    heal: () => {
      healed = true;
    },
    restore,
  };
}
