// Import first, before anything builds a zod schema, in code that runs under a Content-Security-Policy without
// 'unsafe-eval' (the renderer, the preload). Zod otherwise probes `new Function('')` when it builds its first
// object schema, which the policy blocks and reports as a violation. Parsing is the same, only not JIT-compiled.
import { z } from 'zod';

z.config({ jitless: true });
