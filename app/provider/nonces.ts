// Persisted replay cache: every (key, nonce) accepted within the time window is written (and fdatasynced) to
// nonces.log before the request is served, so a replay is refused even after the provider restarts. Entries
// older than the window can never be replayed (their time is rejected), so they are dropped on compaction.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic';

interface Entry {
  k: string;
  n: string;
  t: number;
}

export class NonceCache {
  private readonly seen = new Map<string, number>();
  private appendsSinceCompaction = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly windowMs: number,
    private fh: FileHandle,
  ) {}

  /** Opens the cache stored in `file`, keeping the entries still inside `windowMs` of now. */
  static async open(file: string, windowMs: number, now = Date.now()): Promise<NonceCache> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const live: Entry[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        // A torn last line from a crash mid-append: that request was never answered, so dropping it is safe.
        continue;
      }
      if (typeof e.k === 'string' && typeof e.n === 'string' && typeof e.t === 'number' && e.t >= now - windowMs) live.push(e);
    }
    await writeFileAtomic(file, live.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600, overwrite: true });
    const cache = new NonceCache(file, windowMs, await open(file, 'a'));
    for (const e of live) cache.seen.set(`${e.k}:${e.n}`, e.t);
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
    const line = JSON.stringify({ k: keyId, n: nonce, t: time } satisfies Entry) + '\n';
    const step = this.chain.then(async () => {
      await this.fh.write(line);
      await this.fh.datasync();
      if (++this.appendsSinceCompaction >= 10_000) await this.compact(now);
    });
    this.chain = step.catch(() => undefined);
    await step;
    return true;
  }

  private async compact(now: number): Promise<void> {
    for (const [key, t] of this.seen) if (t < now - this.windowMs) this.seen.delete(key);
    const lines = [...this.seen].map(([key, t]) => {
      const i = key.indexOf(':');
      return JSON.stringify({ k: key.slice(0, i), n: key.slice(i + 1), t } satisfies Entry) + '\n';
    });
    await this.fh.close();
    await writeFileAtomic(this.file, lines.join(''), { mode: 0o600, overwrite: true });
    this.fh = await open(this.file, 'a');
    this.appendsSinceCompaction = 0;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh.close();
  }
}
