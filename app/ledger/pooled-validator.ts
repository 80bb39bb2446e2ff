// The sequencer's validator for a node with worker threads: a submission's checks that need no ledger state
// (parse, RFC 8785 form, schema, stateless rules, every signature) run on a CheckPool worker while other
// submissions are being checked and applied; the main thread runs only the stateful rules, in submission order
// (Sequencer.applyInTurn). Verdicts are those of LedgerState.apply: the same RuleErrors (code, status, message,
// field) for every single fault. Signatures by keys the ledger has never enrolled are not verified on the
// workers at all: such a submission takes `apply`'s synchronous path, which refuses it (403) before any curve
// arithmetic, so strangers cannot spend the node's cores.
import { nodeSha256, nodeVerifier } from '../crypto/bulk-verify';
import type { CheckPool } from './check-pool';
import { encodeBundle } from './layout';
import { type LedgerState, RuleError, type RuleStatus } from './rules';
import type { EntryValidator } from './sequencer';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether every signature of the entry names a key the ledger has enrolled (a cheap pre-check, not a verdict). */
function signersEnrolled(state: LedgerState, entry: Uint8Array): boolean {
  let env: unknown;
  try {
    env = JSON.parse(decoder.decode(entry));
  } catch (err) {
    // Not UTF-8 JSON: `apply` names the fault.
    if (err instanceof SyntaxError || err instanceof TypeError) return false;
    throw err;
  }
  const sigs = (env as { signatures?: unknown } | null)?.signatures;
  return Array.isArray(sigs) && sigs.length > 0 && sigs.every((s) => typeof (s as { keyId?: unknown } | null)?.keyId === 'string' && state.members.has((s as { keyId: string }).keyId));
}

export function pooledValidator(state: LedgerState, pool: CheckPool): EntryValidator {
  const apply = (entry: Uint8Array) => void state.apply(entry, { verifier: nodeVerifier, sha256: nodeSha256 });
  return {
    apply,
    prepare: async (entry) => {
      if (!signersEnrolled(state, entry)) return () => apply(entry);
      const r = await pool.run({ bytes: encodeBundle([entry]) });
      const e = r.entries[0]!;
      if ('rule' in e) throw new RuleError(e.rule.code, e.rule.status as RuleStatus, e.rule.message, e.rule.field);
      if ('signature' in e) {
        const { at, role, keyId, reason, detail } = e.signature;
        throw new RuleError('LEDGER_RULE_SIGNATURE', 401, `signature ${at} (role "${role}", key ${keyId}): ${reason}: ${detail}`, `signatures[${at}]`);
      }
      return () => state.applyFacts(e.facts);
    },
  };
}
