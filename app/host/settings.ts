// Settings: one JSON file in the data folder, validated by the contract's schema, replaced atomically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { settingsSchema, describeZodError, type Settings, type SettingsPatch } from '../contract/api';
import { writeJsonAtomic } from '../fs/atomic';
import { HostError, SettingsFileError } from './errors';

export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): Settings {
  return {
    version: 1,
    language: 'en',
    mode: null,
    network: { ledgerUrl: null, providerUrl: null, logKey: null, providerKey: null, witnesses: [], witnessQuorum: 0 },
  };
}

export class SettingsStore {
  private current: Settings;
  /** Writes are chained so that the file always ends with the last update, and close() can wait for them. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    initial: Settings,
  ) {
    this.current = initial;
  }

  static async open(dataDir: string): Promise<SettingsStore> {
    const path = join(dataDir, SETTINGS_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new SettingsStore(path, defaultSettings());
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new SettingsFileError(path, 'it is not JSON', { cause: err });
    }
    const parsed = settingsSchema.safeParse(json);
    if (!parsed.success) throw new SettingsFileError(path, describeZodError(parsed.error), { cause: parsed.error });
    return new SettingsStore(path, parsed.data);
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies `patch`, validates the whole result, and resolves once it is durable on disk. Updates are applied
   * one after another, each to the result of the one before; a failed write leaves the settings as they were. */
  async update(patch: SettingsPatch): Promise<Settings> {
    const run = this.queue.then(async () => {
      const next = this.merge(patch);
      await writeJsonAtomic(this.path, next);
      this.current = next;
      return this.get();
    });
    // The caller sees a failure through `run`; the queue itself must go on for later updates.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private merge(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({
      ...this.current,
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(patch.mode !== undefined ? { mode: patch.mode } : {}),
      network: { ...this.current.network, ...stripUndefined(patch.network ?? {}) },
    });
    if (next.network.witnessQuorum > next.network.witnesses.length) {
      throw new HostError(
        'SETTINGS_INVALID',
        `The witness quorum ${next.network.witnessQuorum} is more than the ${next.network.witnesses.length} witnesses listed. ` +
          'Add witnesses or lower the quorum.',
        { params: { quorum: String(next.network.witnessQuorum), witnesses: String(next.network.witnesses.length) } },
      );
    }
    return next;
  }

  /** Resolves when every accepted update is on disk. */
  async flush(): Promise<void> {
    await this.queue;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
