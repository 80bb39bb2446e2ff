// The ledger node's HTTP server (fastify, 127.0.0.1 by default):
//   GET  /checkpoint            the signed checkpoint (no-cache), possibly with witness cosignatures
//   GET  /tile/<L>/<N>[.p/<W>]  hash tiles and entry bundles (immutable, long-lived cache)
//   GET  /vkey                  the log's verifier key
//   GET  /trust.bundle          the ledger's trust bundle (app/trust/bundle.ts), as its genesis describes it
//   POST /add                   a signed envelope (canonical JSON bytes) → signed inclusion promise
//   POST /gossip                a peer's checkpoint note → ours; an inconsistent one is kept in DIR/forks/
// Errors are { error: { code, message, field? } } with 400 (field), 401/403 (signer), 409 (duplicate),
// 413 (over 65,535 bytes), 422 (against the ledger's history); nothing is appended on error.
import Fastify, { type FastifyInstance } from 'fastify';
import { nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import { toBase64 } from '../crypto/encoding';
import { LayoutError, MAX_ENTRY_SIZE, parseTilePath } from '../ledger/layout';
import type { PublishedCheckpoint } from '../ledger/log';
import { LedgerState, RuleError } from '../ledger/rules';
import { Sequencer, SequencerStoppedError } from '../ledger/sequencer';
import { FsLogDriver } from '../ledger/storage/fs';
import { NotFoundError } from '../ledger/tiles';
import { nodePaths, readNode } from './files';
import { parseVerifierKey } from '../ledger/note';
import { openCheckpoint } from '../ledger/checkpoint';
import { ForkStore } from '../witness/fork';
import { TRUST_BUNDLE_MEDIA_TYPE, bundleFromGenesis, trustBundleBytes } from '../trust/bundle';
import { observeCheckpoint } from '../witness/gossip';
import { join } from 'node:path';
import { storageFault } from '../fs/errors';
import { availableParallelism } from 'node:os';
import { CheckPool } from '../ledger/check-pool';
import { pooledValidator } from '../ledger/pooled-validator';

export interface NodeServerOptions {
  dir: string;
  host?: string;
  port?: number;
  batchMs?: number;
  /** Hook for witnesses: called with each new checkpoint; may call `node.sequencer.addCosignatures`. */
  onCheckpoint?: (published: PublishedCheckpoint, node: LedgerNode) => void | Promise<void>;
  log?: (line: string) => void;
  /** How often a log stopped by a storage fault tries to reopen (ms, default 2000). */
  recoverMs?: number;
  /** Worker threads checking submissions (parse, signatures; default: available parallelism). 0 checks them on the main thread. */
  workers?: number;
}

export interface LedgerNode {
  readonly url: string;
  readonly sequencer: Sequencer;
  readonly state: LedgerState;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const errorBody = (code: string, message: string, field?: string) => ({ error: { code, message, ...(field !== undefined ? { field } : {}) } });

export async function startNodeServer(o: NodeServerOptions): Promise<LedgerNode> {
  const { config, key } = await readNode(o.dir);
  const paths = nodePaths(o.dir);
  const log = o.log ?? (() => undefined);
  const self: { node?: LedgerNode } = {};
  const workers = o.workers ?? availableParallelism();
  const pool = workers > 0 ? new CheckPool(workers) : undefined;
  /** Sends a checkpoint to the witness hook; at start and after recovery too, so none waits for a new entry. */
  const announce = (p: PublishedCheckpoint): void => {
    if (!o.onCheckpoint || !self.node) return;
    Promise.resolve()
      .then(() => o.onCheckpoint!(p, self.node!))
      .catch((err: unknown) => log(`error: witnesses: ${err instanceof Error ? err.message : String(err)}`));
  };
  /** Opens the log from its folder: a fresh rule state rebuilt from the verified log, then the journal replayed. */
  const openLog = async (): Promise<{ sequencer: Sequencer; state: LedgerState; driver: FsLogDriver }> => {
    const state = new LedgerState();
    const driver = new FsLogDriver(paths.log, paths.journal);
    const sequencer = await Sequencer.open({
      driver,
      origin: config.origin,
      key,
      validator: pool ? pooledValidator(state, pool) : { apply: (e) => void state.apply(e, { verifier: nodeVerifier, sha256: nodeSha256 }) },
      ...(o.batchMs !== undefined ? { batchMs: o.batchMs } : {}),
      onCheckpoint: (p) => {
        log(`checkpoint ${p.checkpoint.size} ${toBase64(p.checkpoint.root)}`);
        announce(p);
      },
      onError: (err) => log(`error: ${err instanceof Error ? err.message : String(err)}`),
    });
    return { sequencer, state, driver };
  };
  // A node that cannot open its log must not leave worker threads running.
  let current = await openLog().catch(async (err: unknown) => {
    await pool?.close();
    throw err;
  });

  // A storage fault (a full disk, EIO) stops the sequencer: the entries it had validated but could not journal are
  // in its rule state. The node then opens the log again from disk — the journal holds exactly what was
  // acknowledged (app/fs/append.ts) — every `recoverMs`, so it accepts again on its own once the fault clears;
  // meanwhile submissions are refused with the named fault (507).
  let reopening: Promise<void> | undefined;
  let closing = false;
  const recover = (): Promise<void> => {
    if (current.sequencer.failure === undefined || closing) return Promise.resolve();
    reopening ??= (async () => {
      try {
        await current.sequencer.close();
      } catch (err) {
        log(`error: closing the stopped log: ${err instanceof Error ? err.message : String(err)}`);
      }
      current = await openLog();
      log(`recovered: the log accepts again at size ${current.sequencer.size}`);
      announce({ ...current.sequencer.writer.checkpoint, previousSize: current.sequencer.size });
    })().finally(() => {
      reopening = undefined;
    });
    return reopening;
  };
  const recoverTimer = setInterval(() => {
    recover().catch((err: unknown) => log(`error: the log is still stopped: ${err instanceof Error ? err.message : String(err)}`));
  }, o.recoverMs ?? 2000);
  recoverTimer.unref();
  /** The sequencer; while a storage fault keeps the log stopped, the named fault (answered 507). */
  const live = (): Sequencer => {
    const failure = current.sequencer.failure;
    if (failure) throw new SequencerStoppedError(`the log stopped after a storage failure and reopens once it clears: ${failure.message}`, { cause: failure });
    return current.sequencer;
  };

  const app = Fastify({ logger: false, bodyLimit: MAX_ENTRY_SIZE });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ENTRY_SIZE }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof RuleError) return reply.code(err.status).send(errorBody(err.code, err.message, err.field));
    const fault = storageFault(err, 'the ledger node');
    if (fault) {
      log(`error: ${err.message}`);
      return reply.code(fault.status).send(errorBody(fault.code, err.message));
    }
    if (err instanceof SequencerStoppedError) return reply.code(503).send(errorBody(err.code, err.message));
    if (err.statusCode === 413) return reply.code(413).send(errorBody('LEDGER_ENTRY_TOO_LARGE', `entry exceeds ${MAX_ENTRY_SIZE} bytes (c2sp.org/tlog-tiles uint16 length prefix)`));
    if (err.statusCode !== undefined && err.statusCode < 500) return reply.code(err.statusCode).send(errorBody(err.code ?? 'BAD_REQUEST', err.message));
    log(`error: ${err.stack ?? err.message}`);
    return reply.code(500).send(errorBody('INTERNAL', err.message));
  });

  app.get('/checkpoint', async (_req, reply) => {
    const body = await current.driver.get('checkpoint');
    return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache').send(Buffer.from(body));
  });
  app.get('/vkey', async (_req, reply) => reply.header('content-type', 'text/plain; charset=utf-8').send(`${config.vkey}\n`));
  // The trust bundle the genesis describes: the same bytes as DIR/trust.bundle, never out of step with the log.
  app.get('/trust.bundle', async (_req, reply) => {
    if (!current.state.genesis) return reply.code(404).send(errorBody('LEDGER_NO_GENESIS', 'the ledger has no genesis yet'));
    return reply.header('content-type', TRUST_BUNDLE_MEDIA_TYPE).header('cache-control', 'no-cache').send(Buffer.from(trustBundleBytes(bundleFromGenesis(current.state.genesis))));
  });
  app.get('/tile/*', async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '').slice(1);
    try {
      parseTilePath(path);
    } catch (err) {
      if (err instanceof LayoutError) return reply.code(404).send(errorBody(err.code, err.message));
      throw err;
    }
    try {
      const body = await current.driver.get(path);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(body));
    } catch (err) {
      if (err instanceof NotFoundError) return reply.code(404).send(errorBody(err.code, `${path} not found`));
      throw err;
    }
  });
  app.post('/add', async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) return reply.code(400).send(errorBody('LEDGER_EMPTY_BODY', 'POST /add needs the entry (canonical JSON envelope) as the body', '(root)'));
    const accepted = await live().submit(new Uint8Array(body.buffer, body.byteOffset, body.length));
    return reply.send({ index: accepted.index, time: accepted.time, leafHash: toBase64(accepted.leafHash), promise: accepted.promise });
  });

  // Fork detection (app/witness/gossip.ts): judge a peer's checkpoint against our tree, answer with ours.
  const forks = new ForkStore(join(o.dir, 'forks'));
  const logKey = parseVerifierKey(config.vkey);
  app.post('/gossip', async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body)) return reply.code(400).send(errorBody('GOSSIP_EMPTY', 'POST /gossip needs a checkpoint note as the body'));
    const note = body.toString('utf8');
    try {
      openCheckpoint(note, logKey, { origin: config.origin });
    } catch (err) {
      return reply.code(403).send(errorBody('GOSSIP_UNVERIFIED', `gossiped checkpoint is not validly signed by ${config.origin}: ${(err as Error).message}`));
    }
    // Fail closed: anything failing past the signature check (keeping fork evidence on a full disk …) is the
    // node's trouble, answered 5xx by the error handler, never "not validly signed".
    const w = current.sequencer.writer;
    const r = await observeCheckpoint({ origin: config.origin, logKey, current: w.checkpoint, rootAt: (n) => w.tree.root(n), forks }, note, `gossip from ${req.ip}`);
    if (r.verdict === 'fork' && r.isNew) log(`FORK: ${r.evidence!.reason} (kept in ${join(o.dir, 'forks')})`);
    return reply.header('content-type', 'text/plain; charset=utf-8').send(w.checkpoint.note);
  });

  const address = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 0 });
  const node: LedgerNode = {
    url: address,
    get sequencer() {
      return current.sequencer;
    },
    get state() {
      return current.state;
    },
    app,
    close: async () => {
      closing = true;
      clearInterval(recoverTimer);
      await app.close();
      await reopening?.catch(() => undefined);
      await current.sequencer.close();
      await pool?.close();
    },
  };
  self.node = node;
  // The current checkpoint goes to the witnesses now: one left not final by a crash or a stop gets its
  // cosignatures without waiting for a new entry.
  announce({ ...current.sequencer.writer.checkpoint, previousSize: current.sequencer.size });
  return node;
}
