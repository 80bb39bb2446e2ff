// In-process adapters of the deposition flow's ports (ports.ts), for a workstation that is its own provider and
// ledger (standalone mode): a provider over an ObjectStore and a Countersigner with a resumable staging upload,
// and a ledger over an in-process Sequencer and its published log.
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignedRecord } from '../crypto/envelope';
import type { Accepted } from '../ledger/sequencer';
import { RuleError } from '../ledger/rules';
import type { TileFetcher } from '../ledger/tiles';
import type { Countersigner } from '../provider/countersign';
import { IntegrityError } from '../provider/errors';
import type { MemberDirectory } from '../provider/members';
import type { ObjectStore } from '../provider/store';
import { PortError, type AddAnswer, type LedgerPort, type ProviderPort, type UploadOptions } from './ports';

/** Bytes appended to the staging file between two fsyncs (an interrupted upload resumes from what is durable). */
const SYNC_EVERY = 8 * 1024 * 1024;

/**
 * A provider in this process. An upload appends the file to `stagingDir/<sha256>-<size>.part` and continues an
 * interrupted one from that file's length; the finished file is re-hashed and adopted into the store only if it
 * is exactly the declared bytes (else it is discarded: the next attempt starts over). The countersignature is
 * the Countersigner's, for the request's depositor as the ledger knows them.
 */
export class LocalProvider implements ProviderPort {
  constructor(
    private readonly store: ObjectStore,
    private readonly countersigner: Countersigner,
    private readonly directory: MemberDirectory,
    private readonly stagingDir: string,
    readonly baseUrl: string,
  ) {}

  async upload(file: string, declared: { sha256: string; size: number }, options: UploadOptions = {}): Promise<{ alreadyStored: boolean }> {
    if ((await this.store.stat(declared.sha256))?.size === declared.size) {
      options.onProgress?.(declared.size, declared.size);
      return { alreadyStored: true };
    }
    await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
    const part = join(this.stagingDir, `${declared.sha256}-${declared.size}.part`);
    let offset = await stat(part).then((s) => s.size, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return 0;
      throw err;
    });
    if (offset > declared.size) {
      await unlink(part);
      offset = 0;
    }
    options.onStart?.({ url: part, resumed: offset > 0 });
    options.onProgress?.(offset, declared.size);
    if (offset < declared.size) await this.append(file, part, offset, declared.size, options);
    try {
      await this.store.adoptFile(part, declared);
    } catch (err) {
      if (err instanceof IntegrityError) await unlink(part).catch(() => undefined);
      throw err;
    }
    return { alreadyStored: false };
  }

  /** Appends bytes `offset..size` of `file` to `part`, fsyncing as it goes. */
  private async append(file: string, part: string, offset: number, size: number, options: UploadOptions): Promise<void> {
    const out = await open(part, 'a', 0o600);
    let sent = offset;
    let unsynced = 0;
    try {
      const src = createReadStream(file, { start: offset, highWaterMark: 1 << 20 });
      for await (const chunk of src as AsyncIterable<Buffer>) {
        if (options.signal?.aborted) {
          src.destroy();
          throw new PortError('ABORTED', `upload of ${file} aborted at ${sent} of ${size} bytes`);
        }
        const take = chunk.subarray(0, Math.max(0, size - sent));
        await out.write(take);
        sent += take.length;
        unsynced += take.length;
        if (unsynced >= SYNC_EVERY) {
          await out.sync();
          unsynced = 0;
        }
        options.onProgress?.(sent, size);
        if (sent >= size) {
          src.destroy();
          break;
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    if (sent < size) throw new IntegrityError(`${file} has ${sent} bytes, not the declared ${size}`);
  }

  async countersign(request: SignedRecord): Promise<SignedRecord> {
    const keyId = String(request.record.depositor);
    const requester = await this.directory.lookup(keyId);
    if (!requester) throw new PortError('UNKNOWN_KEY', `the depositor key ${keyId} is not a member of this ledger`);
    return this.countersigner.countersign(request, requester);
  }
}

/** A ledger in this process: its sequencer, its published checkpoint and tiles. */
export interface LocalLedgerParts {
  where: string;
  submit(entry: Uint8Array): Promise<Accepted>;
  /** The current checkpoint, once what is pending is integrated and cosigned. */
  checkpoint(): Promise<string>;
  tiles: TileFetcher;
}

/** The ledger port over an in-process sequencer: the rules' refusals are answers, as a node's 4xx are. */
export function localLedger(parts: LocalLedgerParts): LedgerPort {
  return {
    where: parts.where,
    async add(entry): Promise<AddAnswer> {
      try {
        const a = await parts.submit(entry);
        return { accepted: true, index: a.index, promise: a.promise };
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        return { accepted: false, duplicate: err.code === 'LEDGER_RULE_DUPLICATE_ID', code: err.code, message: err.message };
      }
    },
    checkpoint: () => parts.checkpoint(),
    tiles: () => Promise.resolve(parts.tiles),
  };
}
