// `evidence serve`: the workstation host over HTTP + WebSocket on 127.0.0.1, serving the built UI.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { WorkstationHost } from '../host/host';
import { defaultDataDir } from '../host/paths';
import { startWebHost } from '../web/server';
import { fileLogger } from '../web/log';
import { launchChromiumPrinter } from '../report/pdf';
import { checkoutReportResources } from '../report/resources';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the workstation in a browser: start the host on 127.0.0.1 and print the address to open.')
    .option('--data <dir>', 'data folder', defaultDataDir())
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--renderer <dir>', 'the built UI to serve', 'out/renderer')
    .action(async (opts: { data: string; port: string; renderer: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port ${JSON.stringify(opts.port)} is not a TCP port: give a number from 0 to 65535.`);
      }
      const dataDir = resolve(opts.data);
      const log = fileLogger(dataDir);
      const host = await WorkstationHost.open({ dataDir, shell: 'web', log, printer: () => launchChromiumPrinter(), reportResources: checkoutReportResources() });
      const web = await startWebHost({ host, port, rendererDir: resolve(opts.renderer) });
      process.stdout.write(
        `Evidence Ledger Workstation is running.\n` +
          `  Open: ${web.url}\n` +
          `  Data: ${dataDir}\n  Log:  ${log.file}\n` +
          `The address holds this session's access token: do not share it. Press Ctrl+C to stop.\n`,
      );
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          process.stdout.write(`\n${signal}: finishing writes and stopping…\n`);
          web.close().then(done, (err: unknown) => {
            log.error('the web host did not stop cleanly', err);
            process.exitCode = 1;
            done();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
