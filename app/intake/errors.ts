// Named errors of the intake engine. Every error has a stable `code`; adapters wrap with `{ cause }`.
// Per-file failures are not thrown: they are recorded on the item (`item.error = { code, message }`) so one
// bad file never stops a batch. Only batch-level failures (bad arguments, cancel, journal trouble) are thrown.
import { EvidenceError } from '../common/errors';

export type IntakeErrorCode =
  | 'E_INTAKE_ARGUMENT'
  | 'E_INTAKE_CANCELLED'
  | 'E_INTAKE_CHANGED'
  | 'E_INTAKE_VANISHED'
  | 'E_INTAKE_UNREADABLE'
  | 'E_INTAKE_SPECIAL_FILE'
  | 'E_INTAKE_SYMLINK_LOOP'
  | 'E_INTAKE_WORKER'
  | 'E_INTAKE_JOURNAL'
  | 'E_INTAKE_BATCH_EXISTS'
  | 'E_INTAKE_INCOMPLETE_FOLDER';

export class IntakeError extends EvidenceError<IntakeErrorCode> {
  constructor(code: IntakeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A bad argument to the engine (unknown algorithm, empty path list, bad option value). */
export class IntakeArgumentError extends IntakeError {
  constructor(message: string) {
    super('E_INTAKE_ARGUMENT', message);
  }
}

/** The batch was cancelled through its AbortSignal; no result is produced. */
export class IntakeCancelledError extends IntakeError {
  constructor(message = 'intake cancelled: the batch was aborted and produced no result', options?: { cause?: unknown }) {
    super('E_INTAKE_CANCELLED', message, options);
  }
}

/** The batch journal is unreadable, corrupt, or belongs to another batch. */
export class IntakeJournalError extends IntakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_INTAKE_JOURNAL', message, options);
  }
}

/** startIntake was given a batch folder that already holds a journal (use resumeBatch). */
export class IntakeBatchExistsError extends IntakeError {
  constructor(message: string) {
    super('E_INTAKE_BATCH_EXISTS', message);
  }
}

/** A hash worker died or reported an internal failure. */
export class IntakeWorkerError extends IntakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_INTAKE_WORKER', message, options);
  }
}

/** The error recorded on an item that has no hash. */
export interface ItemError {
  code: IntakeErrorCode;
  message: string;
}
