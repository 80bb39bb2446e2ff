// tus-js-client's UrlStorage backed by one JSON file, written atomically (temp → fsync → rename), so the upload
// URL of an interrupted upload survives a restart of the workstation and the upload resumes where it stopped.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import { writeJsonAtomic } from '../fs/atomic';

type Stored = Record<string, Omit<PreviousUpload, 'urlStorageKey'>>;

export class FileUrlStorage implements UrlStorage {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  private async load(): Promise<Stored> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Stored;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  /** Runs read-modify-write steps one at a time. */
  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async findAllUploads(): Promise<PreviousUpload[]> {
    return this.findUploadsByFingerprint('');
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    const data = await this.serial(() => this.load());
    const prefix = `tus::${fingerprint}`;
    return Object.entries(data)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => ({ ...value, urlStorageKey: key }));
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    await this.serial(async () => {
      const data = await this.load();
      if (!(urlStorageKey in data)) return;
      delete data[urlStorageKey];
      await writeJsonAtomic(this.file, data);
    });
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = `tus::${fingerprint}::${randomBytes(6).toString('hex')}`;
    await this.serial(async () => {
      const data = await this.load();
      const { urlStorageKey: _ignored, ...rest } = upload;
      data[key] = rest;
      await writeJsonAtomic(this.file, data);
    });
    return key;
  }
}
