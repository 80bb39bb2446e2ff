// The trust root on the command line (docs/DESIGN.md "Trust roots"): `--trust BUNDLE` (a trust.bundle file) or
// `--trust-fingerprint HEX` (its 64-hex SHA-256, spaces allowed) on every command that verifies or deposits,
// `evidence trust show FILE` (the bundle and its fingerprint, as a court or an officer compares them) and
// `evidence trust fetch --node URL --expect-fingerprint HEX` (download a node's bundle, refused on mismatch) and
// `evidence verifier build --trust BUNDLE --out FILE.html` (an agency's copy of the offline verifier).
import { readFile, writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { type TrustAnchor } from '../proof/receipt';
import { type ParsedTrustBundle, TRUST_BUNDLE_FILE, TrustError, formatFingerprint, parseFingerprint, parseTrustBundle } from '../trust/bundle';
import { describeQuorum } from '../trust/policy';
import { embedTrust } from '../trust/embed';
import { fileURLToPath } from 'node:url';
import { EvidenceError } from '../common/errors';

export interface TrustOptions {
  trust?: string;
  trustFingerprint?: string;
}

/** A command needs a trust root and has none, or the one given cannot be used; the CLI exits 1. */
export class TrustArgumentError extends EvidenceError<'TRUST_REQUIRED'> {
  override name = 'TrustArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRUST_REQUIRED', message, options);
  }
}

/** Adds --trust and --trust-fingerprint to a command. */
export function trustOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--trust <bundle>', "the ledger's trust.bundle file, from the agency (what every key is checked against)").conflicts('trustFingerprint'))
    .addOption(new Option('--trust-fingerprint <hex>', "the trust bundle's SHA-256 fingerprint as the agency publishes it (64 hex digits; spaces allowed)"));
}

