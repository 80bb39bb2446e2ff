// Membership from the ledger the provider follows: the provider reads the log (C2SP tlog-tiles, from a ledger
// node's folder or over HTTP from a node or any mirror), verifies it (app/ledger loadLog: checkpoint signature
// under the genesis log key, every bundle and tile), replays it through the ledger's own rules and answers
// lookups from the resulting state. It follows the log periodically and when an unknown key asks, so a new
// enrolment or a revocation takes effect without a restart: a refresh reads only the new checkpoint and the
// entry bundles past the size it has verified, checks that the checkpoint's root covers the entries verified
// before plus the new ones (so the log was extended, not rewritten), and replays only the new entries.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeVerifier } from '../crypto/bulk-verify';
import { bytesEqual } from '../ledger/bytes';
import { bundlesForSize, TILE_WIDTH } from '../ledger/layout';
import { loadLog, LogVerifyError, openLogCheckpoint, readBundle, readCheckpoint } from '../ledger/log';
import { leafHash } from '../ledger/merkle';
import { type NoteVerifier, parseVerifierKey } from '../ledger/note';
import { EntryRejectedError, LedgerState, parseEntry, replay, RuleError } from '../ledger/rules';
import { NotFoundError, type TileFetcher } from '../ledger/tiles';
import type { GenesisRecord } from '../records/schemas';
import type { Member, MemberDirectory } from './members';
import { TreeFrontier } from './tree-frontier';

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

/** What a directory has verified: the replayed state and the Merkle frontier of the same entries. */
interface Verified {
  state: LedgerState;
  frontier: TreeFrontier;
  logKey: NoteVerifier;
}

export class LedgerMemberDirectory implements MemberDirectory {
  private readonly state: LedgerState;
  private readonly frontier: TreeFrontier;
  private readonly logKey: NoteVerifier;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  /** The last refresh failure, cleared by a successful refresh. */
  lastError: unknown;

  private constructor(
    private readonly fetcher: TileFetcher,
    private readonly options: LedgerMemberDirectoryOptions,
    verified: Verified,
  ) {
    this.state = verified.state;
    this.frontier = verified.frontier;
    this.logKey = verified.logKey;
  }

  /** Reads and verifies the whole log at `source` (folder, URL or a TileFetcher) once; rejects when it cannot. */
  static async open(source: string | TileFetcher, options: LedgerMemberDirectoryOptions = {}): Promise<LedgerMemberDirectory> {
    const fetcher = typeof source === 'string' ? await tileFetcherFor(source) : source;
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

  /** The first, full read: every bundle and hash tile against the signed checkpoint, then a replay from entry 0. */
  private static async read(fetcher: TileFetcher, origin: string | undefined): Promise<Verified> {
    let logKey: NoteVerifier | undefined;
    const log = await loadLog(fetcher, {
      ...(origin !== undefined ? { origin } : {}),
      // The genesis (entry 0) names the log key; the checkpoint must verify under it.
      resolveLogKey: (entries) => {
        const first = entries[0];
        if (!first) throw new Error('the log is empty: it has no genesis entry');
        const { record } = parseEntry(first);
        if (record.type !== 'genesis') throw new Error(`entry 0 is a ${record.type}, not the genesis`);
        logKey = parseVerifierKey(record.logKey);
        return logKey;
      },
    });
    return { state: replay(log.entries, { verifier: nodeVerifier }), frontier: TreeFrontier.fromTree(log.tree), logKey: logKey! };
  }

  /**
   * Follows the log from the size verified so far: the new checkpoint must be signed by the log key, and its
   * root must be the Merkle Tree Hash (RFC 9162 §2.1.1) of the entries verified before followed by the new
   * ones read from the bundles past that size; only then are the new entries replayed. A log that shrank or
   * whose root does not extend the verified entries is refused and the state stays as it was. An entry the
   * rules reject stops the replay just before it (the state stays at that verified prefix).
   */
  private async follow(): Promise<void> {
    const { note, peeked } = await readCheckpoint(this.fetcher);
    openLogCheckpoint(note, this.logKey, { origin: this.options.origin ?? this.state.origin });
    const verified = this.state.size;
    if (peeked.size < verified) throw new Error(`the log shrank from ${verified} to ${peeked.size} entries`);
    const next = this.frontier.clone();
    const fresh: Array<{ entry: Uint8Array; leaf: Uint8Array }> = [];
    for (const b of bundlesForSize(peeked.size)) {
      if (b.index * TILE_WIDTH + b.width <= verified) continue;
      const entries = await readBundle(this.fetcher, b);
      for (let i = Math.max(0, verified - b.index * TILE_WIDTH); i < entries.length; i++) {
        const leaf = leafHash(entries[i]!);
        next.appendLeafHash(leaf);
        fresh.push({ entry: entries[i]!, leaf });
      }
    }
    if (!bytesEqual(next.root(), peeked.root)) {
      throw new LogVerifyError(
        'LEDGER_ROOT_MISMATCH',
        `the checkpoint for size ${peeked.size} is not the root of the ${verified} entries verified before and the ` +
          `${peeked.size - verified} read after them: the log was rewritten or its new entries are altered`,
        { path: 'checkpoint', index: verified },
      );
    }
    for (const { entry, leaf } of fresh) {
      try {
        this.state.apply(entry, { verifier: nodeVerifier });
      } catch (err) {
        if (err instanceof RuleError) throw new EntryRejectedError(this.state.size, err);
        throw err;
      }
      this.frontier.appendLeafHash(leaf);
    }
  }

  /** Reads what the log gained since the last refresh (concurrent callers share one read). */
  async refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.follow()
        .then(() => {
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
