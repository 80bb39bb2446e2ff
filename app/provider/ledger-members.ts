// Membership from the ledger the provider follows: the provider reads the log (C2SP tlog-tiles, from a ledger
// node's folder or over HTTP from a node or any mirror), verifies it (app/ledger loadLog: checkpoint signature
// under the genesis log key, every bundle and tile), replays it through the ledger's own rules and answers
// lookups from the resulting state. It re-reads the log periodically and when an unknown key asks, so a new
// enrolment or a revocation takes effect without a restart.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeVerifier } from '../crypto/bulk-verify';
import { loadLog } from '../ledger/log';
import { parseVerifierKey } from '../ledger/note';
import { LedgerState, parseEntry, replay } from '../ledger/rules';
import { NotFoundError, type TileFetcher } from '../ledger/tiles';
import type { GenesisRecord } from '../records/schemas';
import type { Member, MemberDirectory } from './members';

/** A TileFetcher over a tlog-tiles folder (a ledger node's DIR or its DIR/log) or an HTTP base URL. */
export async function tileFetcherFor(source: string): Promise<TileFetcher> {
  if (/^https?:\/\//.test(source)) {
    const base = source.replace(/\/+$/, '');
    return {
      async get(path: string): Promise<Uint8Array> {
        const res = await fetch(`${base}/${path}`);
        if (res.status === 404) throw new NotFoundError(`${base}/${path} is not found`);
        if (!res.ok) throw new Error(`GET ${base}/${path}: HTTP ${res.status}`);
        return new Uint8Array(await res.arrayBuffer());
      },
    };
  }
  let root = source;
  try {
    await access(join(source, 'node.json'));
    root = join(source, 'log');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return {
    async get(path: string): Promise<Uint8Array> {
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${join(root, path)} is not found`, { cause: err });
        throw err;
      }
    },
  };
}

export interface LedgerMemberDirectoryOptions {
  /** Re-read the log this often (ms; default 5000; 0: only on demand). */
  refreshMs?: number;
  /** Expected origin: refuse a log of another ledger. */
  origin?: string;
  /** Called when a periodic refresh fails (the last good state stays in use). */
  onRefreshError?: (err: unknown) => void;
}

export class LedgerMemberDirectory implements MemberDirectory {
  private state: LedgerState;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  /** The last refresh failure, cleared by a successful refresh. */
  lastError: unknown;

  private constructor(
    private readonly fetcher: TileFetcher,
    private readonly options: LedgerMemberDirectoryOptions,
    state: LedgerState,
  ) {
    this.state = state;
  }

  /** Reads and verifies the log at `source` (folder or URL) once; rejects when it cannot. */
  static async open(source: string, options: LedgerMemberDirectoryOptions = {}): Promise<LedgerMemberDirectory> {
    const fetcher = await tileFetcherFor(source);
    const dir = new LedgerMemberDirectory(fetcher, options, await LedgerMemberDirectory.read(fetcher, options.origin));
    dir.lastRefresh = Date.now();
    const every = options.refreshMs ?? 5000;
    if (every > 0) {
      dir.timer = setInterval(() => {
        dir.refresh().catch((err: unknown) => options.onRefreshError?.(err));
      }, every);
      dir.timer.unref();
    }
    return dir;
  }

  private static async read(fetcher: TileFetcher, origin: string | undefined): Promise<LedgerState> {
    const log = await loadLog(fetcher, {
      ...(origin !== undefined ? { origin } : {}),
      // The genesis (entry 0) names the log key; the checkpoint must verify under it.
      resolveLogKey: (entries) => {
        const first = entries[0];
        if (!first) throw new Error('the log is empty: it has no genesis entry');
        const { record } = parseEntry(first);
        if (record.type !== 'genesis') throw new Error(`entry 0 is a ${record.type}, not the genesis`);
        return parseVerifierKey(record.logKey);
      },
    });
    return replay(log.entries, { verifier: nodeVerifier });
  }

  /** Re-reads the log now (concurrent callers share one read). */
  async refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = LedgerMemberDirectory.read(this.fetcher, this.options.origin ?? this.state.origin)
        .then((state) => {
          if (state.size < this.state.size) throw new Error(`the log shrank from ${this.state.size} to ${state.size} entries`);
          this.state = state;
          this.lastError = undefined;
        })
        .catch((err: unknown) => {
          this.lastError = err;
          throw err;
        })
        .finally(() => {
          this.lastRefresh = Date.now();
          this.refreshing = undefined;
        });
    }
    return this.refreshing;
  }

  /** The ledger's origin (from its genesis). */
  get origin(): string | undefined {
    return this.state.origin;
  }

  /** Entries replayed so far. */
  get size(): number {
    return this.state.size;
  }

  /** The ledger's genesis record (log key, witness policy, skew). */
  get genesis(): GenesisRecord | undefined {
    return this.state.genesis;
  }

  /** Genesis settings the provider applies to requests. */
  get maxClockSkewSeconds(): number | undefined {
    return this.state.genesis?.maxClockSkewSeconds;
  }
  get maxUploadSeconds(): number | undefined {
    return this.state.genesis?.maxUploadSeconds;
  }

  async lookup(keyId: string): Promise<Member | undefined> {
    if (!this.state.members.has(keyId) && Date.now() - this.lastRefresh > 1000) {
      // An unknown key may have just been enrolled: read the log again (at most once a second). If that
      // fails the last good state answers, and the failure goes to onRefreshError.
      await this.refresh().catch((err: unknown) => this.options.onRefreshError?.(err));
    }
    const m = this.state.members.get(keyId);
    if (!m) return undefined;
    return { keyId: m.keyId, publicKey: m.publicKey, role: m.role, name: m.name, enrolled: true, revoked: m.revokedAt !== undefined };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
