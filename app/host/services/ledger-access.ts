// The ledger of the chosen mode and the officer at the screen, shared by the casework services (casework.ts).
// The ledger is the standalone stack (standalone.ts: this workstation is the ledger) or the network ledger
// (network.ts: a remote ledger node seen only through this workstation's verified mirror), both behind the
// LedgerBackend interface (backend.ts): the services never ask which one it is.
import { join } from 'node:path';
import type { EventName, EventPayload, Settings } from '../../contract/api';
import { unlockKeystore } from '../../crypto/keystore';
import type { DisposableSigner } from '../../crypto/signer';
import { RuleError } from '../../ledger/rules';
import type { HostLogger } from '../dispatch';
import { errorCodeOf, HostError } from '../errors';
import type { IdentityService } from '../identity';
import { IDENTITIES_DIR } from '../identity';
import type { LedgerBackend } from './backend';
import { NetworkLedger, type NetworkTuning } from './network';
import { StandaloneStack } from './standalone';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class LedgerNotAvailableError extends HostError {
  constructor(reason: string) {
    super('LEDGER_NOT_AVAILABLE', reason);
    this.name = 'LedgerNotAvailableError';
  }
}

/** Maps the rules' refusal to words for the person at the screen, keeping the rule's own message. */
export function refused(err: unknown, what: string): unknown {
  if (err instanceof RuleError) return new HostError('LEDGER_REFUSED', `The ledger refused ${what}: ${err.message}. Nothing was recorded.`, { cause: err, params: { problem: err.message } });
  return err;
}

/** The ledger of the chosen mode and the officer at the screen, shared by the casework services. */
export class LedgerAccess {
  private current: { key: string; backend: Promise<LedgerBackend> } | undefined;
  /** Work running in the background (depositions); close() aborts it and waits for it. */
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    readonly dataDir: string,
    readonly identity: IdentityService,
    readonly settings: () => Settings,
    readonly emit: Emit,
    readonly log: HostLogger,
    /** Called when the ledger changed (a new entry, a new checkpoint, a sync state). */
    readonly changed: () => void,
    private readonly tuning: NetworkTuning = {},
  ) {}

  /** Aborted when the host closes: background work stops (uploads resume on the next start). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The ledger of the chosen mode, opened on first use and reopened when the network settings change. */
  async backend(): Promise<LedgerBackend> {
    const s = this.settings();
    if (s.mode === null) throw new LedgerNotAvailableError('Choose standalone or network mode first (first-run setup).');
    const key = s.mode === 'standalone' ? 'standalone' : `network:${JSON.stringify(s.network)}`;
    if (this.current?.key !== key) {
      const old = this.current?.backend;
      this.current = {
        key,
        backend: (async () => {
          if (old) await (await old.catch(() => undefined))?.close();
          return s.mode === 'standalone'
            ? StandaloneStack.open(this.dataDir, this.log, () => this.changed())
            : NetworkLedger.open({ dataDir: this.dataDir, network: s.network, log: this.log, onChange: () => this.changed(), ...this.tuning });
        })(),
      };
    }
    const mine = this.current;
    try {
      return await mine.backend;
    } catch (err) {
      if (this.current === mine) this.current = undefined;
      throw err;
    }
  }

  /** Runs `work` in the background; close() waits for it. */
  track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
    if (this.current) await (await this.current.backend.catch(() => undefined))?.close();
  }

  /** A key's holder as the ledger enrolled them. */
  person(s: LedgerBackend, keyId: string): { keyId: string; name: string; badge: string } {
    const m = s.state.members.get(keyId);
    return { keyId, name: m?.name ?? 'unknown key', badge: m?.badge ?? '' };
  }

  /** The unlocked officer, enrolled in the standalone ledger on first use (standalone admin signs). */
  async officer(s: LedgerBackend) {
    const { info, signer } = this.identity.signer();
    await s.ensureEnrolled(info);
    return { info, signer };
  }

  /** Opens another officer's keystore with their passphrase for one signature (the key is disposed after). */
  async reauthenticate(keyId: string, passphrase: string): Promise<DisposableSigner> {
    try {
      const unlocked = await unlockKeystore(join(this.dataDir, IDENTITIES_DIR, `${keyId}.json`), passphrase);
      return unlocked.signer;
    } catch (err) {
      if (errorCodeOf(err) === 'E_KEYSTORE_PASSPHRASE') {
        throw new HostError('WRONG_PASSPHRASE', `The passphrase does not unlock key ${keyId}. Check the keyboard layout and Caps Lock, then try again.`, { cause: err });
      }
      if (errorCodeOf(err) === 'E_KEYSTORE_NOT_FOUND') {
        throw new HostError('IDENTITY_NOT_FOUND', `There is no identity ${keyId} on this workstation. Set that officer up here first.`, { cause: err });
      }
      throw err;
    }
  }
}

