// The intake engine: walk → hash in worker threads → evidence-item candidates, with progress, cancel,
// duplicate flags, folder manifests and a crash-recoverable journal. See index.ts for the API contract.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { isUtf8 } from 'node:buffer';
import { IntakeArgumentError, IntakeCancelledError, IntakeJournalError, type ItemError } from './errors';
import { displayName } from './escape';
import { JournalWriter, readJournal, RESULT_FILE, type JournalHeader } from './journal';
import { writeFileAtomic } from '../fs/atomic';
import { _buildManifest, ManifestStream, type ByteStringManifestEntry } from './manifest';
import { detectMediaType } from './mediatype';
import { acquireHashPool, releaseHashPool, type HashPool, type PoolOptions } from './pool';
import { ALGORITHMS, type Algorithm, type FileProgress, type FolderExhibit, type IntakeItem, type IntakeProgress, type IntakeResult } from './types';
import { walk, type FileEntry, type FileStat, type WalkEntry } from './walk';
import { packFiles, type WireFile, type WireResult } from './worker-body';

export interface IntakeOptions {
  /** Files and folders to take in (strings are UTF-8; give Buffers for names that are not). */
  paths: ReadonlyArray<string | Buffer>;
  /** Digests to compute; SHA-256 is always included. Default ['sha256']. */
  algorithms?: readonly Algorithm[];
  /** Follow symbolic links (guarding against loops by dev:ino). Default false: links are recorded, not followed. */
  followSymlinks?: boolean;
  /** SHA-256 hex digests already in the case: matching items are flagged `duplicate.inCase`. */
  knownHashes?: Iterable<string>;
  /** Folder for the batch journal and result (created if missing). Without it the batch is not recoverable. */
  batchDir?: string;
  signal?: AbortSignal;
  /** Called at most ~10 times a second, and once at the end. */
  onProgress?: (progress: IntakeProgress) => void;
  /** Called once per item as soon as it is final (hashed, failed or a link); `duplicate` is set only in the result. */
  onItem?: (item: IntakeItem) => void;
  /** Worker threads (default `os.availableParallelism()`). */
  workers?: number;
  /** Read buffer per worker in bytes (default 1 MiB). */
  bufferSize?: number;
  /** @internal Test hook: a worker pauses after the first chunk of the first non-empty file (pool.ts). */
  _pauseHook?: SharedArrayBuffer;
  /** @internal Test hook: a prefetch lane stalls this long after claiming each chunk (pool.ts). */
  _prefetchStallMs?: number;
  /** @internal Test hook: the size from which files are split over two workers (default SPLIT_MIN). */
  _splitMin?: number;
}

export type ResumeOptions = Omit<IntakeOptions, 'paths' | 'algorithms' | 'followSymlinks' | 'batchDir'>;

const PROGRESS_INTERVAL_MS = 100;
/** Files below this size travel many to a message (measured: per-message cost ≈ hashing 20 KiB). */
const SMALL_FILE = 256 << 10;
/** Up to this many files (and bytes) per message: measured on 20,000 files of 4 KiB, 512 files a message ran
 *  ~6% faster than 256 (fewer messages, result handlers and back-pressure waits), 1,024 no faster than 512. */
const BATCH_MAX_FILES = 512;
const BATCH_MAX_BYTES = 4 << 20;
/**
 * Files at least this big are hashed by two workers sharing one read pass (pool.ts runSplit): SHA-256 alone
 * is hashed on one while the other reads ahead (reading overlaps hashing); with more digests the slowest
 * digest gets a core of its own. Why (per-digest rates measured with `openssl
 * speed` here: MD5 0.84 GB/s, SHA-1 2.1, SHA-256 1.97; page-cache reads ~8 GB/s): the three digests serially
 * in one thread reach ~0.46 GB/s (measured 0.51× openssl's MD5 rate); split, the bound is MD5's own rate.
 * The split's gain is to be confirmed on an idle machine: under the load of the shared development host the
 * lanes' lock-step made it swing both ways (bench/intake.bench.ts measures it).
 */
