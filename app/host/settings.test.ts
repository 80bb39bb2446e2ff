import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsStore, defaultSettings, SETTINGS_FILE } from './settings';
import { SettingsFileError } from './errors';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SettingsStore', () => {
  it('starts from defaults when there is no file, without writing one', async () => {
    const s = await SettingsStore.open(dir);
    expect(s.get()).toEqual(defaultSettings());
    expect(await readdir(dir)).toEqual([]);
  });

  it('persists an update, leaves no temp file, and reads it back', async () => {
    const s = await SettingsStore.open(dir);
    await s.update({ language: 'zh-CN', network: { ledgerUrl: 'https://ledger.example/' } });
    expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
    const again = await SettingsStore.open(dir);
    expect(again.get()).toMatchObject({ language: 'zh-CN', network: { ledgerUrl: 'https://ledger.example/', witnesses: [] } });
  });

  it('applies concurrent updates in call order', async () => {
    const s = await SettingsStore.open(dir);
    const langs = ['zh-CN', 'en', 'zh-CN', 'en', 'zh-CN'] as const;
    const results = await Promise.all(langs.map((language) => s.update({ language })));
    expect(results.map((r) => r.language)).toEqual([...langs]);
    const onDisk = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as { language: string };
    expect(onDisk.language).toBe('zh-CN');
  });

  it('refuses a quorum larger than the witness list and keeps the old settings', async () => {
    const s = await SettingsStore.open(dir);
    await expect(s.update({ network: { witnessQuorum: 2 } })).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
    expect(s.get()).toEqual(defaultSettings());
    await s.update({ language: 'zh-CN' });
    expect(s.get().language).toBe('zh-CN');
  });

  it('names the file and the problem when the file is damaged', async () => {
    await writeFile(join(dir, SETTINGS_FILE), '{"version":1,');
    await expect(SettingsStore.open(dir)).rejects.toBeInstanceOf(SettingsFileError);
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify({ ...defaultSettings(), language: 'fr' }));
    const err = await SettingsStore.open(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SETTINGS_FILE_INVALID' });
    expect((err as Error).message).toContain(join(dir, SETTINGS_FILE));
    expect((err as Error).message).toContain('language');
  });
});