/** Reads and checks a trust.bundle file, naming the file in any error. */
export async function readTrustBundle(path: string): Promise<ParsedTrustBundle> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new TrustArgumentError(`--trust ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseTrustBundle(bytes);
  } catch (err) {
    if (err instanceof TrustError) throw new TrustArgumentError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The trust anchor the options give, or undefined when neither is given. */
export async function trustAnchorFrom(o: TrustOptions): Promise<TrustAnchor | undefined> {
  if (o.trust !== undefined) return { bundle: await readTrustBundle(o.trust) };
  if (o.trustFingerprint !== undefined) {
    try {
      return { fingerprint: parseFingerprint(o.trustFingerprint) };
    } catch (err) {
      if (err instanceof TrustError) throw new TrustArgumentError(`--trust-fingerprint: ${err.message}`, { cause: err });
      throw err;
    }
  }
  return undefined;
}

/** The trust bundle a command that sends data requires (fail closed): --trust, or --trust-fingerprint checked against `fetchBundle`. */
export async function requireTrustBundle(o: TrustOptions, what: string, fetchBundle: () => Promise<Uint8Array>): Promise<ParsedTrustBundle> {
  const anchor = await trustAnchorFrom(o);
  if (!anchor) throw new TrustArgumentError(`${what} needs a trust root: give --trust BUNDLE (the ledger's trust.bundle from the agency) or --trust-fingerprint HEX`);
  if ('bundle' in anchor) return anchor.bundle;
  let served: ParsedTrustBundle;
  try {
    served = parseTrustBundle(await fetchBundle());
  } catch (err) {
    throw new TrustArgumentError(`${what}: the node's trust bundle cannot be used: ${(err as Error).message}`, { cause: err });
  }
  if (served.fingerprint !== anchor.fingerprint) {
    throw new TrustArgumentError(`${what}: the node serves trust bundle ${formatFingerprint(served.fingerprint)}, not the trusted ${formatFingerprint(anchor.fingerprint)}: refusing to talk to this ledger`);
  }
  return served;
}

/** GET a URL's bytes (15 s), naming the URL in errors. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new TrustArgumentError(`GET ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new TrustArgumentError(`GET ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Before a command sends a byte: the node's log key and served trust bundle, and the provider's key, must be the
 * ones the trust bundle names. Throws TrustArgumentError naming the party and the key that is not in it.
 */
export async function checkParties(bundle: ParsedTrustBundle, parties: { node: string; provider?: string }, what: string): Promise<void> {
  const node = parties.node.replace(/\/+$/, '');
  const fp = formatFingerprint(bundle.fingerprint);
  const vkey = new TextDecoder().decode(await fetchBytes(`${node}/vkey`)).trim();
  if (vkey !== bundle.bundle.logKey) {
    throw new TrustArgumentError(`${what}: the node at ${node} has log key ${vkey}: log key not in the trust root ${fp} (it names ${bundle.bundle.logKey}); nothing was sent`);
  }
  const served = parseTrustBundle(await fetchBytes(`${node}/${TRUST_BUNDLE_FILE}`));
  if (served.fingerprint !== bundle.fingerprint) {
    throw new TrustArgumentError(`${what}: the node at ${node} serves trust bundle ${formatFingerprint(served.fingerprint)}, not the trusted ${fp} (a changed witness, provider or admin key is refused until the ledger records a new bundle); nothing was sent`);
  }
  if (parties.provider === undefined) return;
  const url = `${parties.provider.replace(/\/+$/, '')}/info`;
  let info: { keyId?: unknown; publicKey?: unknown };
  try {
    info = JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as typeof info;
  } catch (err) {
    throw new TrustArgumentError(`${what}: ${url} is not a provider's identity: ${(err as Error).message}`, { cause: err });
  }
  if (!bundle.bundle.providers.some((p) => p.keyId === info.keyId && p.publicKey === info.publicKey)) {
    throw new TrustArgumentError(`${what}: the provider at ${parties.provider} has key ${String(info.keyId)}, which is not in the trust root ${fp} (its providers: ${bundle.bundle.providers.map((p) => `${p.name} ${p.keyId}`).join(', ') || 'none'}); nothing was sent`);
  }
}

/** The lines `evidence trust show` prints. */
export function formatTrustBundle(p: ParsedTrustBundle): string {
  const b = p.bundle;
  return [
    `trust bundle of ${b.origin} (${b.network})`,
    `fingerprint  ${formatFingerprint(p.fingerprint)}`,
    `             (SHA-256 of the file; compare it with the fingerprint the agency publishes)`,
    `log key      ${b.logKey}`,
    ...p.policy.witnesses.map((w) => `witness      ${w.name} ${w.key.vkey}${w.url ? ` ${w.url}` : ''}`),
    `quorum       ${describeQuorum(p.policy.quorum)}`,
    ...(b.selfWitnessed ? ['             self-witnessed: no independent party has checked this record (standalone: the witness is this computer)'] : []),
    ...b.providers.map((x) => `provider     ${x.name} ${x.keyId} ${x.publicKey}`),
    ...b.admins.map((x) => `admin        ${x.name} ${x.keyId} ${x.publicKey}`),
    `admin quorum ${b.adminQuorum} of ${b.admins.length}`,
    ...(b.tsa?.length ? [`TSA certificates: ${b.tsa.length}`] : []),
    '',
  ].join('\n');
}

/** The generic offline verifier of this checkout (`npm run build:verifier`). */
const DEFAULT_VERIFIER = fileURLToPath(new URL('../../out/verifier/verifier.html', import.meta.url));

export function register(program: Command): void {
  program
    .command('verifier')
    .description('the offline HTML verifier')
    .command('build')
    .description("write an agency's own copy of the offline verifier with its trust bundle inside: it checks receipts against that ledger only")
    .requiredOption('--trust <bundle>', "the ledger's trust.bundle")
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--from <verifier.html>', 'the generic verifier to start from', DEFAULT_VERIFIER)
    .action(async (o: { trust: string; out: string; from: string }) => {
      const bundle = await readTrustBundle(o.trust);
      let page: string;
      try {
        page = await readFile(o.from, 'utf8');
      } catch (err) {
        throw new TrustArgumentError(`--from ${o.from} cannot be read (build it with \`npm run build:verifier\`): ${(err as Error).message}`, { cause: err });
      }
      await writeFile(o.out, embedTrust(page, bundle));
      process.stdout.write(`wrote ${o.out}: the offline verifier for ${bundle.bundle.origin} (${bundle.bundle.network}), trust bundle ${formatFingerprint(bundle.fingerprint)}\n`);
    });

  const trust = program.command('trust').description("a ledger's trust bundle: the keys every verifier checks against, and its fingerprint");
  trust
    .command('show')
    .description('print a trust bundle and its fingerprint (SHA-256 of the file)')
    .argument('<file>', 'a trust.bundle file')
    .action(async (file: string) => {
      process.stdout.write(formatTrustBundle(await readTrustBundle(file)));
    });
  trust
    .command('fetch')
    .description(`download a ledger node's ${TRUST_BUNDLE_FILE}, refused unless its fingerprint is the one expected`)
    .requiredOption('--node <url>', 'the ledger node URL')
    .requiredOption('--expect-fingerprint <hex>', "the fingerprint the agency publishes (64 hex digits; spaces allowed)")
    .option('--out <file>', 'where to write it', TRUST_BUNDLE_FILE)
    .action(async (o: { node: string; expectFingerprint: string; out: string }) => {
      const url = `${o.node.replace(/\/+$/, '')}/${TRUST_BUNDLE_FILE}`;
      const p = await requireTrustBundle({ trustFingerprint: o.expectFingerprint }, 'trust fetch', () => fetchBytes(url));
      await writeFile(o.out, p.bytes);
      process.stdout.write(`wrote ${o.out}: the trust bundle of ${p.bundle.origin}, fingerprint ${formatFingerprint(p.fingerprint)} (as expected)\n`);
    });
}