const SPLIT_MIN = 32 << 20;

/** [reader's, helper's] digests for a split file: the costliest digest alone on the helper (for SHA-256 alone the
 *  reader has none: runSplit then prefetches for the helper's digest). */
export function splitAlgorithms(algorithms: readonly Algorithm[]): [Algorithm[], Algorithm[]] {
  const helper: Algorithm = algorithms.includes('md5') ? 'md5' : 'sha256';
  return [algorithms.filter((a) => a !== helper), [helper]];
}

interface Config {
  batchId: string;
  startedAt: string;
  paths: Buffer[];
  algorithms: Algorithm[];
  followSymlinks: boolean;
}

function normaliseAlgorithms(algorithms: readonly string[] | undefined): Algorithm[] {
  const wanted = new Set<string>(['sha256', ...(algorithms ?? [])]);
  for (const a of wanted) {
    if (!(ALGORITHMS as readonly string[]).includes(a)) throw new IntakeArgumentError(`unknown algorithm ${JSON.stringify(a)}; use sha256, sha1 or md5`);
  }
  return ALGORITHMS.filter((a) => wanted.has(a));
}

function baseName(path: Buffer): Buffer {
  let end = path.length;
  while (end > 1 && path[end - 1] === 0x2f) end--;
  const slash = path.lastIndexOf(0x2f, end - 1);
  return path.subarray(slash + 1, end);
}

// eslint-disable-next-line no-control-regex
const NEEDS_DISPLAY_ESCAPE = /[\x00-\x1f\x7f\\]/;
/** Printable ASCII without `\`: such a byte string is its own UTF-8 text and display form. */
const PLAIN = /^[\x20-\x5b\x5d-\x7e]*$/;

type PathFields = Pick<IntakeItem, 'path' | 'pathBase64' | 'relPath' | 'displayPath' | 'name'>;

/** The item's path fields from the walk's byte strings (walk.ts). */
function pathFields(path: string, rel: string | null): PathFields {
  if (PLAIN.test(path) && !path.endsWith('/')) {
    // The common case, with no conversion: the bytes are printable ASCII.
    return { path, relPath: rel, displayPath: path, name: path.slice(path.lastIndexOf('/') + 1) };
  }
  return pathFieldsOfBytes(Buffer.from(path, 'latin1'), rel === null ? null : Buffer.from(rel, 'latin1'));
}

function pathFieldsOfBytes(path: Buffer, rel: Buffer | null): PathFields {
  const exact = isUtf8(path);
  const text = path.toString('utf8');
  // For valid UTF-8, the relative path and base name are tails of the decoded text: slice instead of decoding.
  const name = exact && path[path.length - 1] !== 0x2f ? text.slice(text.lastIndexOf('/') + 1) : baseName(path).toString('utf8');
  const relPath = rel === null ? null : exact ? text.slice(text.length - utf8Length(rel)) : rel.toString('utf8');
  return {
    path: text,
    ...(exact ? {} : { pathBase64: path.toString('base64') }),
    relPath,
    displayPath: exact && !NEEDS_DISPLAY_ESCAPE.test(text) ? text : displayName(path),
    name,
  };
}

/** Number of UTF-16 code units the (valid UTF-8) bytes decode to. */
function utf8Length(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) {
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1; // a lead byte; 4-byte sequences are surrogate pairs
  }
  return n;
}

function emptyItem(index: number, entry: WalkEntry, kind: IntakeItem['kind']): IntakeItem {
  const path = entry.path;
  if (PLAIN.test(path) && !path.endsWith('/')) {
    // pathFields' common case, inline (one object per file, not two).
    return {
      index, root: entry.root, path, relPath: entry.rel, displayPath: path, name: path.slice(path.lastIndexOf('/') + 1), kind,
      size: null, mtime: null, ctime: null, birthtime: null, mtimeNs: null, ctimeNs: null, dev: null, ino: null,
      hashes: null, mediaType: null, error: null,
    };
  }
  const f = pathFields(entry.path, entry.rel);
  const item: IntakeItem = {
    index, root: entry.root, path: f.path, relPath: f.relPath, displayPath: f.displayPath, name: f.name, kind,
    size: null, mtime: null, ctime: null, birthtime: null, mtimeNs: null, ctimeNs: null, dev: null, ino: null,
    hashes: null, mediaType: null, error: null,
  };
  if (f.pathBase64 !== undefined) item.pathBase64 = f.pathBase64;
  return item;
}

