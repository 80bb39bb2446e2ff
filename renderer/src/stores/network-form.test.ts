// The first run's network form as the settings patch the host takes.
import { describe, expect, it } from 'vitest';
import { settingsPatchSchema } from '../../../app/contract/api';
import { networkPatch } from './network-form';

describe('networkPatch', () => {
  it('trims the fields, names each witness by its key, and is a patch the contract accepts', () => {
    const network = networkPatch({
      ledgerUrl: ' https://ledger.example.gov ',
      providerUrl: 'https://provider.example.gov',
      logKey: 'ledger.example.gov+0123abcd+AAAA',
      providerKey: ` ${'a'.repeat(32)} `,
      witnesses: 'w1.example+89abcdef+BBBB\n\n  w2.example+01234567+CCCC  \n',
      quorum: 2,
    });
    expect(network).toEqual({
      ledgerUrl: 'https://ledger.example.gov',
      providerUrl: 'https://provider.example.gov',
      logKey: 'ledger.example.gov+0123abcd+AAAA',
      providerKey: 'a'.repeat(32),
      witnesses: [
        { name: 'w1.example', vkey: 'w1.example+89abcdef+BBBB' },
        { name: 'w2.example', vkey: 'w2.example+01234567+CCCC' },
      ],
      witnessQuorum: 2,
    });
    expect(settingsPatchSchema.safeParse({ mode: 'network', network }).success).toBe(true);
  });
  it('leaves empty fields unset and counts no quorum as 0', () => {
    expect(networkPatch({ ledgerUrl: '  ' })).toEqual({ ledgerUrl: null, providerUrl: null, logKey: null, providerKey: null, witnesses: [], witnessQuorum: 0 });
  });
});
