// The workstation host's own process: the entry that main.ts starts with `utilityProcess.fork` (built to
// out/main/host.js). It opens the WorkstationHost and serves it over `process.parentPort` (host-protocol.ts).
// Report printing and the print dialog need Electron's windows, so the host asks the main process for them.
import { WorkstationHost } from '../app/host/host';
import type { PrinterFactory } from '../app/host/services/report';
import { builtReportResources } from '../app/report/resources';
import { serveHost, type OpenHost, type ParentPortLike } from './host-protocol';

export const openHost: OpenHost = (o, main) => {
  // One printer per report.print, as with any PrinterFactory; each page goes to main's printToPDF.
  const printer: PrinterFactory = async () => ({
    print: async (job) => (await main.ask({ op: 'print', html: job.html })) as Uint8Array,
    close: async () => undefined,
  });
  return WorkstationHost.open({
    dataDir: o.dataDir,
    shell: 'electron',
    log: main.log,
    version: o.version,
    scrypt: o.scrypt,
    intakeWorkers: o.intakeWorkers,
    network: o.network,
    ...(o.printer ? { printer } : {}),
    ...(o.printDialog ? { printDialog: async (pdf: string) => (await main.ask({ op: 'printDialog', pdf })) as 'printed' | 'cancelled' } : {}),
    ...(o.builtDir !== undefined ? { reportResources: builtReportResources(o.builtDir) } : {}),
  });
};

// Electron sets `process.parentPort` only in a utility process (Node's fork in tests gets a stand-in of it).
const parentPort: ParentPortLike | undefined | null = process.parentPort;
if (parentPort) serveHost(parentPort, openHost);
