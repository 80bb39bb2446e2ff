// Worker-thread entry for the audit's bulk signature verification. The worker code is TypeScript
// (audit-worker.ts); this bootstrap registers tsx in the worker thread, which does not inherit the parent's hooks.
import { register } from 'tsx/esm/api';

register();
await import('./audit-worker.ts');
