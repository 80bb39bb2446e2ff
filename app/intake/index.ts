// Evidence intake: hashing at disk speed, never freezing, never wrong (issue 5).
//
// API (for the workstation host):
//
//   startIntake({ paths, algorithms?, followSymlinks?, knownHashes?, batchDir?, signal?, onProgress?, onItem?,
//                 workers?, bufferSize? }) → Promise<IntakeResult>
//     paths         files and folders (strings, or Buffers for names that are not UTF-8). Folders are walked
//                   recursively; each folder given is also one exhibit with a canonical manifest (manifest.ts).
//     algorithms    'sha256' always, plus 'sha1' / 'md5' on request; all computed in one read pass per file.
//     followSymlinks  default false: links are recorded (item.kind 'symlink', linkTarget), never followed.
//     knownHashes   SHA-256 hex of the case's existing items: matches get item.duplicate.inCase = true.
//     batchDir      journal + result.json go here; a crash loses at most the files in flight (resumeBatch).
//     signal        abort → every worker is terminated at once and the promise rejects with
//                   IntakeCancelledError (code E_INTAKE_CANCELLED); there is no partial result.
//     onProgress    IntakeProgress snapshots (batch bytes/files done and total, rate, ETA, and each file being
//                   read with its bytes done, rate, ETA), at most ~10 per second, plus one at the end.
//     onItem        each item as soon as it is final (per-file event; duplicate flags come with the result).
//     workers       worker threads, default os.availableParallelism(); bufferSize per worker, default 1 MiB.
//                   Small files travel up to 256 per message; a file of 32 MiB or more is hashed by two workers
//                   sharing one read pass (SHA-256 alone: one hashes while the other reads ahead; with more
//                   digests the costliest gets a core of its own). Memory: one buffer per worker plus a ring
//                   per split file (1 MiB, or 4 buffers with more digests).
//
//   resumeBatch(batchDir, { knownHashes?, signal?, onProgress?, workers?, bufferSize? }) → Promise<IntakeResult>
//     continues a journaled batch: unchanged files keep their journaled hashes, the rest are hashed again.
//
//   IntakeResult = { batchId, algorithms, startedAt, finishedAt, items: IntakeItem[], folders: FolderExhibit[],
//                    totals }. An IntakeItem is an evidence-item candidate: path (exact bytes in pathBase64 when
//                   not UTF-8), displayPath (escaped), name, size, times, hashes, mediaType, duplicate, and
//                   `error: { code, message }` when it has no hash. Per-file failures never stop the batch:
//                   E_INTAKE_CHANGED (changed while hashed), E_INTAKE_VANISHED, E_INTAKE_UNREADABLE,
//                   E_INTAKE_SPECIAL_FILE (device/socket/FIFO refused), E_INTAKE_SYMLINK_LOOP; a folder with any
//                   failed entry gets E_INTAKE_INCOMPLETE_FOLDER and no manifest.
//
//   closeIdleHashPools() → Promise<void>: a finished batch keeps its workers warm (unref'd) for 30 s so the next
//     batch starts at once; call this on shutdown to end them now.
//
// Names are kept as bytes and shown escaped: `displayName` for people, `checksumLine` for `sha256sum`-format
// output that `sha256sum -c` accepts (escape.ts).
export { startIntake, resumeBatch, type IntakeOptions, type ResumeOptions } from './engine';
export type { Algorithm, Hashes, IntakeItem, FolderExhibit, IntakeResult, IntakeProgress, FileProgress } from './types';
export { ALGORITHMS } from './types';
export {
  IntakeError, IntakeArgumentError, IntakeCancelledError, IntakeJournalError, IntakeBatchExistsError, IntakeWorkerError,
  type IntakeErrorCode, type ItemError,
} from './errors';
export { checksumLine, displayName, escapeChecksumName, unescapeChecksumName } from './escape';
export { buildManifest, parseManifest, MANIFEST_HEADER, ManifestFormatError, type ManifestEntry } from './manifest';
export { detectMediaType } from './mediatype';
export { liveHashWorkers, closeIdleHashPools } from './pool';
