// Where the workstation keeps its data when no folder is given: the same folder Electron's
// `app.getPath('userData')` names for this app, so the desktop app and `evidence serve` share one workspace.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Evidence Ledger Workstation';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}
