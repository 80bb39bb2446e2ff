// The hash worker's code. It runs on the hash threads from the built file out/workers/hash-worker.cjs (entry:
// hash-worker.ts, which passes in the modules it uses; see pool.ts and app/workers/built.ts).
//
// One read pass per file: the file is opened once, read sequentially into one fixed-size buffer (bounded
// memory whatever the file size) and every requested digest is updated from the same bytes.
// Changed-while-hashing (issue 5): the file's dev/ino must match what the walk saw (fstat on the open
// descriptor, before the pass), the bytes read must equal the size, and after the pass and the close the path
// must still name the same inode with the same size, mtime and ctime (one lstat: the inode the path names is the
// one read, so its attributes are the descriptor's, taken later than an fstat before the close would be).
// Otherwise the result is an error, never a hash.
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';

export type WireAlgorithm = 'sha256' | 'sha1' | 'md5';

export interface WorkerInit {
  /** BigInt64Array view: [0] = id of the file being read (-1 when idle), [1] = its bytes read so far, [2] = its size. */
  progress: SharedArrayBuffer;
  bufferSize: number;
  sniffBytes: number;
  /** Test hook: when set, the worker pauses after the first chunk of the first non-empty file (see pool.ts). */
  pauseHook?: SharedArrayBuffer;
  /** Test hook: a prefetch lane stalls this many ms after claiming each chunk, as if the system did not run it. */
  prefetchStallMs?: number;
}

export interface WireFile {
  id: number;
  /** The path's bytes as a latin1 string (one char per byte): cheap to post, exact for any bytes. */
  path: string;
  /** The identity the walk saw; only when `sized` (the walk stat'ed the file; else dev and ino are 0). */
  dev: bigint;
  ino: bigint;
  sized: boolean;
}

export interface HashJob {
  type: 'hash';
  job: number;
  algorithms: WireAlgorithm[];
  followSymlinks: boolean;
  /** The files, packed (measured: posting 256 small objects costs ~10× one string and three typed arrays). */
  files: PackedFiles;
  /** A file the walk did not size (`sized` false) that turns out bigger than this is not hashed but deferred:
   *  sent back with its stat (PackedResults ok 2) for a job of its own. */
  inlineMax: number;
  /** Bytes the job may hash: after the first file, an unsized file that would pass it is deferred too. */
  budget: number;
}

/** WireFile[] as columns: ids, NUL-separated latin1 paths (a path never contains NUL), devs, inos, sized. */
export interface PackedFiles {
  ids: Int32Array;
  paths: string;
  devs: BigUint64Array;
  inos: BigUint64Array;
  sized: Uint8Array;
}

export function packFiles(files: readonly WireFile[]): PackedFiles {
  const n = files.length;
  const ids = new Int32Array(n);
  const devs = new BigUint64Array(n);
  const inos = new BigUint64Array(n);
  const sized = new Uint8Array(n);
  let paths = '';
  for (let i = 0; i < n; i++) {
    const f = files[i] as WireFile;
    ids[i] = f.id;
    devs[i] = f.dev;
    inos[i] = f.ino;
    sized[i] = f.sized ? 1 : 0;
    paths += i === 0 ? f.path : `\0${f.path}`;
  }
  return { ids, paths, devs, inos, sized };
}

export interface WireHashed {
  id: number;
  ok: true;
  digests: Partial<Record<WireAlgorithm, string>>;
  size: number;
  /** Decimal strings (exact), and ISO 8601 times (null when the file system does not record one). */
  dev: string;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
  mtime: string | null;
  ctime: string | null;
  birthtime: string | null;
  head: Uint8Array;
}

