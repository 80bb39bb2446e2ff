// Who may talk to the provider. Membership is the ledger's: a depositor is authorised because an admin quorum
// enrolled its key in the ledger the provider follows, and loses that when a revocation is logged. The
// provider asks through this small interface so the source (the ledger mirror, or records in a test) is
// interchangeable.

export type MemberRole = 'investigator' | 'custodian' | 'supervisor' | 'admin' | 'provider';

export interface Member {
  keyId: string;
  /** Compressed secp256k1 public key, 66 lowercase hex characters. */
  publicKey: string;
  role: MemberRole;
  name?: string;
  /** The key was enrolled (genesis admin or member.enroll) in the ledger. */
  enrolled: boolean;
  /** A member.revoke for the key was logged. */
  revoked: boolean;
}

export interface MemberDirectory {
  /** The member with this key id as the ledger knows it now, or undefined when the key is unknown. */
  lookup(keyId: string): Member | undefined | Promise<Member | undefined>;
}

/** Roles that may deposit evidence and read it back: officers, not the provider itself. */
export const DEPOSITOR_ROLES: readonly MemberRole[] = ['investigator', 'custodian', 'supervisor', 'admin'];

/** A directory over a fixed map, for a provider whose members are given by its operator. */
export class StaticMemberDirectory implements MemberDirectory {
  private readonly members = new Map<string, Member>();
  constructor(members: Iterable<Member>) {
    for (const m of members) this.members.set(m.keyId, { ...m });
  }
  lookup(keyId: string): Member | undefined {
    return this.members.get(keyId);
  }
}
