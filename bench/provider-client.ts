// The workstation side of bench/provider.bench.ts, in its own process so its peak RSS and CPU time are the
// upload's own (not the benchmark's, which also wrote the test file): uploads FILE (declared SHA256, SIZE) to
// the provider at URL with the depositor key BENCH_DEPOSITOR_PRIVATE_KEY (hex). Prints `seconds S` (the upload
// alone), `cpu µs`, `maxrss KIB` and `startrss KIB` (before the upload), then exits.
import { signerFromPrivateKey } from '../app/crypto/signer';
import { ProviderClient } from '../app/provider/client';

const [url, file, sha256, size, urlStorageFile] = process.argv.slice(2);
const key = process.env.BENCH_DEPOSITOR_PRIVATE_KEY;
if (!url || !file || !sha256 || !size || !urlStorageFile || !key) {
  console.error('usage: BENCH_DEPOSITOR_PRIVATE_KEY=… node bin/run-ts.mjs bench/provider-client.ts URL FILE SHA256 SIZE URLS.json');
  process.exit(2);
}
const client = new ProviderClient({ baseUrl: url, signer: signerFromPrivateKey(Buffer.from(key, 'hex')), urlStorageFile });
// One signed request first, so the HTTP client's own loading is not counted as the upload's.
await client.storedSize(sha256);
const startRss = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const result = await client.upload(file, { sha256, size: Number(size) });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
if (result.alreadyStored) {
  console.error('the object was already stored: the measurement is void');
  process.exit(1);
}
process.stdout.write(`seconds ${seconds}\ncpu ${cpu.user + cpu.system}\nmaxrss ${process.resourceUsage().maxRSS}\nstartrss ${Math.round(startRss / 1024)}\n`);
