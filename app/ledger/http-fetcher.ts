// A TileFetcher over HTTP(S) for a log served at a URL prefix (c2sp.org/tlog-tiles). Isomorphic (fetch).
import { NotFoundError, type TileFetcher } from './tiles';
import { EvidenceError } from '../common/errors';

export class HttpFetchError extends EvidenceError<'LEDGER_HTTP'> {
  override name = 'HttpFetchError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_HTTP', message, options);
  }
}

export function httpFetcher(prefix: string, init: { fetch?: typeof fetch } = {}): TileFetcher {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const f = init.fetch ?? fetch;
  return {
    async get(path: string): Promise<Uint8Array> {
      const url = new URL(path, base).href;
      const res = await f(url, { headers: { 'accept-encoding': 'gzip, identity' } });
      if (res.status === 404) throw new NotFoundError(`${url}: 404`);
      if (!res.ok) throw new HttpFetchError(`${url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
