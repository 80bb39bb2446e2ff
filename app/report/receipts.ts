// Evidence receipts for the exhibits of a report, built by app/proof (docs/RECEIPT.md) from the same verified log the
// report was generated from, so a receipt and the report always name the same checkpoint.
import { parseVerifierKey } from '../ledger/note';
import { buildProof } from '../proof/build';
import type { WitnessPolicy } from '../witness/cosignature';
import type { ReceiptBuilder } from './export';

/** The receipt (pretty JSON) of entry `index`; throws ProofBuildError PROOF_NOT_FINAL below the witness quorum. */
export const proofReceipt: ReceiptBuilder = (ledger, index) => {
  const built = buildProof({ ...ledger.log, logKey: parseVerifierKey(ledger.genesis.logKey), policy: ledger.genesis.witnessPolicy as WitnessPolicy }, index);
  return `${JSON.stringify(built.receipt, null, 2)}\n`;
};