/** A file a 'hash' job left unhashed (see HashJob.inlineMax), with what fstat of the open file told. */
export interface WireDeferred {
  id: number;
  ok: 'deferred';
  size: number;
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface WireFailed {
  id: number;
  ok: false;
  code: 'E_INTAKE_CHANGED' | 'E_INTAKE_VANISHED' | 'E_INTAKE_UNREADABLE' | 'E_INTAKE_SPECIAL_FILE';
  reason: string;
}

export type WireResult = WireHashed | WireFailed;

export interface JobDone {
  type: 'done';
  job: number;
  results: WireResult[];
}

/**
 * The results of a 'hash' job as columns, one row per file in job order (measured: the main thread spent
 * ~7 µs per file deserialising one object + one 512-byte Uint8Array per file; columns cost ~0.2 µs).
 * Failed rows have ok 0 and take the next entry of `failures`; `meta` is one space-separated string per hashed
 * file: dev ino mtimeNs ctimeNs mtime ctime birthtime (ISO 8601 times, `-` when absent); each hashed file's
 * first bytes (for media type detection) are heads[headEnds[i-1] .. headEnds[i]). Deferred rows (HashJob
 * inlineMax/budget) have ok 2, their size in `sizes` and `dev ino mtimeNs ctimeNs` in `meta`.
 */
export interface PackedResults {
  ids: Int32Array;
  ok: Uint8Array;
  sizes: Float64Array;
  digests: Partial<Record<WireAlgorithm, string[]>>;
  meta: string[];
  heads: Uint8Array;
  headEnds: Int32Array;
  failures: WireFailed[];
}

export interface PackedJobDone {
  type: 'packed';
  job: number;
  results: PackedResults;
}

/**
 * One large file hashed by two workers at once, sharing one read pass through a ring of slots in a
 * SharedArrayBuffer. Two modes:
 * - 'lanes' (more than one digest): the reader lane reads each chunk into a slot and hashes its digests; the
 *   helper lane hashes the same slot for the other digests, so the costliest digest gets a core of its own.
 * - 'prefetch' (one digest): the hashing worker owns the digest and every check (hashOne); the prefetch lane
 *   reads chunks ahead into the slots from a descriptor of its own, so reading chunk N+1 overlaps hashing chunk
 *   N. The hasher never waits on the prefetcher: a chunk not read yet it reads itself (claimed with a
 *   compare-and-swap, or read twice when the prefetcher holds it), so on a busy machine the pair is no slower
 *   than one worker reading and hashing alone. Slots are small (the ring stays in the L2 cache: measured here,
 *   a 4 × 1 MiB ring made the hasher fetch most chunks from memory, ~20% slower per byte).
 * Control words (Int32 indexes) are listed in hashWorkerMain; the header is RING_HEADER_BYTES long.
 */
export interface WireRing {
  sab: SharedArrayBuffer;
  slots: number;
  slotSize: number;
  mode: 'lanes' | 'prefetch';
}
export const RING_HEADER_BYTES = 256;
/** Most slots a ring may have (the header holds two Int32 words per slot). */
export const RING_MAX_SLOTS = 16;
export interface SplitReadJob {
  type: 'split-read';
  job: number;
  algorithms: WireAlgorithm[];
  followSymlinks: boolean;
  file: WireFile;
  ring: WireRing;
}
export interface SplitHashJob {
  type: 'split-hash';
  job: number;
  algorithms: WireAlgorithm[];
  ring: WireRing;
}
/** The prefetch lane of a 'prefetch' ring: reads `file` ahead for the worker running its SplitReadJob. */
export interface PrefetchJob {
  type: 'prefetch';
  job: number;
  followSymlinks: boolean;
  file: WireFile;
  ring: WireRing;
}
export interface LaneDone {
  type: 'lane-done';
  job: number;
  /** The helper's digests, or null when the reader gave up (the file failed) or the lane only prefetched. */
  digests: Partial<Record<WireAlgorithm, string>> | null;
  /** Prefetch lane: chunks it read for the hasher, and why it stopped early (the hasher then read the rest
   *  itself, and met any read error itself). */
  prefetched?: number;
  stopped?: string | null;
}
export type WorkerRequest = HashJob | SplitReadJob | SplitHashJob | PrefetchJob;
export type WorkerReply = JobDone | PackedJobDone | LaneDone;

export interface WorkerEnv {
  parentPort: MessagePort;
  workerData: WorkerInit;
  fs: typeof Fs;
  crypto: typeof Crypto;
}

export function hashWorkerMain(env: WorkerEnv): void {
  const { parentPort, workerData, fs, crypto } = env;
  const progress = new BigInt64Array(workerData.progress);
  const buffer = Buffer.allocUnsafe(workerData.bufferSize);
  const pause = workerData.pauseHook ? new Int32Array(workerData.pauseHook) : null;
  const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = fs.constants;
  const O_NOATIME = fs.constants.O_NOATIME ?? 0;
  let noatime = O_NOATIME !== 0;

  // A failure with the errno mapped to the engine's codes; the main thread words the message.
  const failure = (id: number, err: unknown): WireFailed => {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
    const reason = err instanceof Error ? err.message : String(err);
    if (code === 'ENOENT') return { id, ok: false, code: 'E_INTAKE_VANISHED', reason };
    if (code === 'ELOOP') return { id, ok: false, code: 'E_INTAKE_CHANGED', reason: `it became a symbolic link after it was listed (${reason})` };
    return { id, ok: false, code: 'E_INTAKE_UNREADABLE', reason };
  };

  // Ring control words. Lanes: slots filled, slots consumed by the helper, state, and two generation counters
  // that change on every fill / every consume (a waiter loads the generation first, so no wake-up is missed).
  // Prefetch: CONSUMED is the chunks the hasher is done with, CLAIM the next chunk to read (taken by
  // compare-and-swap, by either worker), GO 0 → 1 once the hasher has stat'ed the file (no byte may be read for
  // it before that) or → 2 if it stops first, P_WAITING set while the prefetcher sleeps on a full ring (woken
  // through GEN_FREE). Per slot: lens[slot] bytes in it (-1: the prefetcher's read failed), tags[slot] the chunk
  // number + 1 it holds (prefetch). The file size is a Float64 at byte 192, written before GO.
  const FILLED = 0, CONSUMED = 1, STATE = 2, GEN_FILL = 3, GEN_FREE = 4, CLAIM = 5, GO = 6, P_WAITING = 7;
  const RUNNING = 0, EOF = 1, ABORT = 2;
  interface Ring { ctl: Int32Array; lens: Int32Array; tags: Int32Array; size: Float64Array; views: Buffer[]; slots: number; slotSize: number; mode: WireRing['mode'] }
  const openRing = (r: WireRing): Ring => {
    const views: Buffer[] = [];
    for (let i = 0; i < r.slots; i++) views.push(Buffer.from(r.sab, 256 + i * r.slotSize, r.slotSize));
    return {
      ctl: new Int32Array(r.sab, 0, 16), lens: new Int32Array(r.sab, 64, 16), tags: new Int32Array(r.sab, 128, 16),
      size: new Float64Array(r.sab, 192, 1), views, slots: r.slots, slotSize: r.slotSize, mode: r.mode,
    };
  };
  const signalRing = (ring: Ring, state: number): void => {
    if (Atomics.compareExchange(ring.ctl, STATE, RUNNING, state) !== RUNNING) return;
    Atomics.add(ring.ctl, GEN_FILL, 1);
    Atomics.notify(ring.ctl, GEN_FILL);
    // Prefetch: release a prefetcher waiting to start or sleeping on a full ring.
    Atomics.compareExchange(ring.ctl, GO, 0, 2);
    Atomics.notify(ring.ctl, GO);
    Atomics.add(ring.ctl, GEN_FREE, 1);
    Atomics.notify(ring.ctl, GEN_FREE);
  };
  /** Reads `len` bytes at `offset` into `into` (fewer only at the end of the file); returns the count. */
  const readAt = (fd: number, into: Buffer, len: number, offset: number): number => {
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, into, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  };

  // ISO 8601 of a time in ns, remembering the last one: a file's three times, and files written together, mostly
  // share their millisecond (measured: three Date → ISO conversions were ~1.4 µs of ~12 µs per small file).
  // The remembered millisecond is kept as its range of ns, so a hit costs two comparisons, not a division.
  let isoFrom = -1n;
  let isoTo = -1n;
  let isoText = '';
  const iso = (ns: bigint): string | null => {
    if (ns <= 0n) return null;
    if (ns < isoFrom || ns >= isoTo) {
      const ms = ns / 1_000_000n;
      isoFrom = ms * 1_000_000n;
      isoTo = isoFrom + 1_000_000n;
      isoText = new Date(Number(ms)).toISOString();
    }
    return isoText;
  };
  const BIGINT_STAT = { bigint: true } as const;
  const EMPTY = new Uint8Array(0);
  const NO_LATE = new Int32Array(0);

  // A path's bytes (a latin1 string, see WireFile) as an fs argument: ASCII as is (its UTF-8 is itself), else
  // a Buffer of the bytes (measured: the Buffer cost ~0.2 µs of ~11 µs per small file). The same rule as walk.ts
  // fsPath, written again because this function may not import anything (see the header).
  // eslint-disable-next-line no-control-regex
  const NON_ASCII = /[^\x00-\x7f]/;
  const fsPath = (bytes: string): string | Buffer => (NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1') : bytes);
  const open = (path: string | Buffer, follow: boolean): number => {
    const flags = O_RDONLY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW);
    if (noatime) {
      try {
        // O_NOATIME keeps the evidence's access time as found; only the owner (or CAP_FOWNER) may use it.
        return fs.openSync(path, flags | O_NOATIME);
      } catch (err) {
        if (!(typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPERM')) throw err;
        noatime = false;
      }
    }
    return fs.openSync(path, flags);
  };

  // Prefetch ring, hasher side. Chunk `seq` (len bytes at offset): the slot's copy if the prefetcher has filled
  // it; else claim it and read it into the slot here; else the prefetcher is reading it right now: wait a
  // moment (spinning: a 128 KiB read takes ~25 µs), then read it again here into the worker's own buffer
  // rather than wait on a thread the system may not be running. That late read still lands in its slot, so the
  // slot stays the prefetcher's (`late[slot]` = its chunk) until it publishes that chunk: meanwhile a chunk this
  // worker claims for the slot is read into the worker's own buffer too, never into the slot.
  const SPIN_MS = 0.05;
  const takeChunk = (pf: Ring, late: Int32Array, fd: number, seq: number, len: number, offset: number): Buffer => {
    const slot = seq % pf.slots;
    const view = pf.views[slot] as Buffer;
    if (Atomics.load(pf.tags, slot) !== seq + 1) {
      if (Atomics.compareExchange(pf.ctl, CLAIM, seq, seq + 1) === seq) {
        const busy = late[slot] as number;
        if (busy >= 0 && Atomics.load(pf.tags, slot) !== busy + 1) return buffer.subarray(0, readAt(fd, buffer, len, offset));
        late[slot] = -1;
        const n = readAt(fd, view, len, offset);
        return n === view.length ? view : view.subarray(0, n);
      }
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(pf.tags, slot) !== seq + 1) {
        if (performance.now() > until) {
          late[slot] = seq;
          return buffer.subarray(0, readAt(fd, buffer, len, offset));
        }
      }
    }
    // The prefetcher published this chunk, so it finished every earlier one (it works in order).
    late[slot] = -1;
    const n = pf.lens[slot] as number;
    if (n < 0) return buffer.subarray(0, readAt(fd, buffer, len, offset)); // the prefetcher's read failed: ours reports why
    return n === view.length ? view : view.subarray(0, n);
  };
  // The hasher is done with chunk `seq`: its slot may be refilled. A prefetcher asleep on the full ring is woken
  // once half of it is free (one wake-up per half ring, not per chunk).
  const releaseChunk = (pf: Ring, seq: number): void => {
    Atomics.store(pf.ctl, CONSUMED, seq + 1);
    if (Atomics.load(pf.ctl, P_WAITING) === 1 && Atomics.load(pf.ctl, CLAIM) - (seq + 1) <= pf.slots >> 1) {
      Atomics.store(pf.ctl, P_WAITING, 0);
      Atomics.add(pf.ctl, GEN_FREE, 1);
      Atomics.notify(pf.ctl, GEN_FREE);
    }
  };

  // `deferAbove`: for a file the walk did not size, the size above which it is deferred instead of hashed.
  const hashOne = (file: WireFile, algorithms: WireAlgorithm[], follow: boolean, ring: Ring | null = null, deferAbove = Infinity): WireResult | WireDeferred => {
    const path = fsPath(file.path);
    let fd: number;
    try {
      fd = open(path, follow);
    } catch (err) {
      return failure(file.id, err);
    }
    let closed = false;
    let tracked = false;
    try {
      const before = fs.fstatSync(fd, BIGINT_STAT);
      if (!before.isFile()) {
        return { id: file.id, ok: false, code: 'E_INTAKE_SPECIAL_FILE', reason: 'it is no longer a regular file' };
      }
      if (file.sized && (before.dev !== file.dev || before.ino !== file.ino)) {
        return { id: file.id, ok: false, code: 'E_INTAKE_CHANGED', reason: `it was replaced after it was listed (inode ${file.dev}:${file.ino} became ${before.dev}:${before.ino})` };
      }
      const size = Number(before.size);
      if (!file.sized && size > deferAbove) {
        return { id: file.id, ok: 'deferred', size, dev: before.dev, ino: before.ino, mtimeNs: before.mtimeNs, ctimeNs: before.ctimeNs };
      }
      // A file read in one chunk is hashed after the checks, one shot per digest from that chunk (it stays in
      // the buffer: nothing is read after it), and is not shown in progress (measured: the Hash objects and
      // progress stores were ~1 µs per small file). Longer files stream through Hash objects.
      let hashes: Crypto.Hash[] | null = null;
      let whole: Uint8Array = EMPTY;
      tracked = ring !== null || size > buffer.length;
      if (tracked) {
        Atomics.store(progress, 2, before.size);
        Atomics.store(progress, 1, 0n);
        Atomics.store(progress, 0, BigInt(file.id));
      }
      const lanes = ring?.mode === 'lanes' ? ring : null;
      // Prefetch only when chunk numbers fit the Int32 control words (≥ 8 TiB at the smallest slot size).
      const pf = ring?.mode === 'prefetch' && Math.ceil(size / ring.slotSize) < 0x7fffffff ? ring : null;
      if (pf) {
        // Only now, after the stat the after-pass check compares with, may the prefetcher read.
        pf.size[0] = size;
        Atomics.store(pf.ctl, GO, 1);
        Atomics.notify(pf.ctl, GO);
      }
      const late = pf ? new Int32Array(pf.slots).fill(-1) : NO_LATE;
      let total = 0;
      let head: Uint8Array = EMPTY;
      for (let seq = 0; ; seq++) {
        let chunk: Buffer;
        let short = false;
        if (pf) {
          const offset = seq * pf.slotSize;
          if (offset >= size) break;
          const len = Math.min(pf.slotSize, size - offset);
          chunk = takeChunk(pf, late, fd, seq, len, offset);
          short = chunk.length < len;
          if (chunk.length === 0) break;
        } else {
          let target: Buffer = buffer;
          if (lanes) {
            // Wait for the helper to free the slot this chunk goes to.
            for (;;) {
              const gen = Atomics.load(lanes.ctl, GEN_FREE);
              if (seq - Atomics.load(lanes.ctl, CONSUMED) < lanes.slots) break;
              Atomics.wait(lanes.ctl, GEN_FREE, gen);
            }
            target = lanes.views[seq % lanes.slots] as Buffer;
          }
          const n = fs.readSync(fd, target, 0, target.length, null);
          if (n === 0) break;
          chunk = n === target.length ? target : target.subarray(0, n);
          if (lanes) {
            lanes.lens[seq % lanes.slots] = n;
            Atomics.store(lanes.ctl, FILLED, seq + 1);
            Atomics.add(lanes.ctl, GEN_FILL, 1);
            Atomics.notify(lanes.ctl, GEN_FILL);
          }
        }
        const n = chunk.length;
        if (total === 0) {
          // Without a ring, a view of the read buffer, valid until the next read (callers copy it at once:
          // posting the view would clone the whole buffer); a ring slot is overwritten while the file is still
          // being read, so its head is copied here.
          const sniffed = chunk.subarray(0, Math.min(n, workerData.sniffBytes));
          head = ring ? new Uint8Array(sniffed) : sniffed;
        }
        if (total === 0 && n >= size && !ring) {
          whole = chunk;
          total = n;
          break;
        }
        hashes ??= algorithms.map((a) => crypto.createHash(a));
        for (const h of hashes) h.update(chunk);
        total += n;
        if (tracked) Atomics.store(progress, 1, BigInt(total));
        if (pf) releaseChunk(pf, seq);
        // Stop at the size fstat gave: a file that grew meanwhile is caught by the size check after the pass
        // (this saves the EOF read, a syscall per small file); past the size, it grew while being read. A short
        // chunk (the file shrank) ends the pass too: the byte count check reports it.
        if (total >= size || short) break;
        if (pause && total === n && Atomics.load(pause, 0) === 0) {
          Atomics.store(pause, 0, 1);
          Atomics.notify(pause, 0);
          Atomics.wait(pause, 0, 1);
        }
      }
      if (ring) signalRing(ring, EOF);
      fs.closeSync(fd);
      closed = true;
      let now: Fs.BigIntStats;
      try {
        now = follow ? fs.statSync(path, BIGINT_STAT) : fs.lstatSync(path, BIGINT_STAT);
      } catch (err) {
        const f = failure(file.id, err);
        return f.code === 'E_INTAKE_VANISHED' ? { ...f, reason: `it vanished while it was hashed (${f.reason})` } : f;
      }
      if (now.dev !== before.dev || now.ino !== before.ino) {
        return { id: file.id, ok: false, code: 'E_INTAKE_CHANGED', reason: `it was replaced while it was hashed (inode ${before.dev}:${before.ino} became ${now.dev}:${now.ino})` };
      }
      // Same inode, so these are the attributes of the file read, as they are after the pass.
      if (now.size !== before.size || now.mtimeNs !== before.mtimeNs || now.ctimeNs !== before.ctimeNs || total !== size) {
        const changes: string[] = [];
        if (now.size !== before.size) changes.push(`size ${before.size} → ${now.size}`);
        if (now.mtimeNs !== before.mtimeNs) changes.push(`mtime ${before.mtimeNs} → ${now.mtimeNs} ns`);
        if (now.ctimeNs !== before.ctimeNs) changes.push(`ctime ${before.ctimeNs} → ${now.ctimeNs} ns`);
        if (total !== size) changes.push(`read ${total} bytes of ${size}`);
        return { id: file.id, ok: false, code: 'E_INTAKE_CHANGED', reason: `it changed while it was hashed (${changes.join(', ')})` };
      }
      const digests: Partial<Record<WireAlgorithm, string>> = {};
      for (let i = 0; i < algorithms.length; i++) {
        const a = algorithms[i] as WireAlgorithm;
        digests[a] = hashes ? (hashes[i] as Crypto.Hash).digest('hex') : crypto.hash(a, whole, 'hex');
      }
      return {
        id: file.id, ok: true, digests, size, dev: String(before.dev), ino: String(before.ino),
        mtimeNs: String(before.mtimeNs), ctimeNs: String(before.ctimeNs),
        mtime: iso(before.mtimeNs), ctime: iso(before.ctimeNs), birthtime: iso(before.birthtimeNs), head,
      };
    } catch (err) {
      return failure(file.id, err);
    } finally {
      if (!closed) fs.closeSync(fd);
      if (ring) signalRing(ring, ABORT); // no-op after EOF
      if (tracked) {
        Atomics.store(progress, 0, -1n);
        Atomics.store(progress, 1, 0n);
      }
    }
  };

  // The helper lane: hashes every slot the reader fills until the reader signals EOF (or ABORT).
  const hashLane = (msg: SplitHashJob): LaneDone => {
    const ring = openRing(msg.ring);
    const hashes = msg.algorithms.map((a) => crypto.createHash(a));
    let next = 0;
    for (;;) {
      const gen = Atomics.load(ring.ctl, GEN_FILL);
      const filled = Atomics.load(ring.ctl, FILLED);
      if (next < filled) {
        for (; next < filled; next++) {
          const slot = next % ring.slots;
          const view = ring.views[slot] as Buffer;
          const len = ring.lens[slot] as number;
          for (const h of hashes) h.update(len === view.length ? view : view.subarray(0, len));
          Atomics.store(ring.ctl, CONSUMED, next + 1);
          Atomics.add(ring.ctl, GEN_FREE, 1);
          Atomics.notify(ring.ctl, GEN_FREE);
        }
        continue;
      }
      const state = Atomics.load(ring.ctl, STATE);
      if (state === ABORT) return { type: 'lane-done', job: msg.job, digests: null };
      if (state === EOF && next === Atomics.load(ring.ctl, FILLED)) {
        const digests: Partial<Record<WireAlgorithm, string>> = {};
        msg.algorithms.forEach((a, i) => {
          digests[a] = (hashes[i] as Crypto.Hash).digest('hex');
        });
        return { type: 'lane-done', job: msg.job, digests };
      }
      if (state === RUNNING) Atomics.wait(ring.ctl, GEN_FILL, gen);
    }
  };

  // The prefetch lane: reads chunks ahead into the ring for the hasher (see WireRing), from a descriptor of its
  // own on the same inode (checked against the walk's dev:ino), never before the hasher's GO and never a chunk
  // past the size the hasher stat'ed. Everything it does not read, the hasher reads itself; so when it cannot
  // open the file or a read fails it just stops, and the hasher meets the error on its own read.
  const prefetchLane = (msg: PrefetchJob): LaneDone => {
    const ring = openRing(msg.ring);
    const { ctl, slots, slotSize } = ring;
    const half = slots >> 1;
    const stallMs = workerData.prefetchStallMs ?? 0;
    const stall = new Int32Array(new SharedArrayBuffer(4));
    let fd = -1;
    let prefetched = 0;
    let stopped: string | null = null;
    try {
      fd = open(fsPath(msg.file.path), msg.followSymlinks);
      const st = fs.fstatSync(fd, BIGINT_STAT);
      if (!st.isFile() || st.dev !== msg.file.dev || st.ino !== msg.file.ino) {
        stopped = `the path names inode ${st.dev}:${st.ino}, not the listed ${msg.file.dev}:${msg.file.ino}`;
        return { type: 'lane-done', job: msg.job, digests: null, prefetched, stopped };
      }
      while (Atomics.load(ctl, GO) === 0) Atomics.wait(ctl, GO, 0);
      if (Atomics.load(ctl, GO) !== 1) return { type: 'lane-done', job: msg.job, digests: null, prefetched, stopped };
      const size = ring.size[0] as number;
      while (Atomics.load(ctl, STATE) === RUNNING) {
        const seq = Atomics.load(ctl, CLAIM);
        const offset = seq * slotSize;
        if (offset >= size) break;
        if (seq - Atomics.load(ctl, CONSUMED) >= slots) {
          // Ring full: sleep until the hasher has freed half of it (releaseChunk) or stops (signalRing).
          Atomics.store(ctl, P_WAITING, 1);
          const gen = Atomics.load(ctl, GEN_FREE);
          if (Atomics.load(ctl, STATE) === RUNNING && Atomics.load(ctl, CLAIM) - Atomics.load(ctl, CONSUMED) > half) Atomics.wait(ctl, GEN_FREE, gen);
          Atomics.store(ctl, P_WAITING, 0);
          continue;
        }
        if (Atomics.compareExchange(ctl, CLAIM, seq, seq + 1) !== seq) continue; // the hasher took it
        if (stallMs > 0) Atomics.wait(stall, 0, 0, stallMs);
        const slot = seq % slots;
        let n: number;
        try {
          n = readAt(fd, ring.views[slot] as Buffer, Math.min(slotSize, size - offset), offset);
        } catch (err) {
          n = -1;
          stopped = `read at ${offset} failed: ${err instanceof Error ? err.message : String(err)}`;
        }
        ring.lens[slot] = n;
        Atomics.store(ring.tags, slot, seq + 1);
        if (n < 0) break;
        prefetched++;
      }
    } catch (err) {
      stopped = err instanceof Error ? err.message : String(err);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
    return { type: 'lane-done', job: msg.job, digests: null, prefetched, stopped };
  };

  parentPort.on('message', (msg: WorkerRequest) => {
    let reply: WorkerReply;
    if (msg.type === 'hash') {
      const { ids, paths, devs, inos } = msg.files;
      const pathList = paths.split('\0');
      const { inlineMax, budget } = msg;
      const sized = msg.files.sized;
      const n = ids.length;
      const out: PackedResults = {
        ids, ok: new Uint8Array(n), sizes: new Float64Array(n), digests: {}, meta: new Array<string>(n).fill(''),
        heads: new Uint8Array(n * workerData.sniffBytes), headEnds: new Int32Array(n), failures: [],
      };
      for (const a of msg.algorithms) out.digests[a] = new Array<string>(n).fill('');
      let headEnd = 0;
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const file: WireFile = { id: ids[i] as number, path: pathList[i] as string, dev: devs[i] as bigint, ino: inos[i] as bigint, sized: sized[i] === 1 };
        // The first file is always hashed (unless bigger than inlineMax); later ones while the budget lasts.
        const r = hashOne(file, msg.algorithms, msg.followSymlinks, null, bytes === 0 ? inlineMax : Math.min(inlineMax, budget - bytes));
        if (r.ok === 'deferred') {
          out.ok[i] = 2;
          out.sizes[i] = r.size;
          out.meta[i] = `${r.dev} ${r.ino} ${r.mtimeNs} ${r.ctimeNs}`;
        } else if (r.ok) {
          bytes += r.size;
          out.ok[i] = 1;
          out.sizes[i] = r.size;
          for (const a of msg.algorithms) (out.digests[a] as string[])[i] = r.digests[a] as string;
          out.meta[i] = `${r.dev} ${r.ino} ${r.mtimeNs} ${r.ctimeNs} ${r.mtime ?? '-'} ${r.ctime ?? '-'} ${r.birthtime ?? '-'}`;
          out.heads.set(r.head, headEnd);
          headEnd += r.head.length;
        } else {
          out.failures.push(r);
        }
        out.headEnds[i] = headEnd;
      }
      reply = { type: 'packed', job: msg.job, results: out };
      parentPort.postMessage(reply, [out.heads.buffer as ArrayBuffer]);
      return;
    } else if (msg.type === 'split-read') {
      const ring = openRing(msg.ring);
      const r = hashOne(msg.file, msg.algorithms, msg.followSymlinks, ring) as WireResult; // sized: never deferred
      reply = { type: 'done', job: msg.job, results: [r] }; // a ring's head is a copy (hashOne), not a slot view
      signalRing(ring, ABORT); // releases the other lane if the reader stopped before EOF (no-op after EOF)
    } else if (msg.type === 'prefetch') {
      reply = prefetchLane(msg);
    } else {
      reply = hashLane(msg);
    }
    parentPort.postMessage(reply);
  });
}
