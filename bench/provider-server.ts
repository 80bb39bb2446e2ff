// The provider side of bench/provider.bench.ts, in its own process so its peak RSS is its own: a real provider
// server (app/provider/server.ts) whose only member is the benchmark's depositor key (BENCH_DEPOSITOR_KEY_ID,
// BENCH_DEPOSITOR_PUBLIC_KEY). Prints `listening on URL`; on SIGTERM prints `maxrss KIB`, `startrss KIB` (when
// it started listening), `cpu µs` and exits.
import { generateSigner } from '../app/crypto/signer';
import { StaticMemberDirectory } from '../app/provider/members';
import { createProviderServer } from '../app/provider/server';

const dir = process.argv[2];
const keyId = process.env.BENCH_DEPOSITOR_KEY_ID;
const publicKey = process.env.BENCH_DEPOSITOR_PUBLIC_KEY;
if (!dir || !keyId || !publicKey) {
  console.error('usage: BENCH_DEPOSITOR_KEY_ID=… BENCH_DEPOSITOR_PUBLIC_KEY=… node bin/run-ts.mjs bench/provider-server.ts DIR');
  process.exit(2);
}
const server = await createProviderServer({
  dir,
  signer: generateSigner(),
  directory: new StaticMemberDirectory([{ keyId, publicKey, role: 'investigator', enrolled: true, revoked: false }]),
  origin: 'bench.evidence.example/ledger',
});
const url = await server.listen(0);
const atListen = process.resourceUsage();
const startRss = Math.round(process.memoryUsage().rss / 1024);
process.stdout.write(`listening on ${url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => {
    const u = process.resourceUsage();
    // CPU spent after start-up (the upload, its hash, the store), in µs.
    const cpu = u.userCPUTime + u.systemCPUTime - atListen.userCPUTime - atListen.systemCPUTime;
    process.stdout.write(`maxrss ${u.maxRSS}\nstartrss ${startRss}\ncpu ${cpu}\n`);
    process.exit(0);
  });
});
