// The first run's network form, pure: what the person typed, as the settings patch the host takes.
import type { SettingsPatch } from '../../../app/contract/api';

/** The network fields of the first run's mode step, as typed. */
export interface NetworkForm {
  ledgerUrl?: string;
  providerUrl?: string;
  logKey?: string;
  providerKey?: string;
  /** One witness verifier key per line (c2sp.org/signed-note: `<name>+<key id>+<key>`). */
  witnesses?: string;
  quorum?: number;
}

/** Trimmed fields (empty: not set); each witness named by its verifier key's name; no quorum typed: 0. */
export function networkPatch(v: NetworkForm): NonNullable<SettingsPatch['network']> {
  const witnesses = (v.witnesses ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((vkey) => ({ name: vkey.split('+')[0] ?? vkey, vkey }));
  return {
    ledgerUrl: v.ledgerUrl?.trim() || null,
    providerUrl: v.providerUrl?.trim() || null,
    logKey: v.logKey?.trim() || null,
    providerKey: v.providerKey?.trim() || null,
    witnesses,
    witnessQuorum: v.quorum ?? 0,
  };
}
