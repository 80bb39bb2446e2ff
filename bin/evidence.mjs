#!/usr/bin/env node
// The `evidence` command: runs the command line built from app/cli into out/cli/ (`npm run build`, see
// bin/build-cli.mjs; `npm install` builds it too). Nothing is compiled here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../out/cli/main.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(`evidence: the command line is not built (${fileURLToPath(built)} is missing): run \`npm run build\`\n`);
  process.exit(1);
}
// A reader that closes the pipe early (`evidence hash DIR | head -3`) ends the command quietly, with the status
// of a process killed by SIGPIPE (128 + 13) as coreutils report it, not with a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
});
const { main } = await import(built.href);
const code = await main(process.argv);
// A command may set process.exitCode itself (a failed audit, a refused deposit): never reset that to 0.
if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
