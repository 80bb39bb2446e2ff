// Named errors of the workstation host. Each has a stable `code` that reaches the UI in the result envelope,
// one of the contract's list (app/contract/codes.ts), which the renderer translates.
import type { HostErrorCode } from '../contract/codes';
import { EvidenceError } from '../common/errors';

export class HostError extends EvidenceError<HostErrorCode> {
  /** The values the UI puts into its own words for `code` (errors.CODE in the renderer's i18n). */
  readonly params: Record<string, string>;
  constructor(code: HostErrorCode, message: string, options?: { cause?: unknown; params?: Record<string, string> }) {
    super(code, message, options);
    this.name = 'HostError';
    this.params = options?.params ?? {};
  }
}

/** settings.json exists but is not valid JSON or does not match the settings schema. */
export class SettingsFileError extends HostError {
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(
      'SETTINGS_FILE_INVALID',
      `The settings file ${path} cannot be read (${detail}). Move it aside and restart to start from defaults.`,
      { ...options, params: { path, problem: detail } },
    );
    this.name = 'SettingsFileError';
  }
}

/** The host was closed (the app is quitting); no new work is accepted. */
export class HostClosedError extends HostError {
  constructor() {
    super('HOST_CLOSED', 'The workstation is shutting down and accepts no new work. Start it again to continue.');
    this.name = 'HostClosedError';
  }
}

/** Reads `code` and `message` from any thrown value, for the result envelope. */
export function errorCodeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  }
  return undefined;
}
