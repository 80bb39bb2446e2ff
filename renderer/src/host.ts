// The renderer's link to the host: one place that gets `window.workstation`, unwraps envelopes into values or
// HostCallError (with the host's own words), and feeds the host's events into the stores.
import type { ContractError, Envelope } from '../../app/contract/api';
import { getWorkstation, type Workstation } from './transport';
import { appActions } from './stores/app';
import { identityActions } from './stores/identity';
import { ledgerActions } from './stores/ledger';
import { statusActions } from './stores/status';
import type { LedgerStatus } from '../../app/contract/api';
import { workspace } from './workspace/db';
import { refreshIndex } from './workspace/ledger-index';
import type { Failure } from './i18n/text';

export class HostCallError extends Error {
  readonly code: string;
  constructor(readonly error: ContractError) {
    super(error.message);
    this.name = 'HostCallError';
    this.code = error.code;
  }
}

/** What a store keeps of a failed call: the host's error (coded, said when drawn), or the error's own words. */
export function failureOf(err: unknown): Failure {
  return err instanceof HostCallError ? err.error : String(err);
}

export function ws(): Workstation {
  return getWorkstation();
}

/** The value of an envelope, or a HostCallError carrying the host's message. */
export async function unwrap<T>(p: Promise<Envelope<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new HostCallError(r.error);
  return r.value;
}

/** Loads what the shell needs and subscribes to the host's events. Returns the unsubscribe function. */
export function connect(): () => void {
  let w: Workstation;
  try {
    w = getWorkstation();
  } catch (err) {
    appActions.setFatal({ code: 'NO_HOST', message: (err as Error).message });
    return () => undefined;
  }
  const offs = [
    w.onSettingsChanged((s) => appActions.setSettings(s)),
    w.onIdentityChanged((s) => identityActions.set(s)),
    w.onLedgerChanged((s) => applyLedger(s)),
    w.onSettingsChanged(() => void refreshLedger(w)),
  ];
  void (async () => {
    try {
      const [info, settings, identity] = await Promise.all([
        unwrap(w.app.info()),
        unwrap(w.settings.get()),
        unwrap(w.identity.status()),
      ]);
      appActions.setInfo(info);
      appActions.setSettings(settings);
      identityActions.set(identity);
      await refreshLedger(w);
    } catch (err) {
      appActions.setFatal(err instanceof HostCallError ? err.error : { code: 'TRANSPORT', message: String(err) });
    }
  })();
  return () => offs.forEach((off) => off());
}

/** The status strip and the ledger screens follow the host's ledger state; a fork alarm is only ever added. */
export function applyLedger(s: LedgerStatus): void {
  ledgerActions.changed(s);
  if (s.available) refreshLedgerIndex();
  statusActions.setSync({ size: s.available ? s.size : s.sync.size, finalAt: s.finalAt, syncing: s.sync.state === 'syncing', state: s.sync.state, target: s.sync.target });
  for (const f of s.forks) statusActions.addFork(f);
}

let indexing: Promise<void> | undefined;
let indexAgain = false;

/**
 * Brings the cached ledger index up to the host's verified ledger (one refresh at a time; a change meanwhile
 * runs one more). A failure leaves the cache as it was: the screens then keep showing it as "checking" beside
 * the host's own error.
 */
export function refreshLedgerIndex(): Promise<void> {
  if (indexing) {
    indexAgain = true;
    return indexing;
  }
  indexing = (async () => {
    do {
      indexAgain = false;
      try {
        await refreshIndex(workspace, (since) => unwrap(ws().ledger.index({ since })));
      } catch (err) {
        console.warn('the ledger index could not be refreshed; the cached one stays until the next change', err);
      }
    } while (indexAgain);
  })().finally(() => {
    indexing = undefined;
  });
  return indexing;
}

async function refreshLedger(w: Workstation): Promise<void> {
  const r = await w.ledger.status();
  if (r.ok) applyLedger(r.value);
}
