// `npm run bench [-- NAME…]`: runs bench/NAME.bench.ts (all when none is named). Every benchmark prints
// ratios against a baseline measured in the same run, never a bare absolute time (docs/STYLE.md).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : available;

for (const name of names) {
  if (!available.includes(name)) {
    console.error(`bench: no benchmark named "${name}"; available: ${available.join(', ') || '(none)'}`);
    process.exit(2);
  }
}
if (names.length === 0) console.log('bench: no benchmarks yet');
for (const name of names) {
  console.log(`\n== ${name} ==`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { run: () => Promise<void> };
  await mod.run();
}
