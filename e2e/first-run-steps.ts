// First-run steps shared by the specs: choosing network mode with the administrator's addresses and keys, and
// creating an officer's identity.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export interface NetworkSetup {
  ledgerUrl: string;
  providerUrl: string;
  logKey: string;
  providerKey: string;
  witnesses: ReadonlyArray<{ vkey: string }>;
}

/** Picks network mode and fills in its addresses and pinned keys (the caller continues). */
export async function chooseNetworkMode(page: Page, net: NetworkSetup, quorum?: number): Promise<void> {
  await page.getByTestId('mode-network').click();
  await page.getByLabel('Ledger node URL').fill(net.ledgerUrl);
  await page.getByLabel('Provider URL').fill(net.providerUrl);
  await page.getByLabel('Log key (verifier key)').fill(net.logKey);
  await page.getByLabel('Provider key id').fill(net.providerKey);
  await page.getByLabel('Witness keys').fill(net.witnesses.map((w) => w.vkey).join('\n'));
  if (quorum !== undefined) await page.getByLabel('Witnesses needed (k of n)').fill(String(quorum));
}

/** Creates the officer's identity on the first-run form and closes it once the workstation is ready. */
export async function createOfficer(page: Page, name: string, badge: string, pass: string, role?: string): Promise<void> {
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Badge or staff number').fill(badge);
  if (role) {
    await page.getByLabel('Role').click();
    await page.getByTitle(role).click();
  }
  await page.getByLabel('Passphrase', { exact: true }).fill(pass);
  await page.getByLabel('Repeat the passphrase').fill(pass);
  await page.getByTestId('identity-create').click();
  await expect(page.getByText('The workstation is ready')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('first-run-done').click();
}
