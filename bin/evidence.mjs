#!/usr/bin/env node
// The `evidence` command. The CLI is TypeScript in app/cli; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv);