function wireError(display: string, r: Extract<WireResult, { ok: false }>): ItemError {
  switch (r.code) {
    case 'E_INTAKE_CHANGED':
      return { code: r.code, message: `not hashed ${JSON.stringify(display)}: ${r.reason}; hash it again once nothing writes to it` };
    case 'E_INTAKE_VANISHED':
      return { code: r.code, message: `not hashed ${JSON.stringify(display)}: it no longer exists (${r.reason})` };
    case 'E_INTAKE_SPECIAL_FILE':
      return { code: r.code, message: `not hashed ${JSON.stringify(display)}: ${r.reason}` };
    default:
      return { code: r.code, message: `cannot read ${JSON.stringify(display)}: ${r.reason}` };
  }
}

/** True when a journaled item still describes the file the walk found (same inode, size and times). */
function stillValid(item: IntakeItem | undefined, stat: FileStat | null, algorithms: Algorithm[]): item is IntakeItem {
  return item !== undefined && stat !== null && item.error === null && item.hashes !== null
    && algorithms.every((a) => typeof item.hashes?.[a] === 'string')
    && item.dev === String(stat.dev) && item.ino === String(stat.ino) && item.size === stat.size
    && item.mtimeNs === String(stat.mtimeNs) && item.ctimeNs === String(stat.ctimeNs);
}

interface Pending {
  index: number;
  entry: FileEntry;
  /** The walk's stat, or the one a worker sent back when it deferred the file; null until then. */
  stat: FileStat | null;
}

