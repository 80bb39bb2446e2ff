// The web host's log: electron-log's Node flavour, writing to <data>/logs/main.log (the same file name the
// desktop app uses), and to stderr for warnings and errors.
import log from 'electron-log/node';
import { join } from 'node:path';
import type { HostLogger } from '../host/dispatch';

export function fileLogger(dataDir: string): HostLogger & { file: string } {
  const logger = log.create({ logId: `web-${dataDir}` });
  const file = join(dataDir, 'logs', 'main.log');
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.level = 'info';
  logger.transports.console.level = 'warn';
  return {
    file,
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m, err) => (err === undefined ? logger.error(m) : logger.error(m, err)),
  };
}
