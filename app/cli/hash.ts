// `evidence hash PATH…`: hashes files and folders with the intake engine and prints one line per file.
// Default output is exactly `sha256sum`'s (`HASH  NAME`, escaped by coreutils' rule), so `sha256sum -c` checks
// it. With `--algo` naming more digests, lines are in coreutils' tagged form (`SHA256 (NAME) = HASH`, as
// `sha256sum --tag` prints), which GNU `cksum -c` checks for every algorithm. `--json` prints the full result.
import type { Command } from 'commander';
import { ALGORITHMS, checksumLine, escapeChecksumName, IntakeArgumentError, startIntake, type Algorithm, type IntakeItem, type IntakeResult } from '../intake/index';

const TAGS: Record<Algorithm, string> = { sha256: 'SHA256', sha1: 'SHA1', md5: 'MD5' };

function pathBytes(item: IntakeItem): Buffer {
  return item.pathBase64 ? Buffer.from(item.pathBase64, 'base64') : Buffer.from(item.path, 'utf8');
}

/** A coreutils `--tag` line: `[\]ALGO (NAME) = HASH`, the name escaped like in the untagged form. */
export function taggedLine(algorithm: Algorithm, hexDigest: string, name: Uint8Array): Buffer {
  const escaped = escapeChecksumName(name);
  const prefix = escaped.length !== name.length || escaped.some((b, i) => b !== name[i]) ? '\\' : '';
  return Buffer.concat([Buffer.from(`${prefix}${TAGS[algorithm]} (`, 'latin1'), escaped, Buffer.from(`) = ${hexDigest}\n`, 'latin1')]);
}

/** The lines `evidence hash` prints for a result (without --json). */
export function formatChecksums(result: IntakeResult): Buffer {
  const tagged = result.algorithms.length > 1;
  const lines: Buffer[] = [];
  for (const item of result.items) {
    if (!item.hashes) continue;
    const name = pathBytes(item);
    if (!tagged) {
      lines.push(checksumLine(item.hashes.sha256, name));
      continue;
    }
    for (const a of result.algorithms) lines.push(taggedLine(a, item.hashes[a] as string, name));
  }
  return Buffer.concat(lines);
}

function parseAlgorithms(value: string): Algorithm[] {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  for (const a of list) {
    if (!(ALGORITHMS as readonly string[]).includes(a)) throw new IntakeArgumentError(`--algo: unknown algorithm ${JSON.stringify(a)}; use a comma-separated list of sha256, sha1, md5`);
  }
  return list as Algorithm[];
}

export function register(program: Command): void {
  program
    .command('hash')
    .description('hash files and folders (SHA-256; SHA-1/MD5 on request); output checkable with `sha256sum -c`')
    .argument('<paths...>', 'files and folders (folders are walked recursively); put `--` before names that start with -')
    .option('--json', 'print the full intake result as JSON')
    .option('--algo <list>', 'digests to compute, comma-separated: sha256,sha1,md5', 'sha256')
    .option('--follow-symlinks', 'follow symbolic links (loops are detected); default: record links, do not follow')
    .option('--workers <n>', 'hash worker threads (default: available CPUs)')
    .option('--batch-dir <dir>', 'journal the batch in this folder so it can be resumed')
    .action(async (paths: string[], opts: { json?: boolean; algo: string; followSymlinks?: boolean; workers?: string; batchDir?: string }) => {
      const workers = opts.workers === undefined ? undefined : Number(opts.workers);
      if (workers !== undefined && !Number.isInteger(workers)) throw new IntakeArgumentError(`--workers must be an integer, got ${JSON.stringify(opts.workers)}`);
      const result = await startIntake({
        paths, algorithms: parseAlgorithms(opts.algo), followSymlinks: opts.followSymlinks === true, workers, batchDir: opts.batchDir,
      });
      if (opts.json) {
        const folders = result.folders.map(({ manifest, ...f }) => ({ ...f, manifestBase64: manifest ? manifest.toString('base64') : null }));
        process.stdout.write(`${JSON.stringify({ ...result, folders }, null, 2)}\n`);
      } else {
        process.stdout.write(formatChecksums(result));
        for (const item of result.items) {
          if (item.kind === 'symlink') process.stderr.write(`evidence hash: ${JSON.stringify(item.displayPath)} is a symbolic link to ${JSON.stringify(item.linkTarget)}; recorded, not followed (use --follow-symlinks)\n`);
        }
        for (const f of result.folders) {
          if (f.manifestSha256) process.stderr.write(`evidence hash: folder ${JSON.stringify(f.displayPath)}: ${f.fileCount} files, manifest sha256 ${f.manifestSha256}\n`);
        }
      }
      const failed = result.items.filter((i) => i.error !== null);
      for (const item of failed) process.stderr.write(`evidence hash: ${item.error?.message} [${item.error?.code}]\n`);
      if (failed.length > 0) throw new Error(`${failed.length} of ${result.items.length} entries could not be hashed (see the messages above)`);
    });
}