async function runBatch(
  config: Config,
  options: ResumeOptions,
  journal: JournalWriter | null,
  batchDir: string | undefined,
  reuse: Map<string, IntakeItem>,
): Promise<IntakeResult> {
  const { signal, onProgress } = options;
  const poolOptions: PoolOptions = { size: options.workers, bufferSize: options.bufferSize, pauseHook: options._pauseHook, prefetchStallMs: options._prefetchStallMs };
  const known = new Set<string>();
  for (const h of options.knownHashes ?? []) known.add(h.toLowerCase());
  const started = performance.now();
  const items: IntakeItem[] = [];
  /** Each item's path relative to its input folder as a byte string (walk.ts), for the folder manifests. */
  const rels: Array<string | null> = [];
  const folderRoots = new Set<number>();
  let pool: HashPool | null = null;
  // True until the walk ended and every file it listed without a stat has been sized by a worker: until then
  // filesTotal/bytesTotal may grow and there is no ETA.
  let walking = true;
  let walkDone = false;
  let unsized = 0;
  let filesTotal = 0;
  let filesDone = 0;
  let failed = 0;
  let bytesTotal = 0;
  let bytesCompleted = 0;
  let firstError: unknown = null;

  // ---- progress (throttled) ----
  let lastEmit = 0;
  let lastKey = '';
  let rate = 0;
  let lastRateAt = started;
  let lastRateBytes = 0;
  const fileStart = new Map<number, number>();
  const snapshot = (): IntakeProgress => {
    const now = performance.now();
    const current: FileProgress[] = [];
    let inflight = 0;
    for (const f of pool?.inFlight() ?? []) {
      // A worker shows only files of more than one chunk in progress; the id is the item's index.
      const item = items[f.id];
      if (!item || item.hashes !== null || item.error !== null) continue;
      inflight += f.bytes;
      const t0 = fileStart.get(f.id) ?? now;
      if (!fileStart.has(f.id)) fileStart.set(f.id, now);
      const fileRate = now > t0 ? (f.bytes / (now - t0)) * 1000 : 0;
      current.push({
        index: f.id, displayPath: item.displayPath, bytesDone: f.bytes, size: f.size,
        rate: fileRate, etaSeconds: fileRate > 0 ? Math.max(0, f.size - f.bytes) / fileRate : null,
      });
    }
    const bytesDone = bytesCompleted + inflight;
    const dt = now - lastRateAt;
    if (dt >= PROGRESS_INTERVAL_MS / 2) {
      const inst = ((bytesDone - lastRateBytes) / dt) * 1000;
      rate = rate === 0 ? inst : 0.7 * rate + 0.3 * inst;
      lastRateAt = now;
      lastRateBytes = bytesDone;
    }
    return {
      walking, filesDone, filesTotal, failed, bytesDone, bytesTotal, rate,
      etaSeconds: walking || rate <= 0 ? null : Math.max(0, bytesTotal - bytesDone) / rate,
      elapsedSeconds: (now - started) / 1000, current,
    };
  };
  const emit = (force: boolean): void => {
    if (!onProgress) return;
    const now = performance.now();
    // The final event (force) always goes out: its caller waited out the interval, give or take a timer's rounding.
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    const s = snapshot();
    const key = `${s.walking}/${s.filesDone}/${s.filesTotal}/${s.bytesDone}/${s.failed}`;
    if (!force && key === lastKey) return;
    lastKey = key;
    lastEmit = now;
    onProgress(s);
  };
  const timer = onProgress ? setInterval(() => emit(false), PROGRESS_INTERVAL_MS) : null;
  timer?.unref();

  // ---- cancel ----
  let rejectAbort: (e: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => undefined);
  const onAbort = (): void => {
    rejectAbort(new IntakeCancelledError());
    void pool?.terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  // ---- hashing ----
  const inflight = new Set<Promise<void>>();
  /** Files a worker sent back unhashed (too big for its batch), now with their stat: scheduled by the main loop. */
  const deferred: Pending[] = [];
  // ---- in walk order, as items become final: duplicates and folder manifests ----
  // Done while the workers still hash (measured: at the batch's end these took ~7% of the time for 20,000
  // small files, with both workers idle). `settled` is the first item not final yet.
  const firstBySha = new Map<string, number>();
  /** The later items of each SHA-256 seen more than once. */
  const laterBySha = new Map<string, number[]>();
  /** Each folder's manifest so far; null once an entry of the folder failed (it then gets no manifest). */
  const streams = new Map<number, ManifestStream | null>();
  let settled = 0;
  const settle = (): void => {
    for (; settled < items.length; settled++) {
      const item = items[settled] as IntakeItem;
      if (item.kind === 'file' && item.hashes === null && item.error === null) return; // still being hashed
      const sha = item.hashes?.sha256;
      if (sha !== undefined) {
        if (firstBySha.get(sha) === undefined) firstBySha.set(sha, item.index);
        else {
          const later = laterBySha.get(sha);
          if (later) later.push(item.index);
          else laterBySha.set(sha, [item.index]);
        }
      }
      if (!folderRoots.has(item.root)) continue;
      let stream = streams.get(item.root);
      if (stream === undefined) streams.set(item.root, (stream = new ManifestStream()));
      if (item.error !== null) streams.set(item.root, null);
      else if (stream && sha !== undefined) stream.add(rels[item.index] as string, item.size as number, sha);
    }
  };
  const done = (item: IntakeItem): void => {
    filesDone++;
    journal?.append({ t: 'item', item });
    options.onItem?.(item);
  };
  // A hashed file's fields straight from a job's columns (worker-body.ts PackedResults): `meta` is
  // dev ino mtimeNs ctimeNs mtime ctime birthtime, '-' for a time the file system does not record.
  const finishHashed = (p: Pending, size: number, meta: string[], sha256: string, sha1: string | undefined, md5: string | undefined, head: Uint8Array): void => {
    const item = items[p.index] as IntakeItem;
    item.size = size;
    item.dev = meta[0] as string;
    item.ino = meta[1] as string;
    item.mtimeNs = meta[2] as string;
    item.ctimeNs = meta[3] as string;
    item.mtime = meta[4] === '-' ? null : (meta[4] as string);
    item.ctime = meta[5] === '-' ? null : (meta[5] as string);
    item.birthtime = meta[6] === '-' ? null : (meta[6] as string);
    item.hashes = sha1 === undefined && md5 === undefined ? { sha256 } : md5 === undefined ? { sha256, sha1 } : sha1 === undefined ? { sha256, md5 } : { sha256, sha1, md5 };
    item.mediaType = detectMediaType(head, item.name);
    bytesCompleted += size;
    bytesTotal += size - (p.stat?.size ?? 0);
    done(item);
  };
  const finishFile = (p: Pending, r: WireResult): void => {
    fileStart.delete(p.index);
    if (r.ok) {
      const meta = [r.dev, r.ino, r.mtimeNs, r.ctimeNs, r.mtime ?? '-', r.ctime ?? '-', r.birthtime ?? '-'];
      finishHashed(p, r.size, meta, r.digests.sha256 as string, r.digests.sha1, r.digests.md5, r.head);
      return;
    }
    const item = items[p.index] as IntakeItem;
    item.error = wireError(item.displayPath, r);
    item.size = p.stat?.size ?? null;
    bytesTotal -= p.stat?.size ?? 0;
    failed++;
    done(item);
  };
  const wireFile = (p: Pending): WireFile => ({ id: p.index, path: p.entry.path, dev: p.stat?.dev ?? 0n, ino: p.stat?.ino ?? 0n, sized: p.stat !== null });
  const splitMin = options._splitMin ?? SPLIT_MIN;
  const splitting = (options.workers ?? availableParallelism()) >= 2;
  const submit = (batch: Pending[]): void => {
    if (batch.length === 0) return;
    const current = pool ?? (pool = acquireHashPool(poolOptions));
    const job = current.run({
      algorithms: config.algorithms,
      followSymlinks: config.followSymlinks,
      files: packFiles(batch.map(wireFile)),
      // A worker hashes unsized files itself up to BATCH_MAX_BYTES for the batch and sends bigger ones back.
      inlineMax: splitting ? splitMin - 1 : Number.MAX_SAFE_INTEGER,
      budget: BATCH_MAX_BYTES,
    }).then((packed) => {
      let failures = 0;
      const { ok, sizes, meta, heads, headEnds } = packed;
      const sha256 = packed.digests.sha256 as string[];
      const { sha1, md5 } = packed.digests;
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i] as Pending;
        if (p.stat === null) unsized--;
        if (ok[i] === 1) {
          const head = heads.subarray(i === 0 ? 0 : headEnds[i - 1], headEnds[i]);
          finishHashed(p, sizes[i] as number, (meta[i] as string).split(' '), sha256[i] as string, sha1?.[i], md5?.[i], head);
          continue;
        }
        if (ok[i] === 2) {
          // Deferred: the worker stat'ed the file (fstat of the open file) and left it for a job of its own.
          const m = (packed.meta[i] as string).split(' ');
          p.stat = { dev: BigInt(m[0] as string), ino: BigInt(m[1] as string), size: packed.sizes[i] as number, mtimeNs: BigInt(m[2] as string), ctimeNs: BigInt(m[3] as string) };
          bytesTotal += p.stat.size;
          deferred.push(p);
          continue;
        }
        finishFile(p, packed.failures[failures++] as WireResult);
      }
      walking = !walkDone || unsized > 0;
      settle();
    }, (err: unknown) => {
      firstError ??= err;
    });
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  };
  const submitSplit = async (p: Pending): Promise<void> => {
    const current = pool ?? (pool = acquireHashPool(poolOptions));
    // Both workers must be idle before a split job goes out (see runSplit).
    while (current.pending > 0) await Promise.race([...inflight, aborted]);
    if (firstError) throw firstError;
    const [readerAlgorithms, helperAlgorithms] = splitAlgorithms(config.algorithms);
    const job = current.runSplit(wireFile(p), readerAlgorithms, helperAlgorithms, config.followSymlinks).then((r) => {
      finishFile(p, r);
      settle();
    }, (err: unknown) => {
      firstError ??= err;
    });
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  };
  const backpressure = async (): Promise<void> => {
    const limit = (pool?.size ?? 1) * 2;
    while (pool !== null && pool.pending >= limit) await Promise.race([...inflight, aborted]);
    if (firstError) throw firstError;
  };
  let small: Pending[] = [];
  let smallBytes = 0;
  const flushSmall = async (): Promise<void> => {
    if (small.length === 0) return;
    await backpressure();
    const batch = small;
    small = [];
    smallBytes = 0;
    submit(batch);
  };
  /**
   * Queues one file: big ones split or alone, small and unsized ones many to a message. Returns a promise only
   * when the caller must wait for it (a message goes out, or a big file): most small files just join the next
   * message.
   */
  const schedule = (p: Pending): Promise<void> | undefined => {
    const size = p.stat?.size ?? null;
    if (size !== null && size >= splitMin && splitting) return submitSplit(p);
    if (size !== null && size >= SMALL_FILE) return backpressure().then(() => submit([p]));
    if (p.stat === null) unsized++;
    small.push(p);
    smallBytes += size ?? 0;
    return small.length >= BATCH_MAX_FILES || smallBytes >= BATCH_MAX_BYTES ? flushSmall() : undefined;
  };
  const drainDeferred = async (): Promise<void> => {
    for (let p = deferred.shift(); p !== undefined; p = deferred.shift()) await schedule(p);
  };

  /**
   * One walk entry: an item for it, and a file queued for hashing; a promise only when the caller must wait
   * (schedule). Kept out of runBatch's own loop so that the per-file code is a small function the JIT
   * optimises early, not a recompiled body of the whole batch (measured: runBatch was compiled three times,
   * ~30 ms each, during a first batch of 20,000 files).
   */
  const take = (entry: WalkEntry): Promise<void> | undefined => {
    if (entry.kind === 'directory') {
      if (entry.rel === null) folderRoots.add(entry.root);
      return undefined;
    }
    const index = items.length;
    rels.push(entry.rel);
    if (entry.kind === 'symlink') {
      const item = emptyItem(index, entry, 'symlink');
      item.linkTarget = displayName(Buffer.from(entry.target, 'latin1'));
      items.push(item);
      journal?.append({ t: 'item', item });
      options.onItem?.(item);
      return undefined;
    }
    if (entry.kind === 'failed') {
      const item = emptyItem(index, entry, entry.fileType === 'file' ? 'file' : 'other');
      item.error = entry.error;
      items.push(item);
      failed++;
      journal?.append({ t: 'item', item });
      options.onItem?.(item);
      return undefined;
    }
    filesTotal++;
    const stat = entry.stat;
    if (stat) bytesTotal += stat.size;
    if (reuse.size > 0) {
      const previous = reuse.get(Buffer.from(entry.path, 'latin1').toString('base64'));
      if (stillValid(previous, stat, config.algorithms)) {
        const { duplicate: _d, ...kept } = previous;
        items.push({ ...kept, index, root: entry.root });
        filesDone++;
        bytesCompleted += (stat as FileStat).size;
        return undefined;
      }
    }
    items.push(emptyItem(index, entry, 'file'));
    return schedule({ index, entry, stat });
  };

  try {
    const entries = walk(config.paths, { followSymlinks: config.followSymlinks, statFiles: reuse.size > 0, signal });
    for await (const slice of entries) {
      for (const entry of slice) {
        const wait = take(entry);
        if (wait) await wait;
      }
      settle();
      await drainDeferred();
      if (signal?.aborted) throw new IntakeCancelledError();
    }
    walkDone = true;
    walking = unsized > 0;
    for (;;) {
      await drainDeferred();
      await flushSmall();
      if (inflight.size === 0 && deferred.length === 0) break;
      await Promise.race([...inflight, aborted]);
      if (firstError) throw firstError;
    }
    if (firstError) throw firstError;
    if (signal?.aborted) throw new IntakeCancelledError();
  } catch (err) {
    signal?.removeEventListener('abort', onAbort);
    if (timer) clearInterval(timer);
    await (pool as HashPool | null)?.terminate();
    await journal?.close().catch(() => undefined); // the batch already failed; its journal stays resumable
    if (signal?.aborted && !(err instanceof IntakeCancelledError)) throw new IntakeCancelledError(undefined, { cause: err });
    throw err;
  }
  signal?.removeEventListener('abort', onAbort);
  if (timer) clearInterval(timer);
  if (pool) await releaseHashPool(pool, poolOptions);

  // ---- duplicates ----
  settle(); // every item is final now
  let duplicates = 0;
  const flag = (index: number, inCase: boolean, firstIndex: number, count: number): void => {
    (items[index] as IntakeItem).duplicate = { inCase, firstIndex, count };
    duplicates++;
  };
  for (const [sha, later] of laterBySha) {
    const first = firstBySha.get(sha) as number;
    const inCase = known.has(sha);
    flag(first, inCase, first, later.length + 1);
    for (const index of later) flag(index, inCase, first, later.length + 1);
  }
  for (const sha of known) {
    const first = firstBySha.get(sha);
    if (first !== undefined && !laterBySha.has(sha)) flag(first, true, first, 1);
  }

  // ---- folder exhibits ----
  const folders: FolderExhibit[] = [...folderRoots].sort((a, b) => a - b).map((root) => {
    const rootPath = config.paths[root] as Buffer;
    const streamed = streams.get(root)?.finish();
    if (streamed) {
      const stream = streams.get(root) as ManifestStream;
      return {
        root, path: rootPath.toString('utf8'), displayPath: displayName(rootPath), fileCount: stream.count, totalBytes: stream.bytes,
        manifest: streamed.bytes, manifestSha256: streamed.sha256, error: null,
      };
    }
    // One pass over the items: the folder's hashed files (in walk order, usually already the manifest's
    // order) and its failures.
    const entries: ByteStringManifestEntry[] = [];
    let totalBytes = 0;
    let bad = 0;
    let firstBad: IntakeItem | null = null;
    for (const i of items) {
      if (i.root !== root) continue;
      if (i.error !== null) {
        bad++;
        firstBad ??= i;
      } else if (i.kind === 'file') {
        entries.push({ rel: rels[i.index] as string, size: i.size as number, sha256: (i.hashes as { sha256: string }).sha256 });
        totalBytes += i.size as number;
      }
    }
    const base = { root, path: rootPath.toString('utf8'), displayPath: displayName(rootPath), fileCount: entries.length, totalBytes };
    if (firstBad !== null) {
      return {
        ...base, manifest: null, manifestSha256: null,
        error: { code: 'E_INTAKE_INCOMPLETE_FOLDER', message: `no manifest for folder ${JSON.stringify(base.displayPath)}: ${bad} of its entries failed (first: ${firstBad.error?.message}); fix or remove them and take the folder again` },
      };
    }
    const m = _buildManifest(entries, true);
    return { ...base, manifest: m.bytes, manifestSha256: m.sha256, error: null };
  });

  const hashed = items.filter((i) => i.hashes !== null).length;
  const result: IntakeResult = {
    batchId: config.batchId,
    algorithms: config.algorithms,
    startedAt: config.startedAt,
    finishedAt: new Date().toISOString(),
    items,
    folders,
    totals: {
      files: filesTotal, hashed, failed, links: items.filter((i) => i.kind === 'symlink').length,
      bytes: items.reduce((s, i) => s + (i.hashes ? (i.size ?? 0) : 0), 0), duplicates,
    },
  };
  if (journal && batchDir) {
    try {
      await writeFileAtomic(join(batchDir, RESULT_FILE), JSON.stringify(serialiseResult(result)), { mode: 0o600, overwrite: true });
      journal.append({ t: 'done' });
    } finally {
      await journal.close();
    }
  }
  if (onProgress) {
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - lastEmit);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    emit(true);
  }
  return result;
}

