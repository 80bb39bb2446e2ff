// The workstation host in a process of its own (Electron's utilityProcess): the message protocol between the main
// process and the host process, and both of its ends. The main process keeps the window, IPC, menus and whatever
// needs Electron (printToPDF, the print dialog, shell); every host call, sync round, rule replay and report runs in
// the host process, so none of it blocks the main process.
//
// One channel, messages in order, structured-clone values (Electron's `process.parentPort` / UtilityProcess
// `postMessage`, Node's `child.send` with `serialization: 'advanced'` in tests):
//   main → host   start { options } · call { id, method, args } · answer { id, … } · close
//   host → main   ready · failed { error } · result { id, envelope } · event { event, payload } · log { … }
//                 ask { id, op: print | printDialog, … } · closed
// Events and results share the channel, so the window sees an event emitted during a call before that call's
// result, as when the host ran in the main process.
import type { HostOptions, WorkstationHost } from '../app/host/host';
import type { HostLogger } from '../app/host/dispatch';
import { fail } from '../app/host/dispatch';
import { EventHub, type EventListener } from '../app/host/events';
import { HostClosedError } from '../app/host/errors';
import { AdapterErrorCode, isEventName, type Envelope, type EventName, type EventPayload, type Unsubscribe } from '../app/contract/api';
import type { PrintJob } from '../app/report/pdf';

/** What the main process tells the host process to open (HostOptions without the parts that live in main). */
export interface HostStart extends Pick<HostOptions, 'dataDir' | 'version' | 'scrypt' | 'intakeWorkers' | 'network'> {
  /** The built `out/` folder (inside app.asar once packaged): the report's template, font and verifier. */
  builtDir?: string;
  /** Whether main prints reports (printToPDF) and shows the system print dialog for the host. */
  printer: boolean;
  printDialog: boolean;
}

/** A failure carried across the channel: enough to rebuild an error with the same code and words. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}

export type MainOp = { op: 'print'; html: string } | { op: 'printDialog'; pdf: string };
export type MainOpResult = Uint8Array | 'printed' | 'cancelled';

export type ToHost =
  | { kind: 'start'; options: HostStart }
  | { kind: 'call'; id: number; method: string; args: unknown }
  | ({ kind: 'answer'; id: number } & ({ ok: true; value: MainOpResult } | { ok: false; error: WireError }))
  | { kind: 'close' };

export type FromHost =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WireError }
  | { kind: 'result'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string; detail?: string }
  | ({ kind: 'ask'; id: number } & MainOp)
  | { kind: 'closed' };

/** The host process's side of the channel: Electron's `process.parentPort` has exactly this shape. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The main process's side: Electron's `UtilityProcess` (a Node ChildProcess adapted to it in tests). */
export interface ChildLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** An error from the other end of the channel, with its code (so envelopes keep it) and its words. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
  }
}

