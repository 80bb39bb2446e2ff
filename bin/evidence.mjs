#!/usr/bin/env node
// The `evidence` command. The CLI is TypeScript in app/cli; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
const code = await main(process.argv);
// A command may set process.exitCode itself (a failed audit, a refused deposit): never reset that to 0.
if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