type StoredResult = Omit<IntakeResult, 'folders'> & { folders: Array<Omit<FolderExhibit, 'manifest'> & { manifestBase64: string | null }> };

function serialiseResult(r: IntakeResult): StoredResult {
  return { ...r, folders: r.folders.map(({ manifest, ...f }) => ({ ...f, manifestBase64: manifest ? manifest.toString('base64') : null })) };
}

function deserialiseResult(s: StoredResult): IntakeResult {
  return { ...s, folders: s.folders.map(({ manifestBase64, ...f }) => ({ ...f, manifest: manifestBase64 === null ? null : Buffer.from(manifestBase64, 'base64') })) };
}

/**
 * Hashes the files and folders in `options.paths`. Resolves to the batch's evidence-item candidates; rejects
 * with IntakeCancelledError when `signal` aborts (workers are terminated, nothing is returned).
 */
export async function startIntake(options: IntakeOptions): Promise<IntakeResult> {
  if (!Array.isArray(options.paths) || options.paths.length === 0) throw new IntakeArgumentError('paths must be a non-empty array of file or folder paths');
  for (const p of options.paths) {
    if (!(typeof p === 'string' || Buffer.isBuffer(p)) || p.length === 0) throw new IntakeArgumentError(`each path must be a non-empty string or Buffer, got ${JSON.stringify(p)}`);
  }
  options.signal?.throwIfAborted();
  const config: Config = {
    batchId: randomUUID(),
    startedAt: new Date().toISOString(),
    paths: options.paths.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))),
    algorithms: normaliseAlgorithms(options.algorithms),
    followSymlinks: options.followSymlinks === true,
  };
  let journal: JournalWriter | null = null;
  if (options.batchDir !== undefined) {
    const header: JournalHeader = {
      t: 'batch', v: 1, batchId: config.batchId, startedAt: config.startedAt,
      paths: config.paths.map((p) => p.toString('base64')), algorithms: config.algorithms, followSymlinks: config.followSymlinks,
    };
    journal = await JournalWriter.create(options.batchDir, header);
  }
  return runBatch(config, options, journal, options.batchDir, new Map());
}