export function toWire(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

const detailOf = (err: unknown): string | undefined => (err === undefined ? undefined : err instanceof Error ? (err.stack ?? err.message) : String(err));

// ---------------------------------------------------------------------------------------------------------------
// The host process's end.

export type OpenHost = (options: HostStart, main: { log: HostLogger; ask: (op: MainOp) => Promise<MainOpResult> }) => Promise<Pick<WorkstationHost, 'call' | 'onEvent' | 'close'>>;

/**
 * Serves one host over `port`: waits for `start`, opens the host with `open`, then answers calls, forwards events
 * and log lines, asks main for what only main can do, and on `close` closes the host and says `closed`.
 */
export function serveHost(port: ParentPortLike, open: OpenHost): void {
  const post = (m: FromHost) => port.postMessage(m);
  const log: HostLogger = {
    info: (message) => post({ kind: 'log', level: 'info', message }),
    warn: (message) => post({ kind: 'log', level: 'warn', message }),
    error: (message, err) => post({ kind: 'log', level: 'error', message, ...(err === undefined ? {} : { detail: detailOf(err) }) }),
  };
  let nextAsk = 1;
  const asks = new Map<number, { resolve: (v: MainOpResult) => void; reject: (e: Error) => void }>();
  const ask = (op: MainOp) =>
    new Promise<MainOpResult>((resolve, reject) => {
      const id = nextAsk++;
      asks.set(id, { resolve, reject });
      post({ kind: 'ask', id, ...op });
    });
  let host: Promise<Awaited<ReturnType<OpenHost>>> | undefined;
  let closing: Promise<void> | undefined;

  port.on('message', ({ data }) => {
    const m = data as ToHost;
    switch (m.kind) {
      case 'start':
        if (host !== undefined) return log.warn('host process: a second start message was ignored');
        host = open(m.options, { log, ask });
        host.then(
          (h) => {
            h.onEvent((event, payload) => post({ kind: 'event', event, payload }));
            post({ kind: 'ready' });
          },
          (err: unknown) => post({ kind: 'failed', error: toWire(err) }),
        );
        return;
      case 'call':
        if (closing !== undefined) {
          const err = new HostClosedError();
          return post({ kind: 'result', id: m.id, envelope: fail(err.code, err.message) });
        }
        void (host ?? Promise.reject(new Error('no start message came first')))
          .then(
            (h) => h.call(m.method, m.args),
            (err: unknown) => fail(AdapterErrorCode.TRANSPORT, `${m.method} was not run: the workstation's host did not open (${toWire(err).message}).`),
          )
          .then((envelope) => post({ kind: 'result', id: m.id, envelope }));
        return;
      case 'answer': {
        const pending = asks.get(m.id);
        asks.delete(m.id);
        if (pending === undefined) return log.warn(`host process: an answer to unknown request ${m.id} was ignored`);
        if (m.ok) pending.resolve(m.value);
        else pending.reject(new RemoteError(m.error));
        return;
      }
      case 'close':
        closing ??= (host ?? Promise.resolve(undefined))
          .then((h) => h?.close(), () => undefined)
          .catch((err: unknown) => log.error('the host did not close cleanly', err))
          .finally(() => post({ kind: 'closed' }));
        return;
      default:
        log.warn(`host process: ignored a message it does not know: ${JSON.stringify((m as { kind?: unknown }).kind)}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The main process's end.

/** What main does for the host: print a page to PDF, show the system print dialog for a PDF. */
export interface MainServices {
  print?: (job: PrintJob) => Promise<Uint8Array>;
  printDialog?: (pdf: string) => Promise<'printed' | 'cancelled'>;
}

/**
 * The host as the main process sees it: `call`, `onEvent` and `log` like WorkstationHost (so the IPC adapter
 * takes either), with the host running in `child`. Events the main process raises itself (menu commands) go to
 * the same listeners through `emit`.
 */
export class HostClient {
  private readonly hub: EventHub;
  private nextId = 1;
  private readonly pending = new Map<number, (e: Envelope<unknown>) => void>();
  private started: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private closed: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  /** Set once the host process has gone: every call is answered with this. */
  private gone: Envelope<never> | undefined;

  constructor(
    private readonly child: ChildLike,
    readonly log: HostLogger,
    private readonly services: MainServices = {},
  ) {
    this.hub = new EventHub((event, err) => log.error(`a listener of ${event} threw`, err));
    child.on('message', (m) => this.receive(m as FromHost));
    child.on('exit', (code) => this.exited(code));
  }

  /** Opens the host in its process; rejects with the host's own error when it cannot open. */
  start(options: HostStart): Promise<void> {
    return new Promise((resolve, reject) => {
      this.started = { resolve, reject };
      this.child.postMessage({ kind: 'start', options } satisfies ToHost);
    });
  }

  call(method: string, args: unknown): Promise<Envelope<unknown>> {
    if (this.gone) return Promise.resolve(this.gone);
    if (this.closing) {
      const err = new HostClosedError();
      return Promise.resolve(fail(err.code, err.message));
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.postMessage({ kind: 'call', id, method, args } satisfies ToHost);
    });
  }

  onEvent(listener: EventListener): Unsubscribe {
    return this.hub.on(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.hub.emit(event, payload);
  }

  /** Lets the host finish its calls and writes, then ends its process. */
  close(): Promise<void> {
    this.closing ??= this.gone
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.closed = resolve;
          this.child.postMessage({ kind: 'close' } satisfies ToHost);
        }).then(() => void this.child.kill());
    return this.closing;
  }

  private receive(m: FromHost): void {
    switch (m.kind) {
      case 'ready':
        this.started?.resolve();
        this.started = undefined;
        return;
      case 'failed':
        this.started?.reject(new RemoteError(m.error));
        this.started = undefined;
        return;
      case 'result': {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (resolve === undefined) return this.log.warn(`host: a result for unknown call ${m.id} was ignored`);
        return resolve(m.envelope);
      }
      case 'event':
        if (!isEventName(m.event)) return this.log.warn(`host: an event that is not in the contract was dropped: ${JSON.stringify(m.event)}`);
        return this.hub.emit(m.event, m.payload as never);
      case 'log':
        if (m.level === 'error') return this.log.error(`host: ${m.message}`, m.detail);
        return this.log[m.level](`host: ${m.message}`);
      case 'ask':
        void this.serve(m);
        return;
      case 'closed':
        this.closed?.();
        return;
      default:
        this.log.warn(`host: ignored a message it does not know: ${JSON.stringify((m as { kind?: unknown }).kind)}`);
    }
  }

  private async serve(m: Extract<FromHost, { kind: 'ask' }>): Promise<void> {
    let answer: ToHost;
    try {
      let value: MainOpResult;
      if (m.op === 'print') {
        if (!this.services.print) throw new RemoteError({ name: 'HostError', code: 'REPORT_NO_PRINTER', message: 'The desktop app was started without a PDF printer; run `evidence report` instead.' });
        value = await this.services.print({ html: m.html });
      } else {
        if (!this.services.printDialog) throw new RemoteError({ name: 'HostError', code: 'REPORT_PAPER_FAILED', message: `The desktop app has no print dialog for ${m.pdf}; open the PDF and print it from there.` });
        value = await this.services.printDialog(m.pdf);
      }
      answer = { kind: 'answer', id: m.id, ok: true, value };
    } catch (err) {
      answer = { kind: 'answer', id: m.id, ok: false, error: toWire(err) };
    }
    if (!this.gone) this.child.postMessage(answer);
  }

  private exited(code: number): void {
    const expected = this.closing !== undefined;
    this.gone = fail(
      expected ? 'HOST_CLOSED' : AdapterErrorCode.TRANSPORT,
      expected ? new HostClosedError().message : `The workstation's host process stopped (exit code ${code}); work in progress may not be saved. Restart the app; the log file has details.`,
    );
    if (!expected) this.log.error(`the host process exited unexpectedly with code ${code}`);
    for (const resolve of this.pending.values()) resolve(this.gone);
    this.pending.clear();
    this.started?.reject(new RemoteError({ name: 'HostProcessError', code: 'TRANSPORT', message: `The workstation's host process exited with code ${code} before it opened.` }));
    this.started = undefined;
    this.closed?.();
  }
}
