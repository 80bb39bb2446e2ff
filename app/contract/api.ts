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
  /** What happened and what the person can do about it, in words a non-engineer understands. */
  message: z.string().min(1),
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

export const networkSettingsSchema = z.strictObject({
  ledgerUrl: httpUrlSchema.nullable(),
  providerUrl: httpUrlSchema.nullable(),
  /** The ledger log's checkpoint key, pinned. */
  logKey: vkeySchema.nullable(),
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
  network: networkSettingsSchema.partial().optional(),
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
