// Types of eslint.config.js's named export, for app/common/runtime.test.ts.
/** Globs of the app/ modules that run in the browser too (the renderer and the offline verifier load them). */
export declare const browserSafe: string[];
declare const config: unknown;
export default config;
