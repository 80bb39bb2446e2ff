// An agency's own copy of the offline verifier (`evidence verifier build --trust BUNDLE`): the trust bundle is
// placed in the page as a JSON data block (<script type="application/json">, which is never executed, so the
// page's CSP — one script and one style, pinned by hash — stays as it is), and the page checks every receipt
// against it and says which ledger it checks against. Isomorphic: plain string work.
import type { ParsedTrustBundle } from './bundle';
import { EvidenceError } from '../common/errors';

/** The data block the built verifier carries; `null` in the generic copy. */
export const EMBEDDED_TRUST_ID = 'embedded-trust';
const BLOCK_RE = /<script type="application\/json" id="embedded-trust">[^<]*<\/script>/;

export class EmbedError extends EvidenceError<'VERIFIER_NO_TRUST_SLOT'> {
  override name = 'EmbedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERIFIER_NO_TRUST_SLOT', message, options);
  }
}

/** The empty slot a generic verifier page carries. */
export const emptyTrustSlot = (): string => `<script type="application/json" id="${EMBEDDED_TRUST_ID}">null</script>`;

/** The verifier page with `bundle` in its trust slot (replacing any bundle already there). */
export function embedTrust(page: string, bundle: ParsedTrustBundle): string {
  if (!BLOCK_RE.test(page)) throw new EmbedError(`the page has no ${EMBEDDED_TRUST_ID} slot: is it the offline verifier (out/verifier/verifier.html)?`);
  // JSON escapes '<' so that no "</script" can end the block early; the fingerprint is of the parsed document.
  const json = JSON.stringify(bundle.bundle).replace(/</g, '\\u003c');
  return page.replace(BLOCK_RE, () => `<script type="application/json" id="${EMBEDDED_TRUST_ID}">${json}</script>`);
}
