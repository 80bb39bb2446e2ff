// The workstation API contract: the one list of what the UI may ask of the host, and what the host may tell it.
//
// Every method is `namespace.verb`, takes one object argument and resolves to an envelope
// `{ ok: true, value } | { ok: false, error: { code, message } }` (Signal Desktop's IPC replies). Every event is
// `onSomething` (VS Code's naming) with one payload. Both adapters — Electron IPC (electron/ipc.ts) and HTTP +
// WebSocket (app/web/server.ts) — and both client proxies (electron/preload.ts, renderer/src/transport/) are
// generated from the tables below; nothing is written per method. Arguments are parsed by these schemas in the
// host process before any service sees them; results are parsed on the way out and refused when they carry any
// field the schema does not name (key material cannot leak through a result by accident).
//
// Isomorphic: the renderer imports this file, so it imports nothing but zod.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Envelopes and errors

/** A stable, machine-readable error code: upper snake case, e.g. `WRONG_PASSPHRASE`. */
export const errorCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an error code is UPPER_SNAKE_CASE');

export const contractErrorSchema = z.strictObject({
  code: errorCodeSchema,
  /** What happened and what the person can do about it, in words a non-engineer understands (English). */
  message: z.string().min(1),
  /** The values the UI puts into its own words for `code` (the renderer translates `errors.<code>`). */
  params: z.record(z.string(), z.string()).optional(),
});
export type ContractError = z.infer<typeof contractErrorSchema>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Error codes raised by the adapters themselves (services add their own, e.g. `WRONG_PASSPHRASE`). */
export const AdapterErrorCode = {
  /** The argument did not match the method's schema; the message quotes the schema's complaint. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** No such method in this contract. */
  UNKNOWN_METHOD: 'UNKNOWN_METHOD',
  /** The web host's per-launch token was missing or wrong. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** An IPC message came from a frame that is not the app's own page. */
  FORBIDDEN_ORIGIN: 'FORBIDDEN_ORIGIN',
  /** The host could not reach or understand the other side (network down, host stopped). */
  TRANSPORT: 'TRANSPORT',
  /** A fault in the workstation itself; the message says where the log is. */
  INTERNAL: 'INTERNAL',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Shared value schemas

export const languageSchema = z.enum(['en', 'zh-CN']);
export type Language = z.infer<typeof languageSchema>;

/** standalone: sequencer, provider and witness run inside this workstation (no independent parties). */
export const modeSchema = z.enum(['standalone', 'network']);
export type Mode = z.infer<typeof modeSchema>;

const httpUrlSchema = z
  .string()
  .url()
  .refine((s) => /^https?:\/\//.test(s), 'must be an http:// or https:// URL');

/** A C2SP signed-note verifier key: `<name>+<hex key id>+<base64 key>` (c2sp.org/signed-note). */
const vkeySchema = z
  .string()
  .regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/, 'a verifier key looks like name+1234abcd+BASE64');

export const witnessSchema = z.strictObject({ name: z.string().min(1).max(200), vkey: vkeySchema });

/** A person's key id: the short fingerprint of their secp256k1 public key (app/crypto). */
export const keyIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a key id is 32 lowercase hex characters');

export const networkSettingsSchema = z.strictObject({
  ledgerUrl: httpUrlSchema.nullable(),
  providerUrl: httpUrlSchema.nullable(),
  /** The ledger log's checkpoint key, pinned. */
  logKey: vkeySchema.nullable(),
  /** The provider's signing key id, pinned: its countersignatures must be made with this key. */
  providerKey: keyIdSchema.nullable().default(null),
  witnesses: z.array(witnessSchema).max(64),
  /** How many of `witnesses` must cosign before a checkpoint is final. */
  witnessQuorum: z.number().int().min(0).max(64),
});

export const settingsSchema = z.strictObject({
  version: z.literal(1),
  language: languageSchema,
  /** null until the person chooses on first run. */
  mode: modeSchema.nullable(),
  network: networkSettingsSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.strictObject({
  language: languageSchema.optional(),
  mode: modeSchema.optional(),
  // No defaults in a patch: a field left out stays as it is.
  network: networkSettingsSchema.extend({ providerKey: keyIdSchema.nullable() }).partial().optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const appInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  /** Which adapter this UI talks through. */
  shell: z.enum(['electron', 'web']),
  /** Where the workstation keeps its data (shown in Help → open data folder). */
  dataDir: z.string(),
  /** The running mode, with the plain label the UI must show for it. */
  mode: modeSchema.nullable(),
  modeLabel: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const none = z.strictObject({});

export const officerRoleSchema = z.enum(['investigator', 'custodian', 'supervisor', 'admin']);
export type OfficerRole = z.infer<typeof officerRoleSchema>;

/** The public part of an identity on this workstation: never key material. */
export const identityInfoSchema = z.strictObject({
  keyId: keyIdSchema,
  publicKey: z.string().regex(/^0[23][0-9a-f]{64}$/),
  name: z.string(),
  badge: z.string(),
  role: z.string(),
  createdAt: z.string(),
});
export type IdentityInfo = z.infer<typeof identityInfoSchema>;

export const identityStatusSchema = z.strictObject({
  /** The identity whose key is unlocked for signing, if any. */
  unlocked: identityInfoSchema.nullable(),
  /** Every identity whose keystore is on this workstation. */
  identities: z.array(identityInfoSchema),
});
export type IdentityStatus = z.infer<typeof identityStatusSchema>;

/** A new passphrase: long enough to resist guessing of the keystore file (scrypt slows each guess). */
export const newPassphraseSchema = z
  .string()
  .min(10, 'the passphrase needs at least 10 characters; a few unrelated words are easy to remember')
  .max(1024, 'the passphrase may have at most 1024 characters');
const passphraseSchema = z.string().min(1, 'enter the passphrase').max(1024);
const personText = (what: string) =>
  z.string().trim().min(1, `enter the ${what}`).max(200, `the ${what} may have at most 200 characters`);

// Intake (app/intake): hashing dropped files and folders into evidence-item candidates.

/** An absolute path on the host: `/…` (POSIX), `C:\…` or `\\server\share\…` (Windows). */
export const hostPathSchema = z
  .string()
  .min(1)
  .max(32 * 1024)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'give an absolute path on the workstation')
  .refine((p) => !p.includes('\0'), 'a path cannot contain NUL');

export const batchIdSchema = z.string().uuid('a batch id is a UUID');
export const algorithmSchema = z.enum(['sha256', 'sha1', 'md5']);

const itemErrorSchema = z.strictObject({ code: z.string(), message: z.string() });

export const intakeItemSchema = z.strictObject({
  index: z.number().int(),
  root: z.number().int(),
  /** Full path as text (exact unless the name is not UTF-8). */
  path: z.string(),
  relPath: z.string().nullable(),
  /** The path escaped for display: printable, one line, unambiguous. Show this one. */
  displayPath: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'symlink', 'other']),
  size: z.number().nullable(),
  mtime: z.string().nullable(),
  ctime: z.string().nullable(),
  hashes: z.strictObject({ sha256: z.string(), sha1: z.string().optional(), md5: z.string().optional() }).nullable(),
  mediaType: z.string().nullable(),
  linkTarget: z.string().optional(),
  duplicate: z.strictObject({ inCase: z.boolean(), firstIndex: z.number().int(), count: z.number().int() }).optional(),
  error: itemErrorSchema.nullable(),
});
export type IntakeItem = z.infer<typeof intakeItemSchema>;

export const intakeFolderSchema = z.strictObject({
  root: z.number().int(),
  path: z.string(),
  displayPath: z.string(),
  fileCount: z.number().int(),
  totalBytes: z.number(),
  /** SHA-256 of the folder's canonical manifest: the folder exhibit's hash. */
  manifestSha256: z.string().nullable(),
  error: itemErrorSchema.nullable(),
});

export const intakeTotalsSchema = z.strictObject({
  files: z.number().int(),
  hashed: z.number().int(),
  failed: z.number().int(),
  links: z.number().int(),
  bytes: z.number(),
  duplicates: z.number().int(),
});

export const intakeStateSchema = z.enum(['running', 'done', 'cancelled', 'failed', 'interrupted']);

export const intakeBatchSchema = z.strictObject({
  batchId: batchIdSchema,
  state: intakeStateSchema,
  /** Present when state is done. */
  result: z
    .strictObject({
      algorithms: z.array(algorithmSchema),
      startedAt: z.string(),
      finishedAt: z.string(),
      items: z.array(intakeItemSchema),
      folders: z.array(intakeFolderSchema),
      totals: intakeTotalsSchema,
    })
    .nullable(),
  /** Present when state is failed. */
  error: contractErrorSchema.nullable(),
});
export type IntakeBatch = z.infer<typeof intakeBatchSchema>;

const fileProgressSchema = z.strictObject({
  index: z.number().int(),
  displayPath: z.string(),
  bytesDone: z.number(),
  size: z.number(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
});

export const intakeProgressSchema = z.strictObject({
  batchId: batchIdSchema,
  /** True while folders are still walked: totals may grow and etaSeconds is null. */
  walking: z.boolean(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  failed: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Bytes per second. */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  elapsedSeconds: z.number(),
  current: z.array(fileProgressSchema),
});
export type IntakeProgress = z.infer<typeof intakeProgressSchema>;

export const intakeFinishedSchema = z.strictObject({
  batchId: batchIdSchema,
  state: z.enum(['done', 'cancelled', 'failed']),
  totals: intakeTotalsSchema.nullable(),
  error: contractErrorSchema.nullable(),
});

// ---------------------------------------------------------------------------------------------------------------
// The chain-of-custody report (app/report, app/host/services/report.ts)

/** Report language: Chinese, English, or both side by side. */
export const reportLangSchema = z.enum(['zh-CN', 'en', 'both']);

export const reportPrintedSchema = z.strictObject({
  /** The PDF written. */
  pdf: z.string(),
  /** CASE.report.json beside it: the exact bytes the report's SHA-256 covers. */
  json: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pages: z.number().int(),
  /** One .evidence-receipt.json per exhibit, when receipts are available. */
  receipts: z.array(z.string()),
  /** Other files placed beside the PDF (the offline verifier). */
  files: z.array(z.string()),
});
export type ReportPrinted = z.infer<typeof reportPrintedSchema>;

/**
 * How a printed report reaches the system print dialog: the desktop app shows the PDF in a window of its own and
 * opens the dialog there (`dialog`, with what the user did); the web host cannot open a dialog on the user's
 * screen, so it serves the PDF at a one-time address for the page to print (`browser`).
 */
export const reportSystemPrintSchema = z.discriminatedUnion('via', [
  z.strictObject({ via: z.literal('dialog'), outcome: z.enum(['printed', 'cancelled']) }),
  z.strictObject({
    via: z.literal('browser'),
    /** Same-origin path of the PDF, e.g. `/documents/<random>/report.pdf`. */
    url: z.string().regex(/^\/documents\/[0-9a-f]{32}\/[^/]+\.pdf$/),
  }),
]);
export type ReportSystemPrint = z.infer<typeof reportSystemPrintSchema>;

// ---------------------------------------------------------------------------------------------------------------
// The ledger as the investigator sees it (app/host/services/casework.ts): cases, depositions, custody, integrity
// checks, the custody timeline with its verification per event, and the log's checkpoints. Every verdict is
// computed by the host from the ledger's own data in this session; the UI shows it, it never decides it.

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex characters');
const caseIdSchema = z.string().trim().min(1, 'enter the case number').max(128, 'a case number has at most 128 characters');
const exhibitIdSchema = z.string().trim().min(1, 'enter the exhibit number').max(128, 'an exhibit number has at most 128 characters');

export const caseSummarySchema = z.strictObject({
  caseId: z.string(),
  title: z.string(),
  agency: z.string(),
  description: z.string(),
  openedAt: z.string(),
  openedBy: z.strictObject({ keyId: z.string(), name: z.string(), badge: z.string() }),
  /** Entry index of the case.open record. */
  index: z.number().int(),
  exhibits: z.number().int(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const exhibitSummarySchema = z.strictObject({
  exhibitId: z.string(),
  caseId: z.string(),
  name: z.string(),
  description: z.string(),
  size: z.number(),
  sha256: z.string(),
  depositedAt: z.string(),
  /** Entry index of the deposition. */
  index: z.number().int(),
  holder: z.strictObject({ keyId: z.string(), name: z.string(), badge: z.string() }),
  disposed: z.boolean(),
});
export type ExhibitSummary = z.infer<typeof exhibitSummarySchema>;

export const signerViewSchema = z.strictObject({
  role: z.string(),
  keyId: z.string(),
  name: z.string(),
  badge: z.string(),
  memberRole: z.string(),
  /** Entry index that enrolled the key (0: genesis); null when the key is not a member. */
  enrolledAt: z.number().int().nullable(),
  /** The signature verified over the record digest with this key. */
  valid: z.boolean(),
});

/** One check of one event: ok, pending (e.g. awaiting witnesses), failed (with the reason), or not applicable. */
export const checkSchema = z.strictObject({
  state: z.enum(['ok', 'pending', 'failed', 'na']),
  /** The host's words (English). */
  detail: z.string(),
  /** A stable code for the words (e.g. `included.final`) and their values, so the UI can say them in its language. */
  code: z.string().regex(/^[a-z]+\.[a-zA-Z]+$/),
  params: z.record(z.string(), z.string()),
});
export type Check = z.infer<typeof checkSchema>;

export const proofViewSchema = z.strictObject({
  leafHash: z.string(),
  treeSize: z.number().int(),
  root: z.string(),
  /** RFC 9162 inclusion proof, hashes in hex, leaf to root. */
  path: z.array(z.string()),
  cosigners: z.array(z.string()),
  checkpointNote: z.string(),
});

export const timelineEventSchema = z.strictObject({
  index: z.number().int(),
  type: z.string(),
  time: z.string(),
  caseId: z.string().nullable(),
  exhibitId: z.string().nullable(),
  /** Short facts for the timeline line, e.g. { from, to, purpose } or { result, scope }. */
  facts: z.record(z.string(), z.string()),
  signers: z.array(signerViewSchema),
  checks: z.strictObject({ signatures: checkSchema, enrolled: checkSchema, included: checkSchema, hash: checkSchema }),
  /** verified: all checks ok; awaiting: only inclusion pending; failed: any failed (reason says which). */
  verdict: z.enum(['verified', 'awaiting', 'failed']),
  reason: z.string().nullable(),
  /** The record exactly as logged (canonical JSON of the signed envelope). */
  entry: z.string(),
  proof: proofViewSchema.nullable(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/** Words the host produced inside a result, as a stable code (app/contract/codes.ts) and its values. */
export const hostTextSchema = z.strictObject({
  code: z.string().regex(/^[a-z]+\.[a-zA-Z]+$/),
  params: z.record(z.string(), z.string()),
});
export type HostText = z.infer<typeof hostTextSchema>;

/**
 * A block (docs/DESIGN.md): the entries sequenced between two checkpoints. Its header is the checkpoint (size, root)
 * and the hash of the previous checkpoint, so the list reads as a chain: each block's `prevHash` is the `hash` of
 * the block before it.
 */
export const checkpointViewSchema = z.strictObject({
  size: z.number().int(),
  root: z.string(),
  /** The first entry of the block: the previous checkpoint's size (0 for the first seen); the last is size − 1. */
  firstIndex: z.number().int(),
  /** SHA-256 (hex) of this checkpoint's body, its c2sp.org/tlog-checkpoint text (origin, size, root lines). */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the previous checkpoint's body; null for the first checkpoint this workstation saw. */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** When this workstation saw the checkpoint published. */
  time: z.string(),
  cosigners: z.array(z.string()),
  final: z.boolean(),
});
export type CheckpointView = z.infer<typeof checkpointViewSchema>;

/**
 * One verified ledger entry as the UI's rebuildable index keeps it: the timeline event's own fields, no verdict
 * (those come from `timeline.*`); a case.open's facts also have description, openedBy, openedByBadge, openedByKey.
 */
export const indexEntrySchema = timelineEventSchema.pick({ index: true, type: true, time: true, caseId: true, exhibitId: true, facts: true });
export type IndexEntry = z.infer<typeof indexEntrySchema>;

/** Where a cached index stands: the ledger's origin and the RFC 9162 tree root (hex) of its first `size` entries. */
export const indexMarkSchema = z.strictObject({ origin: z.string(), size: z.number().int().min(0), root: z.string().regex(/^[0-9a-f]{64}$/) });
export type IndexMark = z.infer<typeof indexMarkSchema>;

export const indexPageSchema = z.strictObject({
  origin: z.string(),
  /** true: the page continues `since` (a prefix of this ledger); false: start again from entry 0 (another log, or a fork). */
  continues: z.boolean(),
  from: z.number().int(),
  /** The entries of [from, mark.size) that the timeline shows (cases, depositions, custody, checks, access, disposition). */
  entries: z.array(indexEntrySchema),
  /** The index after this page: pass it as `since` next time. */
  mark: indexMarkSchema,
  /** Entries under the current checkpoint: more pages follow while mark.size < total. */
  total: z.number().int(),
});
export type IndexPage = z.infer<typeof indexPageSchema>;

export const ledgerStatusSchema = z.strictObject({
  available: z.boolean(),
  /** Why the ledger is not available (network mode without a reachable node, …), in English. */
  unavailableReason: z.string().nullable(),
  /** The same as an error code and values, for the UI to say in its language. */
  unavailableError: contractErrorSchema.nullable().default(null),
  origin: z.string().nullable(),
  size: z.number().int(),
  finalSize: z.number().int(),
  finalAt: z.string().nullable(),
  witnessQuorum: z.number().int(),
  witnesses: z.array(z.string()),
  /** The parties: `local` ones run inside this workstation (standalone). */
  peers: z.array(
    z.strictObject({
      name: z.string(),
      role: z.enum(['ledger', 'provider', 'witness']),
      url: z.string().nullable(),
      local: z.boolean(),
      state: z.enum(['online', 'cosigned', 'not-cosigned', 'unreachable']),
      /** ledger: its size; provider: bytes stored. */
      amount: z.number().nullable(),
    }),
  ),
  forks: z.array(z.strictObject({ message: z.string(), detectedAt: z.string(), reason: hostTextSchema.nullable().default(null) })),
  /**
   * How this workstation's view of the ledger is kept. standalone: `local` (it is the ledger). network: the
   * verified mirror's state — `synced` (caught up with the node's latest final checkpoint, everything verified),
   * `syncing`, `empty` (nothing verified yet), `behind` (the node is ahead but nothing final/verifiable yet),
   * `unreachable` (the node did not answer), `fork` (two inconsistent checkpoints: alarm), `halted` (the
   * cosigned log broke the rules or the pinned trust root), `misconfigured` (settings incomplete or invalid).
   */
  sync: z.strictObject({
    state: z.enum(['local', 'empty', 'syncing', 'synced', 'behind', 'unreachable', 'fork', 'halted', 'misconfigured']),
    /** Entries verified in this workstation's copy, and the size being synced to. */
    size: z.number().int(),
    target: z.number().int().nullable(),
    /** What is wrong, in words (English; the UI translates `state`). */
    detail: z.string().nullable(),
    /** `detail` as a code and values, for the UI to say in its language. */
    reason: hostTextSchema.nullable().default(null),
    /** When the node last answered. */
    checkedAt: z.string().nullable(),
  }),
});
export type LedgerStatus = z.infer<typeof ledgerStatusSchema>;

export const exhibitMetadataSchema = z.strictObject({
  description: z.string().max(10_000),
  seizedAt: z.string().max(64).optional(),
  seizedPlace: z.string().max(500).optional(),
  seizedBy: z.string().max(200).optional(),
  notes: z.string().max(10_000).optional(),
});

export const depositionStepSchema = z.enum(['signed', 'uploading', 'countersigned', 'recorded', 'witnessed', 'failed']);

export const depositionProgressSchema = z.strictObject({
  depositionId: z.string(),
  exhibitId: z.string(),
  step: depositionStepSchema,
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Who signed at this step (depositor, provider, witnesses by name). */
  signedBy: z.array(z.string()),
  entryIndex: z.number().int().nullable(),
  cosigners: z.array(z.string()),
  error: contractErrorSchema.nullable(),
  /** Network uploads: the offset an interrupted upload continued from (tus resume), else null. */
  resumedFrom: z.number().nullable().default(null),
});
export type DepositionProgress = z.infer<typeof depositionProgressSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Methods

function method<A extends z.ZodType, R extends z.ZodType>(args: A, result: R, doc: string) {
  return { args, result, doc };
}

export const methods = {
  'app.info': method(none, appInfoSchema, 'What is running, where its data lives, and in which mode.'),
  'settings.get': method(none, settingsSchema, 'The persisted settings.'),
  'settings.update': method(
    settingsPatchSchema,
    settingsSchema,
    'Change some settings; returns all of them. Emits onSettingsChanged.',
  ),
  'identity.status': method(none, identityStatusSchema, 'Which identities exist here and which one is unlocked.'),
  'identity.create': method(
    z.strictObject({
      name: personText('name'),
      badge: personText('badge or staff number'),
      role: officerRoleSchema,
      passphrase: newPassphraseSchema,
    }),
    identityStatusSchema,
    'Create a new key for an officer, stored encrypted under the passphrase, and unlock it.',
  ),
  'identity.import': method(
    z.strictObject({
      keystore: z.string().min(1).max(64 * 1024, 'a keystore file is at most 64 KiB'),
      passphrase: passphraseSchema,
    }),
    identityStatusSchema,
    'Add an existing keystore file (its text) after checking that the passphrase unlocks it; it stays unlocked.',
  ),
  'identity.unlock': method(
    z.strictObject({ keyId: keyIdSchema, passphrase: passphraseSchema }),
    identityStatusSchema,
    'Unlock an identity for signing (locks any other).',
  ),
  'identity.lock': method(none, identityStatusSchema, 'Forget the unlocked key.'),
  'intake.start': method(
    z.strictObject({
      paths: z.array(hostPathSchema).min(1, 'give at least one file or folder').max(10_000),
      algorithms: z.array(algorithmSchema).optional(),
      followSymlinks: z.boolean().optional(),
    }),
    z.strictObject({ batchId: batchIdSchema }),
    'Start hashing files and folders; progress arrives as onIntakeProgress, the end as onIntakeFinished.',
  ),
  'intake.cancel': method(
    z.strictObject({ batchId: batchIdSchema }),
    z.strictObject({ cancelled: z.boolean() }),
    'Stop a running batch; it leaves no partial result.',
  ),
  'intake.get': method(z.strictObject({ batchId: batchIdSchema }), intakeBatchSchema, 'A batch: its state, and its items once done.'),
  'ledger.status': method(none, ledgerStatusSchema, 'The ledger this workstation records in: size, last final checkpoint, witnesses, peers, forks.'),
  'ledger.checkpoints': method(none, z.array(checkpointViewSchema), 'Checkpoints seen in this session and before, newest first.'),
  'ledger.index': method(
    z.strictObject({ since: indexMarkSchema.nullable(), limit: z.number().int().min(1).max(10_000).optional() }),
    indexPageSchema,
    "The verified entries after `since`, for the UI's cached index; starts again from 0 when `since` is not a prefix of this ledger.",
  ),
  'cases.list': method(z.strictObject({ search: z.string().max(200).optional() }), z.array(caseSummarySchema), 'Cases in the ledger, newest first, filtered by number, title, agency or description.'),
  'cases.open': method(
    z.strictObject({ caseId: caseIdSchema, title: personText('case title'), agency: personText('agency'), description: z.string().max(10_000) }),
    caseSummarySchema,
    'Open a case: a case.open record signed by the unlocked officer and recorded in the ledger.',
  ),
  'cases.exhibits': method(z.strictObject({ caseId: caseIdSchema }), z.array(exhibitSummarySchema), 'The exhibits deposited in a case.'),
  'deposit.start': method(
    z.strictObject({
      caseId: caseIdSchema,
      /** Re-entered by the depositor: signing needs the passphrase even while unlocked. */
      passphrase: passphraseSchema,
      items: z
        .array(
          z.strictObject({
            exhibitId: exhibitIdSchema,
            path: hostPathSchema,
            name: z.string().min(1).max(4096),
            size: z.number().int().min(0),
            sha256: sha256HexSchema,
            metadata: exhibitMetadataSchema,
          }),
        )
        .min(1, 'give at least one exhibit')
        .max(1000),
    }),
    z.strictObject({ depositionIds: z.array(z.string()) }),
    'Deposit exhibits: sign each request, upload to the provider, have it countersigned, record it and wait for the witnesses. Progress arrives as onDepositionProgress.',
  ),
  'timeline.case': method(z.strictObject({ caseId: caseIdSchema }), z.array(timelineEventSchema), 'Every event of a case, oldest first, each verified now from the ledger.'),
  'timeline.exhibit': method(z.strictObject({ exhibitId: exhibitIdSchema }), z.array(timelineEventSchema), 'Every event of one exhibit, oldest first, each verified now.'),
  'integrity.verify': method(
    z.strictObject({ exhibitId: exhibitIdSchema }),
    z.array(timelineEventSchema),
    'Re-hash the local copy and have the provider re-hash its copy; both results are recorded as integrity.check entries, returned as timeline events.',
  ),
  'custody.transfer': method(
    z.strictObject({
      exhibitId: exhibitIdSchema,
      to: keyIdSchema,
      purpose: personText('purpose'),
      location: z.string().max(500).optional(),
      releasingPassphrase: passphraseSchema,
      receivingPassphrase: passphraseSchema,
    }),
    timelineEventSchema,
    'Transfer custody: the releasing (unlocked) and receiving officers each sign with their passphrase on this workstation.',
  ),
  'report.print': method(
    z.strictObject({
      caseId: caseIdSchema,
      lang: reportLangSchema,
    }),
    reportPrintedSchema,
    'Print the chain-of-custody report of a case to PDF in a new folder under the data folder\'s reports/, generated from the ledger alone, with its JSON, the evidence receipts and the offline verifier beside it.',
  ),
  'report.systemPrint': method(
    z.strictObject({
      /** A PDF that report.print wrote: a report.pdf in a folder of the data folder's reports/. */
      pdf: hostPathSchema,
    }),
    reportSystemPrintSchema,
    'Print a report PDF on paper through the system print dialog: the exact PDF report.print wrote, not a re-rendering.',
  ),
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Events

/** A command chosen in the desktop app's menu (File → New case, …), for the UI to carry out. */
export const menuCommandSchema = z.strictObject({
  command: z.enum(['case.new', 'evidence.add', 'report.print', 'settings.open']),
});
export type MenuCommand = z.infer<typeof menuCommandSchema>;

export const events = {
  onSettingsChanged: settingsSchema,
  onMenuCommand: menuCommandSchema,
  onIdentityChanged: identityStatusSchema,
  onIntakeProgress: intakeProgressSchema,
  onIntakeFinished: intakeFinishedSchema,
  onDepositionProgress: depositionProgressSchema,
  onLedgerChanged: ledgerStatusSchema,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Types derived from the tables (the renderer is typed by these alone)

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>;
export type ParsedArgs<M extends MethodName> = z.output<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** What a host implements: one async function per method, taking parsed arguments. */
export type Service = { [M in MethodName]: (args: ParsedArgs<M>) => Promise<MethodResult<M>> };

type Namespace<M extends string> = M extends `${infer N}.${string}` ? N : never;
type Verb<M extends string, N extends string> = M extends `${N}.${infer V}` ? V : never;

export type ClientMethod<M extends MethodName> = Record<never, never> extends MethodArgs<M>
  ? (args?: MethodArgs<M>) => Promise<Envelope<MethodResult<M>>>
  : (args: MethodArgs<M>) => Promise<Envelope<MethodResult<M>>>;

export type Unsubscribe = () => void;

/** `window.workstation`: `workstation.settings.get()`, `workstation.onSettingsChanged(fn)`, … */
export type WorkstationApi = {
  [N in Namespace<MethodName>]: { [M in MethodName as Verb<M, N>]: ClientMethod<M> };
} & {
  [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe;
};

/** Turns a zod failure into one line a person can act on: `network.ledgerUrl: must be an http:// URL`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(argument)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------------------------------
// What differs between the shells, beside the contract: how dropped files reach the host. Electron's preload
// turns each dropped File into its path on disk; the web transport uploads the files to the host's staging
// folder (with progress). Either way the UI gets host paths and passes them to the same intake call.

export interface DroppedItem<F> {
  file: F;
  /** For files found inside a dropped folder (web only): the path from the dropped folder, e.g. `photos/a.jpg`. */
  relativePath?: string;
}

export interface ShellApi<F> {
  kind: 'electron' | 'web';
  /** Resolves to one host path per dropped top-level item (file or folder). */
  stageFiles(
    items: DroppedItem<F>[],
    onProgress?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<Envelope<{ paths: string[] }>>;
}

// ---------------------------------------------------------------------------------------------------------------
// The generic client proxy (VS Code's ProxyChannel.toService): the preload and the web transport build
// `window.workstation` with this from two primitives, so neither knows any method by name.

export type Invoke = (method: MethodName, args: unknown) => Promise<Envelope<unknown>>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => Unsubscribe;

export function buildWorkstationApi(invoke: Invoke, subscribe: Subscribe): WorkstationApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    const dot = name.indexOf('.');
    const ns = name.slice(0, dot);
    const verb = name.slice(dot + 1);
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[verb] = (args?: unknown) => invoke(name, args ?? {});
  }
  for (const event of eventNames) {
    api[event] = (listener: (payload: unknown) => void) => subscribe(event, listener);
  }
  return api as WorkstationApi;
}
