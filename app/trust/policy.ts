// Witness policy text in the line format Sigsum defines (the policy file specification of sigsum-go) and transparency-dev tools
// read with signed-note verifier keys instead of raw hex keys:
//   log <vkey> [<url>]                 a log key (Ed25519, signature type 0x01)
//   witness <name> <vkey> [<url>]      a witness key (cosignature/v1, type 0x04)
//   group <name> <k|all|any> <member>… a group that "acts" when k of its members act
//   quorum <name|none>                 exactly one: the witness or group that must act for a checkpoint to count
// "#" starts a comment; blank lines are ignored; a name must be defined on an earlier line than any line that
// uses it (so groups cannot be circular); witnesses and groups share one namespace, and "none" is predefined.
// The parser is strict: every error names the line (1-based) and what would be right.
// Isomorphic (no node: imports): the CLI, the workstation and the offline HTML verifier share it.
import { type NoteVerifier, SIG_COSIGNATURE_V1, SIG_ED25519, parseVerifierKey } from '../ledger/note';
import { EvidenceError } from '../common/errors';

export class PolicyError extends EvidenceError<'TRUST_BAD_POLICY'> {
  override name = 'PolicyError';
  constructor(
    /** 1-based line of the policy text, 0 when the error is about the whole text. */
    readonly line: number,
    message: string,
  ) {
    super('TRUST_BAD_POLICY', line > 0 ? `policy line ${line}: ${message}` : `policy: ${message}`);
  }
}

export type QuorumRule = { readonly kind: 'none' } | { readonly kind: 'witness'; readonly name: string } | { readonly kind: 'group'; readonly name: string; readonly k: number; readonly members: readonly QuorumRule[] };

export interface PolicyWitness {
  readonly name: string;
  readonly key: NoteVerifier;
  readonly url?: string;
}

export interface ParsedPolicyText {
  readonly logs: ReadonlyArray<{ readonly key: NoteVerifier; readonly url?: string }>;
  readonly witnesses: readonly PolicyWitness[];
  readonly quorum: QuorumRule;
}

