// Glue between the ledger node (server.ts, its onCheckpoint hook) and the witnesses: reads the
// endpoint list, takes the witness policy and log key from the node's verified genesis, and pushes each new
// checkpoint through a WitnessPusher that publishes the cosigned note with `sequencer.addCosignatures`.
import type { PublishedCheckpoint } from '../ledger/log';
import { parseVerifierKey } from '../ledger/note';
import type { LedgerNode } from './server';
import { WitnessClient, type WitnessEndpoint } from '../witness/client';
import { type WitnessPolicy, parsePolicy } from '../witness/cosignature';
import { type PushResult, WitnessPusher } from '../witness/pusher';

export interface NodeWitnessOptions {
  retryMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** An onCheckpoint hook for startNodeServer; `pusher()` exposes the loop once the first checkpoint arrived. */
export function nodeWitnessHook(endpoints: readonly WitnessEndpoint[], opts: NodeWitnessOptions = {}) {
  let pusher: WitnessPusher | undefined;
  const log = opts.log ?? (() => undefined);
  const hook = (published: PublishedCheckpoint, node: LedgerNode): void => {
    if (!pusher) {
      const g = node.state.genesis;
      if (!g) throw new RangeError('the node has no genesis: cannot read its witness policy');
      const seq = () => node.sequencer; // a node reopening its log after a storage fault has a new sequencer
      pusher = new WitnessPusher({
        client: new WitnessClient(endpoints, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        policy: parsePolicy(g.witnessPolicy as WitnessPolicy),
        logKey: parseVerifierKey(g.logKey),
        proofs: (a, b) => seq().writer.tree.consistencyProof(a, b),
        current: () => seq().checkpointNote,
        publish: (note) => seq().addCosignatures(note),
        ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
        onResult: (r: PushResult) => {
          const failed = r.outcomes.filter((o) => !o.ok).map((o) => `${o.witness}: ${'error' in o ? o.error : ''}`);
          log(`witnesses: size ${r.size} ${r.final ? 'final' : 'NOT final'} (${r.outcomes.filter((o) => o.ok).length}/${r.outcomes.length} cosigned)${failed.length ? `; ${failed.join('; ')}` : ''}`);
        },
        onError: (err) => log(`witnesses: ${(err as Error).message}`),
      });
    }
    pusher.push(published.note);
  };
  return { hook, pusher: () => pusher, close: () => pusher?.close() };
}
