// The closed lists of what the host says in codes: every error code it may return in an envelope, and every
// status text it sends inside a result (ledger status, sync state, fork alarms). The host's English `message` /
// `detail` is kept for logs and for a UI that does not know a code; the renderer says each code in its own
// language with the values in `params` (renderer/src/i18n: `errors.<CODE>` and `hostText.<code>`), and its
// i18n test fails when a code listed here has no translation.
//
// Isomorphic: imported by the host and the renderer; imports nothing.

/** Error codes the host returns (`HostError` only takes these). */
export const hostErrorCodes = [
  // adapters (AdapterErrorCode in api.ts)
  'INVALID_ARGUMENT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'TRANSPORT',
  'INTERNAL',
  'HOST_CLOSED',
  // settings and identities
  'SETTINGS_INVALID',
  'SETTINGS_FILE_INVALID',
  'WRONG_PASSPHRASE',
  'PASSPHRASE_INVALID',
  'LOCKED',
  'IDENTITY_NOT_FOUND',
  'IDENTITY_EXISTS',
  'KEYSTORE_INVALID',
  // intake
  'BATCH_NOT_FOUND',
  'INTAKE_FAILED',
  'E_INTAKE_ARGUMENT',
  'E_INTAKE_CANCELLED',
  'E_INTAKE_WORKER',
  'E_INTAKE_JOURNAL',
  'E_INTAKE_BATCH_EXISTS',
  // the ledger
  'LEDGER_NOT_AVAILABLE',
  'LEDGER_NOT_VERIFIED',
  'LEDGER_REFUSED',
  'LEDGER_RECORD_MISSING',
  'LEDGER_FORKED',
  'LEDGER_MISMATCH',
  'CASE_NOT_FOUND',
  'EXHIBIT_EXISTS',
  'EXHIBIT_NOT_FOUND',
  'NOT_HOLDER',
  'SAME_OFFICER',
  'NOT_ENROLLED',
  'KEY_REVOKED',
  'NOT_WITNESSED',
  'LOCAL_COPY_UNREADABLE',
  // network mode
  'NETWORK_NOT_CONFIGURED',
  'NETWORK_LOG_KEY_INVALID',
  'MIRROR_DAMAGED',
  'NODE_UNREACHABLE',
  'BAD_PROMISE',
  // deposition and the provider
  'DEPOSIT_FAILED',
  'DEPOSIT_STEP_FAILED',
  'DEPOSIT_IN_PROGRESS',
  'DEPOSIT_INTERRUPTED',
  'UPLOAD_MISMATCH',
  'RECEIPT_MISMATCH',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_REFUSED',
  'PROVIDER_KEY_MISMATCH',
  'PROVIDER_NOT_ENROLLED',
  'PROVIDER_DOES_NOT_KNOW_KEY',
  'PROVIDER_SIGNATURE_INVALID',
  // reports
  'REPORT_NOT_AVAILABLE',
  'REPORT_NO_PRINTER',
  'REPORT_UNKNOWN_PDF',
  'REPORT_PDF_MISSING',
  // the web host's staging of dropped files (app/web/staging.ts)
  'UPLOAD_INVALID',
  'UPLOAD_FAILED',
  // the desktop app: paper printing (electron/printer.ts), dropped items that are not files (electron/preload.ts)
  'REPORT_PAPER_FAILED',
  'NO_PATH',
] as const;
export type HostErrorCode = (typeof hostErrorCodes)[number];

/** Status texts inside results: `LedgerStatus.sync.reason`, `LedgerStatus.forks[].reason`. */
export const hostTextCodes = [
  'sync.notAnswered',
  'sync.nodeUnreachable',
  'sync.providerUnreachable',
  'sync.providerKeyMismatch',
  'sync.pinnedWitnesses',
  'sync.noFinalCheckpoint',
  'sync.noVerifiableCopy',
  'sync.halted',
  'fork.sameSize',
  'fork.notPrefix',
] as const;
export type HostTextCode = (typeof hostTextCodes)[number];

/** Intake item errors (IntakeItem.error.code), said by the renderer as `intakeError.<code>`. */
export const intakeItemErrorCodes = [
  'E_INTAKE_CHANGED',
  'E_INTAKE_VANISHED',
  'E_INTAKE_UNREADABLE',
  'E_INTAKE_SPECIAL_FILE',
  'E_INTAKE_SYMLINK_LOOP',
  'E_INTAKE_INCOMPLETE_FOLDER',
] as const;
