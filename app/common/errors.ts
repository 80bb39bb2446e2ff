// The one base of the workstation's errors: every error class in app/ extends it, so any of them carries a
// stable, machine-readable `code` (SCREAMING_SNAKE_CASE) beside its message in words. Isomorphic: no Node
// built-ins, so the renderer, the offline verifier and the servers share it.

export class EvidenceError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