const NAME_RE = /^[^\s#]{1,255}$/u;
const URL_RE = /^https?:\/\/[^\s]+$/;

/** Parses policy text strictly; throws PolicyError naming the bad line. */
export function parsePolicyText(text: string): ParsedPolicyText {
  if (typeof text !== 'string') throw new PolicyError(0, 'the policy must be text');
  const logs: Array<{ key: NoteVerifier; url?: string }> = [];
  const witnesses: PolicyWitness[] = [];
  const names = new Map<string, QuorumRule>([['none', { kind: 'none' }]]);
  const keysSeen = new Map<string, number>();
  let quorum: QuorumRule | undefined;
  let quorumLine = 0;

  const keyOf = (n: number, vkey: string | undefined, type: number, what: string): NoteVerifier => {
    if (vkey === undefined) throw new PolicyError(n, `${what} needs a verifier key (name+hexid+base64key)`);
    let key: NoteVerifier;
    try {
      key = parseVerifierKey(vkey);
    } catch (err) {
      throw new PolicyError(n, `${what} key ${JSON.stringify(vkey)}: ${(err as Error).message}`);
    }
    if (key.type !== type) {
      throw new PolicyError(n, `${what} key ${key.name} has signature type 0x${key.type.toString(16).padStart(2, '0')}, expected 0x${type.toString(16).padStart(2, '0')} (${type === SIG_ED25519 ? 'Ed25519 log key' : 'cosignature/v1 witness key'})`);
    }
    const seen = keysSeen.get(key.vkey);
    if (seen !== undefined) throw new PolicyError(n, `key ${key.name} is already listed on line ${seen}`);
    keysSeen.set(key.vkey, n);
    return key;
  };
  const urlOf = (n: number, url: string | undefined): { url?: string } => {
    if (url === undefined) return {};
    if (!URL_RE.test(url)) throw new PolicyError(n, `URL ${JSON.stringify(url)} must start with http:// or https://`);
    return { url };
  };
  const defineName = (n: number, name: string | undefined, what: string): string => {
    if (name === undefined) throw new PolicyError(n, `${what} needs a name`);
    if (!NAME_RE.test(name)) throw new PolicyError(n, `${what} name ${JSON.stringify(name)} must be one word without spaces or #`);
    if (names.has(name)) throw new PolicyError(n, name === 'none' ? 'the name "none" is predefined' : `the name ${JSON.stringify(name)} is already defined`);
    return name;
  };

  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/#.*$/, '').replace(/\r$/, '');
    if ([...line].some((c) => (c < ' ' && c !== '\t') || c === '\x7f')) throw new PolicyError(n, 'control characters are not allowed');
    const f = line.trim().split(/[ \t]+/).filter((s) => s !== '');
    if (f.length === 0) return;
    const [word, ...args] = f as [string, ...string[]];
    switch (word) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw new PolicyError(n, `"log" takes a key and an optional URL, got ${args.length} arguments`);
        logs.push({ key: keyOf(n, args[0], SIG_ED25519, 'log'), ...urlOf(n, args[1]) });
        return;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw new PolicyError(n, `"witness" takes a name, a key and an optional URL, got ${args.length} arguments`);
        const name = defineName(n, args[0], 'witness');
        const key = keyOf(n, args[1], SIG_COSIGNATURE_V1, `witness ${name}`);
        witnesses.push({ name, key, ...urlOf(n, args[2]) });
        names.set(name, { kind: 'witness', name });
        return;
      }
      case 'group': {
        if (args.length < 3) throw new PolicyError(n, '"group" takes a name, a threshold (a number, all or any) and at least one member');
        const name = defineName(n, args[0], 'group');
        const members = args.slice(2).map((m) => {
          const r = names.get(m);
          if (!r) throw new PolicyError(n, `group ${name}: ${JSON.stringify(m)} is not defined on an earlier line`);
          if (r.kind === 'none') throw new PolicyError(n, `group ${name}: "none" cannot be a group member`);
          return r;
        });
        const seen = new Set<string>();
        for (const m of args.slice(2)) {
          if (seen.has(m)) throw new PolicyError(n, `group ${name}: member ${m} is listed twice`);
          seen.add(m);
        }
        const t = args[1]!;
        let k: number;
        if (t === 'all') k = members.length;
        else if (t === 'any') k = 1;
        else if (/^[1-9][0-9]{0,5}$/.test(t)) k = Number(t);
        else throw new PolicyError(n, `group ${name}: threshold ${JSON.stringify(t)} must be all, any or a whole number from 1`);
        if (k > members.length) throw new PolicyError(n, `group ${name}: threshold ${k} is more than its ${members.length} members`);
        names.set(name, { kind: 'group', name, k, members });
        return;
      }
      case 'quorum': {
        if (args.length !== 1) throw new PolicyError(n, `"quorum" takes one name, got ${args.length}`);
        if (quorum) throw new PolicyError(n, `a second quorum line (the first is line ${quorumLine})`);
        const r = names.get(args[0]!);
        if (!r) throw new PolicyError(n, `quorum ${JSON.stringify(args[0])} is not defined on an earlier line (use a witness, a group or none)`);
        quorum = r;
        quorumLine = n;
        return;
      }
      default:
        throw new PolicyError(n, `unknown keyword ${JSON.stringify(word)}: expected log, witness, group or quorum`);
    }
  });
  if (!quorum) throw new PolicyError(0, 'there is no quorum line (write "quorum none" when no cosignature is required)');
  return { logs, witnesses, quorum };
}

/** Whether the witnesses named in `acted` (their cosignatures verified) satisfy the rule. */
export function quorumMet(rule: QuorumRule, acted: ReadonlySet<string>): boolean {
  switch (rule.kind) {
    case 'none':
      return true;
    case 'witness':
      return acted.has(rule.name);
    case 'group':
      return rule.members.filter((m) => quorumMet(m, acted)).length >= rule.k;
  }
}

/** The rule in words, e.g. "2 of (w1, w2, w3)". */
export function describeQuorum(rule: QuorumRule): string {
  switch (rule.kind) {
    case 'none':
      return 'no cosignature required';
    case 'witness':
      return rule.name;
    case 'group':
      return `${rule.k} of (${rule.members.map(describeQuorum).join(', ')})`;
  }
}

/** The group name formatPolicyText uses for a k-of-n genesis policy. */
export const GENESIS_GROUP = 'genesis-quorum';

/**
 * The policy text of a log key and a genesis k-of-n witness policy (docs/RECORDS.md): one log line, one witness
 * line per witness (named by its key name), then `group genesis-quorum k …` and `quorum genesis-quorum`, or
 * `quorum none` when no cosignature is required.
 */
export function formatPolicyText(logVkey: string, policy: { quorum: number; witnesses: ReadonlyArray<{ name: string; vkey: string }> }): string {
  const lines = [`log ${logVkey}`, ...policy.witnesses.map((w) => `witness ${w.name} ${w.vkey}`)];
  if (policy.quorum === 0) lines.push('quorum none');
  else lines.push(`group ${GENESIS_GROUP} ${policy.quorum} ${policy.witnesses.map((w) => w.name).join(' ')}`, `quorum ${GENESIS_GROUP}`);
  return `${lines.join('\n')}\n`;
}
