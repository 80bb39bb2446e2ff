// A peer serving a log in the C2SP tlog-tiles layout over HTTP (the node, another mirror). Every response is
// size-bounded by what the path may legitimately hold, so a malicious peer cannot make us buffer more than one
// full entry bundle (256 × (2 + 65,535) bytes) at a time.
import { parseTilePath, MAX_ENTRY_SIZE, TILE_WIDTH } from '../ledger/layout';
import { HASH_SIZE } from '../ledger/merkle';
import { MAX_NOTE_BYTES } from '../ledger/note';
import { NotFoundError, type TileFetcher } from '../ledger/tiles';
import { HttpLimitError, fetchLimited } from '../witness/http';
import { EvidenceError } from '../common/errors';

/** A peer that answered wrongly (bad status, oversize body, unreachable). */
export class PeerError extends EvidenceError<'MIRROR_PEER_UNREACHABLE' | 'MIRROR_PEER_BAD_RESPONSE' | 'MIRROR_PEER_TOO_LARGE'> {
  override name = 'PeerError';
  constructor(
    code: 'MIRROR_PEER_UNREACHABLE' | 'MIRROR_PEER_BAD_RESPONSE' | 'MIRROR_PEER_TOO_LARGE',
    readonly peer: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${peer}: ${message}`, options);
  }
}

/** Largest legitimate response for a tlog-tiles path. */
export function responseLimit(path: string): number {
  if (path === 'checkpoint') return MAX_NOTE_BYTES;
  const t = parseTilePath(path);
  return t.level === 'entries' ? t.width * (2 + MAX_ENTRY_SIZE) : t.width * HASH_SIZE;
}

export class PeerFetcher implements TileFetcher {
  /** Bytes received from this peer (for progress and the benchmark). */
  received = 0;
  readonly prefix: string;
  constructor(prefix: string, private readonly timeoutMs = 15_000) {
    this.prefix = prefix.replace(/\/+$/, '');
  }

  async get(path: string): Promise<Uint8Array> {
    const limit = responseLimit(path);
    let res;
    try {
      res = await fetchLimited(`${this.prefix}/${path}`, { limit, timeoutMs: this.timeoutMs });
    } catch (err) {
      if (err instanceof HttpLimitError && err.code === 'NET_TOO_LARGE') throw new PeerError('MIRROR_PEER_TOO_LARGE', this.prefix, `${path}: ${err.message}`, { cause: err });
      throw new PeerError('MIRROR_PEER_UNREACHABLE', this.prefix, `${path}: ${(err as Error).message}`, { cause: err });
    }
    this.received += res.body.length;
    if (res.status === 404) throw new NotFoundError(`${this.prefix}/${path} not found`);
    if (res.status !== 200) throw new PeerError('MIRROR_PEER_BAD_RESPONSE', this.prefix, `${path}: HTTP ${res.status}`);
    return res.body;
  }
}

export { TILE_WIDTH };
