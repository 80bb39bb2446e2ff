// Signed inclusion promises (like an RFC 6962 SCT): the sequencer's signed statement, made once an entry is
// durably journaled, that it will appear at `index` within the bounded integration delay. Encoded as a C2SP
// signed note by the log key; line 2 ("origin …") can never parse as a checkpoint's tree size, so a promise
// cannot be confused with a checkpoint signed by the same key.
import { fromBase64, toBase64 } from '../crypto/encoding';
import { HASH_SIZE } from './merkle';
import { type NoteSigner, type NoteVerifier, NoteError, openNote, signNote } from './note';

export const PROMISE_HEADER = 'evidence-ledger/promise/v1';

export interface InclusionPromise {
  readonly origin: string;
  readonly index: number;
  /** RFC 3339 time the sequencer accepted the entry. */
  readonly time: string;
  /** RFC 9162 leaf hash of the entry. */
  readonly leafHash: Uint8Array;
}

export function signPromise(p: InclusionPromise, signer: NoteSigner): string {
  const text = `${PROMISE_HEADER}\norigin ${p.origin}\nindex ${p.index}\ntime ${p.time}\nleaf ${toBase64(p.leafHash)}\n`;
  return signNote(text, [signer]);
}

/** Verifies a promise note with the log key and parses it strictly. */
export function openPromise(note: string, logKey: NoteVerifier): InclusionPromise {
  const { text } = openNote(note, [logKey]);
  const m = /^evidence-ledger\/promise\/v1\norigin (.+)\nindex (0|[1-9][0-9]*)\ntime (\S+)\nleaf (\S+)\n$/.exec(text);
  if (!m) throw new NoteError('LEDGER_NOTE_MALFORMED', `not an ${PROMISE_HEADER} inclusion promise`);
  const leafHash = fromBase64(m[4]!);
  const index = Number(m[2]);
  if (leafHash.length !== HASH_SIZE || !Number.isSafeInteger(index)) throw new NoteError('LEDGER_NOTE_MALFORMED', 'inclusion promise has a bad index or leaf hash');
  return { origin: m[1]!, index, time: m[3]!, leafHash };
}