/**
 * Continues the batch journaled in `batchDir` after a crash or cancel: items already journaled are kept when
 * their file is unchanged (same inode, size, mtime and ctime); everything else is hashed again. A finished
 * batch returns its stored result.
 */
export async function resumeBatch(batchDir: string, options: ResumeOptions = {}): Promise<IntakeResult> {
  const { header, items, done } = readJournal(batchDir);
  if (done && existsSync(join(batchDir, RESULT_FILE))) {
    try {
      return deserialiseResult(JSON.parse(readFileSync(join(batchDir, RESULT_FILE), 'utf8')) as StoredResult);
    } catch (err) {
      throw new IntakeJournalError(`cannot read the finished batch's ${RESULT_FILE} in ${JSON.stringify(batchDir)}`, { cause: err });
    }
  }
  const config: Config = {
    batchId: header.batchId,
    startedAt: header.startedAt,
    paths: header.paths.map((p) => Buffer.from(p, 'base64')),
    algorithms: normaliseAlgorithms(header.algorithms),
    followSymlinks: header.followSymlinks,
  };
  const reuse = new Map<string, IntakeItem>();
  for (const item of items) {
    if (item.kind === 'file') reuse.set(item.pathBase64 ?? Buffer.from(item.path, 'utf8').toString('base64'), item);
  }
  return runBatch(config, options, await JournalWriter.reopen(batchDir), batchDir, reuse);
}
