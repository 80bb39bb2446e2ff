// Persisted replay cache: every (key, nonce) accepted within the time window is written (and fdatasynced) to
// nonces.log before the request is served, so a replay is refused even after the provider restarts. Entries
// older than the window can never be replayed (their time is rejected), so they are dropped on compaction.
import { AppendFile, wholeLines } from '../fs/append';

interface Entry {
  k: string;
  n: string;
  t: number;
}

export class NonceCache {
  private readonly seen = new Map<string, number>();
  private appendsSinceCompaction = 0;

  private constructor(
    private readonly windowMs: number,
    private readonly log: AppendFile,
  ) {}

  /** Opens the cache stored in `file`, keeping the entries still inside `windowMs` of now. */
  static async open(file: string, windowMs: number, now = Date.now()): Promise<NonceCache> {
    // A torn last line (a crash mid-append) was never answered, so cutting it off is safe (app/fs/append.ts).
    const { file: log, bytes } = await AppendFile.open(file, { intact: wholeLines });
    const live: Entry[] = [];
    for (const line of bytes.toString('utf8').split('\n')) {
      if (line === '') continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        continue; // a line torn by an earlier version, which appended after a failed write: never answered
      }
      if (typeof e.k === 'string' && typeof e.n === 'string' && typeof e.t === 'number' && e.t >= now - windowMs) live.push(e);
    }
    const cache = new NonceCache(windowMs, log);
    for (const e of live) cache.seen.set(`${e.k}:${e.n}`, e.t);
    await cache.compact(now);
    return cache;
  }

  /**
   * Records (keyId, nonce) used at `time`; resolves false (and records nothing) when it was already used.
   * Durable before it resolves true.
   */
  async claim(keyId: string, nonce: string, time: number, now = Date.now()): Promise<boolean> {
    const key = `${keyId}:${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, time);
    const line = Buffer.from(JSON.stringify({ k: keyId, n: nonce, t: time } satisfies Entry) + '\n');
    try {
      await this.log.append(line); // whole and fdatasynced, or cut back and rejected with a named fault
    } catch (err) {
      this.seen.delete(key); // not recorded: the request is refused, so the nonce may be used again
      throw err;
    }
    if (++this.appendsSinceCompaction >= 10_000) await this.compact(now);
    return true;
  }

  private async compact(now: number): Promise<void> {
    for (const [key, t] of this.seen) if (t < now - this.windowMs) this.seen.delete(key);
    const lines = [...this.seen].map(([key, t]) => {
      const i = key.indexOf(':');
      return JSON.stringify({ k: key.slice(0, i), n: key.slice(i + 1), t } satisfies Entry) + '\n';
    });
    await this.log.replace(Buffer.from(lines.join('')));
    this.appendsSinceCompaction = 0;
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}
