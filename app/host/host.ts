// The workstation host: the one object that owns the workstation's services and implements the API contract
// (docs/DESIGN.md, "Processes and folders"). Electron's main process and the web host both wrap this object with a
// generic adapter; neither adds logic of its own.
import { mkdir } from 'node:fs/promises';
import type { AppInfo, EventName, EventPayload, Mode, Service, Unsubscribe } from '../contract/api';
import { dispatch, type HostLogger } from './dispatch';
import { HostClosedError } from './errors';
import { EventHub, type EventListener } from './events';
import { PRODUCT_NAME } from './paths';
import { SettingsStore } from './settings';
import { IdentityService } from './identity';
import { IntakeService } from './intake';
import { CaseworkService } from './services/casework';
import { ReportService, type PrintDialog, type PrinterFactory } from './services/report';
import type { ReportResources } from '../report/resources';
import { HostError } from './errors';
import type { ScryptParams } from '../crypto/keystore';

export interface HostOptions {
  /** The data folder (Electron: `app.getPath('userData')`; `evidence serve --data DIR`). */
  dataDir: string;
  shell: 'electron' | 'web';
  log: HostLogger;
  version?: string;
  /** Test hook: cheaper scrypt for keystores made here. */
  scrypt?: ScryptParams;
  /** Hash worker threads per intake batch (default: one per core). */
  intakeWorkers?: number;
  /** Prints reports to PDF: Electron's printToPDF in the app, headless Chromium in the web host. */
  printer?: PrinterFactory;
  /** The report's template, font and offline verifier (app/report/resources.ts): built copies in the desktop app. */
  reportResources?: ReportResources;
  /** Shows a printed report PDF with the system print dialog (the desktop app); absent in the web host. */
  printDialog?: PrintDialog;
  /** Network mode tuning (tests): tus chunk size, upload retry delays, sync interval, witness wait. */
  network?: { uploadChunkBytes?: number; uploadRetryDelays?: number[]; syncIntervalMs?: number; settleTimeoutMs?: number };
}

export const MODE_LABEL: Record<Mode | 'unset', string> = {
  standalone: 'Standalone — no independent parties: the ledger, provider and witness all run on this computer.',
  network: 'Network — ledger node, provider and witnesses are independent parties.',
  unset: 'Not set up yet — choose standalone or network.',
};

export class WorkstationHost {
  readonly service: Service;
  private readonly hub: EventHub;
  private closing: Promise<void> | undefined;
  /** Calls in flight; close() waits for them so that every accepted write finishes. */
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly identity: IdentityService;
  readonly intake: IntakeService;
  readonly ledger: CaseworkService;
  readonly report: ReportService;

  private constructor(
    readonly options: HostOptions,
    private readonly settings: SettingsStore,
  ) {
    this.hub = new EventHub((event, err) => options.log.error(`a listener of ${event} threw`, err));
    this.identity = new IdentityService(options.dataDir, (status) => this.emit('onIdentityChanged', status), options.scrypt);
    this.intake = new IntakeService(options.dataDir, (e, p) => this.emit(e, p), options.log, options.intakeWorkers);
    this.ledger = new CaseworkService(options.dataDir, this.identity, () => this.settings.get(), (e, p) => this.emit(e, p), options.log, options.network);
    const noPrinter: PrinterFactory = () => Promise.reject(new HostError('REPORT_NO_PRINTER', 'This workstation was started without a PDF printer; print from the desktop app or `evidence serve`, or run `evidence report`.'));
    this.report = new ReportService(options.dataDir, () => this.ledger.ledgerFolder(), options.printer ?? noPrinter, options.log, {
      resources: options.reportResources,
      printDialog: options.printDialog,
    });
    this.service = this.buildService();
  }

  static async open(options: HostOptions): Promise<WorkstationHost> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const settings = await SettingsStore.open(options.dataDir);
    options.log.info(`workstation host opened on ${options.dataDir} (${options.shell})`);
    return new WorkstationHost(options, settings);
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  get log(): HostLogger {
    return this.options.log;
  }

  /** Calls one contract method by name with an unparsed argument: the entry point of both adapters. */
  call(method: string, rawArgs: unknown): ReturnType<typeof dispatch> {
    if (this.closing) {
      const err = new HostClosedError();
      return Promise.resolve({ ok: false, error: { code: err.code, message: err.message } });
    }
    const p = dispatch(this.service, method, rawArgs, this.options.log);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  onEvent(listener: EventListener): Unsubscribe {
    return this.hub.on(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.hub.emit(event, payload);
  }

  /** Stops accepting calls, lets calls in flight and pending writes finish, then releases the services. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.intake.close();
      await this.ledger.close();
      await Promise.allSettled([...this.inFlight]);
      await this.settings.flush();
      this.identity.forget();
      this.options.log.info('workstation host closed');
    })();
    return this.closing;
  }

  private buildService(): Service {
    return {
      'app.info': async (): Promise<AppInfo> => {
        const mode = this.settings.get().mode;
        return {
          name: PRODUCT_NAME,
          version: this.options.version ?? '0.1.0',
          shell: this.options.shell,
          dataDir: this.options.dataDir,
          mode,
          modeLabel: MODE_LABEL[mode ?? 'unset'],
        };
      },
      'settings.get': async () => this.settings.get(),
      'settings.update': async (patch) => {
        const next = await this.settings.update(patch);
        this.emit('onSettingsChanged', next);
        return next;
      },
      'identity.status': () => this.identity.status(),
      'identity.create': (args) => this.identity.create(args),
      'identity.import': (args) => this.identity.import(args),
      'identity.unlock': (args) => this.identity.unlock(args),
      'identity.lock': () => this.identity.lock(),
      'intake.start': async (args) => this.intake.start(args),
      'intake.cancel': (args) => this.intake.cancel(args.batchId),
      'intake.get': (args) => this.intake.get(args.batchId),
      ...this.ledger.methods(),
      ...this.report.methods(),
    };
  }
}
